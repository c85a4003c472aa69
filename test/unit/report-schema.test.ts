import { describe, expect, it } from 'vitest';
import { ReportCreate, ReviewRequest, reportEventId } from '../../schemas/report.schema.ts';

const hazard = {
  reportId: 'r-1',
  event: { type: 'hazard_found', crewId: 'C1', occurredAt: '2026-03-09T09:00:00+08:00', hazardId: 'H-1' },
  location: '3号加油机',
  description: '油枪胶管老化开裂',
  evidence: [`sha256:${'a'.repeat(64)}`],
};

describe('the report contract', () => {
  it('takes an event of a reportable type without its eventId, derived from the reportId', () => {
    expect(ReportCreate.parse(hazard).event).toMatchObject({ type: 'hazard_found', hazardId: 'H-1' });
    expect(reportEventId('r-1')).toBe('report-r-1');
    const withId = ReportCreate.safeParse({ ...hazard, event: { ...hazard.event, eventId: 'x' } });
    expect(withId.success).toBe(false);
    const sales = ReportCreate.safeParse({ ...hazard, event: { ...hazard.event, type: 'sales' } });
    expect(sales.success).toBe(false);
  });

  it('refuses evidence that is not an evidence id, and more than 9', () => {
    expect(ReportCreate.safeParse({ ...hazard, evidence: ['photo.jpg'] }).success).toBe(false);
    const ten = Array.from({ length: 10 }, (_, i) => `sha256:${String(i).repeat(64)}`);
    expect(ReportCreate.safeParse({ ...hazard, evidence: ten }).success).toBe(false);
  });

  it('keeps the event’s own rules, and a reported innovation is only submitted', () => {
    const base = { type: 'innovation', crewId: 'C1', occurredAt: '2026-03-09T09:00:00+08:00', innovationId: 'I-1' };
    const ok = ReportCreate.safeParse({
      reportId: 'r-2',
      event: { ...base, category: 'creation', status: 'submitted' },
    });
    expect(ok.success).toBe(true);
    const awarded = ReportCreate.safeParse({
      reportId: 'r-3',
      event: { ...base, category: 'creation', status: 'awarded' },
    });
    expect(awarded.success).toBe(false);
    expect(awarded.error?.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['event.awardLevel', 'event.status']),
    );
  });

  it('needs a reason to reject', () => {
    expect(ReviewRequest.safeParse({ reportIds: ['r-1'], decision: 'rejected' }).success).toBe(false);
    expect(ReviewRequest.safeParse({ reportIds: ['r-1'], decision: 'rejected', note: '照片看不清' }).success).toBe(
      true,
    );
    expect(ReviewRequest.safeParse({ reportIds: ['r-1'], decision: 'approved' }).success).toBe(true);
  });
});
