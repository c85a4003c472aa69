import { describe, expect, it } from 'vitest';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import type { Report } from '../../schemas/report.schema.ts';
import { innovationStepEvent } from '../../services/console/web/model/innovation-step.ts';

const report: Report = {
  reportId: 'r-9',
  status: 'approved',
  event: {
    type: 'innovation',
    crewId: 'C1',
    occurredAt: '2026-03-03T10:00:00+08:00',
    innovationId: 'I-7',
    category: 'renovation',
    status: 'submitted',
  },
  location: null,
  description: '加油机防滴漏托盘',
  evidence: [],
  branchId: 'B1',
  unitId: 'U1',
  reportedBy: '西湖甲班',
  reporterTokenId: 'tok_1',
  reportedAt: '2026-03-03T02:00:00.000Z',
  levels: ['评审委员会'],
  approvedLevels: 1,
  steps: [],
  rejection: null,
  eventId: 'report-r-9',
};
const now = new Date('2026-03-20T02:00:00Z');

describe('五小 lifecycle from the console', () => {
  it('adopts and awards an approved innovation as new events of the same innovation, valid by the event contract', () => {
    const adopted = innovationStepEvent(report, { status: 'adopted' }, now);
    expect(adopted).toMatchObject({ eventId: 'report-r-9-adopted', innovationId: 'I-7', status: 'adopted' });
    const awarded = innovationStepEvent(report, { status: 'awarded', awardLevel: 2 }, now);
    expect(awarded).toMatchObject({ eventId: 'report-r-9-awarded-2', status: 'awarded', awardLevel: 2 });
    expect(MetricEventSchema.safeParse(adopted).success).toBe(true);
    expect(MetricEventSchema.safeParse(awarded).success).toBe(true);
  });

  it('does nothing for a pending report or another type', () => {
    expect(innovationStepEvent({ ...report, status: 'pending' }, { status: 'adopted' }, now)).toBeUndefined();
    const hazard = {
      ...report,
      event: { type: 'hazard_found' as const, crewId: 'C1', occurredAt: report.event.occurredAt, hazardId: 'H' },
    };
    expect(innovationStepEvent(hazard, { status: 'adopted' }, now)).toBeUndefined();
  });
});
