import type { FieldError } from '../shared/errors.ts';

/** What a pipeline step decides about one event. */
export type StepResult<T> = { kind: 'ok'; value: T } | { kind: 'reject'; errors: FieldError[] } | { kind: 'duplicate' };

export const ok = <T>(value: T): StepResult<T> => ({ kind: 'ok', value });
export const reject = (errors: FieldError[]): StepResult<never> => ({ kind: 'reject', errors });
export const duplicate: StepResult<never> = { kind: 'duplicate' };
