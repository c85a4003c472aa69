import { MetricEventSchema, type MetricEvent } from '../../schemas/event.schema.ts';
import { zodIssuesToFieldErrors, type FieldError } from '../shared/errors.ts';
import { ok, reject, type StepResult } from './step-result.ts';

export interface ValidateOptions {
  crewExists: (crewId: string) => boolean;
  /**
   * Whether the registry lists the person an event names (personId). Left out where the registry's
   * persons are not known (the ingest service): the scoring service checks them then.
   */
  personExists?: (personId: string) => boolean;
  now: () => Date;
  /** How far in the future an event may be (clock skew between a station and us). */
  maxFutureMs: number;
  /** How old an event may be. */
  maxAgeMs: number;
}

export type ValidateStep = (raw: unknown, receivedAtMs?: number) => StepResult<MetricEvent>;

/**
 * Schema, then the facts only we know: do the crew and the person exist, is the time plausible. The time is
 * judged against when the event was received (now for a request; the message's timestamp for an
 * event read from Kafka), so replaying a topic later decides exactly as the first reading did.
 */
export function createValidateStep(options: ValidateOptions): ValidateStep {
  return (raw, receivedAtMs) => {
    const parsed = MetricEventSchema.safeParse(raw);
    if (!parsed.success) return reject(zodIssuesToFieldErrors(parsed.error.issues));
    const event = parsed.data;
    const errors: FieldError[] = [];
    if (!options.crewExists(event.crewId)) {
      errors.push({ path: 'crewId', message: `unknown crew "${event.crewId}": register it with PUT /v1/org first` });
    }
    // An unknown person would count for no one: a 个人赛 would silently miss the points.
    const personId = 'personId' in event ? event.personId : undefined;
    if (personId !== undefined && options.personExists && !options.personExists(personId)) {
      errors.push({
        path: 'personId',
        message: `组织架构中没有人员 "${personId}"，请先在工作台“组织架构”或用 PATCH /v1/org 登记 / unknown person "${personId}": register it in the console or with PATCH /v1/org first`,
      });
    }
    const at = Date.parse(event.occurredAt);
    const now = receivedAtMs ?? options.now().getTime();
    if (at > now + options.maxFutureMs) {
      errors.push({
        path: 'occurredAt',
        message: `${event.occurredAt} is in the future (more than ${Math.round(options.maxFutureMs / 60_000)} minutes ahead of the time it was received, ${new Date(now).toISOString()})`,
      });
    } else if (at < now - options.maxAgeMs) {
      errors.push({
        path: 'occurredAt',
        message: `${event.occurredAt} is older than ${Math.round(options.maxAgeMs / 86_400_000)} days`,
      });
    }
    return errors.length > 0 ? reject(errors) : ok(event);
  };
}
