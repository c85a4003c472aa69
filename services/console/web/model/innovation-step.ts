import type { MetricEventInput } from '../../../../schemas/event.schema.ts';
import type { Report } from '../../../../schemas/report.schema.ts';

export type InnovationStep = { status: 'adopted' } | { status: 'awarded'; awardLevel: 1 | 2 | 3 };

/**
 * 五小: the committee adopts or awards an approved innovation report: a new innovation event for the
 * same innovationId (the later one supersedes the earlier), its id derived from the report and the
 * step, so pressing twice stores it once. Undefined for any other report.
 */
export function innovationStepEvent(report: Report, step: InnovationStep, now: Date): MetricEventInput | undefined {
  const e = report.event;
  if (e.type !== 'innovation' || report.status !== 'approved') return undefined;
  const suffix = step.status === 'adopted' ? 'adopted' : `awarded-${step.awardLevel}`;
  return {
    eventId: `report-${report.reportId}-${suffix}`,
    crewId: e.crewId,
    type: 'innovation',
    occurredAt: now.toISOString(),
    innovationId: e.innovationId,
    category: e.category,
    ...(e.personId === undefined ? {} : { personId: e.personId }),
    ...(e.benefitCny === undefined ? {} : { benefitCny: e.benefitCny }),
    ...step,
  };
}
