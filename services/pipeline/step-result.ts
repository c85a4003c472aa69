import type { FieldError } from '../shared/errors.ts';

/**
 * What a pipeline step decides about one event. A conflict repeats an event already stored (same
 * crewId and eventId) with other content, in these fields: the first version stays.
 */
export type StepResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'reject'; errors: FieldError[] }
  | { kind: 'duplicate' }
  | { kind: 'conflict'; fields: string[] };

export const ok = <T>(value: T): StepResult<T> => ({ kind: 'ok', value });
export const reject = (errors: FieldError[]): StepResult<never> => ({ kind: 'reject', errors });
export const duplicate: StepResult<never> = { kind: 'duplicate' };
export const conflict = (fields: string[]): StepResult<never> => ({ kind: 'conflict', fields });
