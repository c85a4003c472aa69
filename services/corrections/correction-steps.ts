import { CorrectionRecord } from '../../schemas/correction.schema.ts';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import type { ValidateStep } from '../pipeline/validate-step.ts';
import { ok, reject, type StepResult } from '../pipeline/step-result.ts';
import { zodIssuesToFieldErrors, type FieldError } from '../shared/errors.ts';
import { correctionIdFor, replacementIdFor } from './correction-ids.ts';

/** What the pipelines carry: events, and corrections of stored events. */
export type IngestRecord = MetricEvent | CorrectionRecord;

export type ValidateCorrection = (raw: unknown, receivedAtMs?: number) => StepResult<CorrectionRecord>;

/**
 * A correction's validation, as strict on the HTTP path as on the Kafka path: its schema, the ids
 * derived from the corrected event, and the replacement checked as any event is (schema, crew in
 * the registry, a plausible time judged against when the correction was received). Whether the
 * corrected event is stored is storage's to say, when the correction is stored.
 */
export function createCorrectionValidateStep(validateEvent: ValidateStep): ValidateCorrection {
  return (raw, receivedAtMs) => {
    const parsed = CorrectionRecord.safeParse(raw);
    if (!parsed.success) return reject(zodIssuesToFieldErrors(parsed.error.issues));
    const record = parsed.data;
    const errors: FieldError[] = [];
    const correctionId = correctionIdFor(record.crewId, record.eventId);
    if (record.correctionId !== correctionId) {
      errors.push({ path: 'correctionId', message: `the correction of this event has the id "${correctionId}"` });
    }
    if (record.replacement !== undefined) {
      const replacementId = replacementIdFor(record.crewId, record.eventId);
      if (record.replacement.eventId !== replacementId) {
        errors.push({
          path: 'replacement.eventId',
          message: `the replacement of this event has the id "${replacementId}"`,
        });
      }
      const replacement = validateEvent(record.replacement, receivedAtMs);
      if (replacement.kind === 'reject') {
        errors.push(...replacement.errors.map((e) => ({ path: `replacement.${e.path}`, message: e.message })));
      }
    }
    return errors.length > 0 ? reject(errors) : ok(record);
  };
}

/** The crews whose scores the records change: scoreChanges' crews, without an object per record. */
export function changedCrews(records: readonly IngestRecord[]): string[] {
  const crews: string[] = [];
  for (const r of records) {
    crews.push(r.crewId);
    if (r.type === 'correction' && r.replacement !== undefined) crews.push(r.replacement.crewId);
  }
  return crews;
}

/** Event types copied into lifecycle_events (migration 0001's lifecycle_events_mv): hazards and innovations. */
// Typed by the event schema's types, so a renamed type fails the build instead of going unread.
const LIFECYCLE_TYPES: ReadonlySet<string> = new Set<MetricEvent['type']>([
  'hazard_found',
  'hazard_rectified',
  'innovation',
]);

/**
 * Of changedCrews, those whose hazards or innovations the records may change: an event's crew
 * when it is a hazard or an innovation, and both crews of any correction (it may withdraw one).
 * Today's standings read those facts again only for these crews (todays-crew-facts.ts).
 */
export function lifecycleCrews(records: readonly IngestRecord[]): string[] {
  const crews: string[] = [];
  for (const r of records) {
    if (r.type === 'correction') {
      crews.push(r.crewId);
      if (r.replacement !== undefined) crews.push(r.replacement.crewId);
    } else if (LIFECYCLE_TYPES.has(r.type)) crews.push(r.crewId);
  }
  return crews;
}

/** The instants and crews a stored record changes scores at: a correction changes two. */
export function scoreChanges(records: readonly IngestRecord[]): { crewId: string; occurredAt: string }[] {
  return records.flatMap((r) =>
    r.type === 'correction' && r.replacement !== undefined
      ? [
          { crewId: r.crewId, occurredAt: r.occurredAt },
          { crewId: r.replacement.crewId, occurredAt: r.replacement.occurredAt },
        ]
      : [{ crewId: r.crewId, occurredAt: r.occurredAt }],
  );
}
