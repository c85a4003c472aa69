/** The few error classes the services throw; one fastify error handler maps them to HTTP. */

export interface FieldError {
  /** Where the problem is, e.g. "[3].volume" or "indicators[0].rule.metric". */
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends AppError {
  constructor(code: string, message: string, details?: unknown, httpStatus = 422) {
    super(code, message, httpStatus, details);
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 404);
  }
}

/** The request carries no credential, or one that is not known: 401. */
export class UnauthorizedError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 401);
  }
}

/** The credential is known but does not allow this request (revoked, or for something else): 403. */
export class ForbiddenError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 403, details);
  }
}

/** The request conflicts with the state of what it addresses (a period already closed): 409. */
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

/** Too many failed tries from one client (e.g. unknown display-link codes): 429, and when to try again. */
export class TooManyRequestsError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message, 429);
  }
}

/** Storage or another dependency cannot take the request now; the client should retry. */
export class UnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options?: ErrorOptions,
  ) {
    super('unavailable', message, 503, undefined, options);
  }
}

/** Formats a zod issue path as a.b[2].c, the way API clients see fields. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
}

/**
 * zod reports the unknown keys of an object as one issue on the object, whose message
 * (schemas/common.schema.ts) has a line per key: each key with its own line.
 */
export function unknownKeyMessages(keys: readonly string[], message: string): { key: string; message: string }[] {
  const lines = message.split('\n');
  return keys.map((key, i) => ({ key, message: lines.length === keys.length ? (lines[i] ?? message) : message }));
}

/** One field error per issue, and one per unknown field, at the field's own path. */
export function zodIssuesToFieldErrors(issues: readonly IssueLike[], prefix = ''): FieldError[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys !== undefined && issue.keys.length > 0
      ? unknownKeyMessages(issue.keys, issue.message).map(({ key, message }) => ({
          path: formatPath([...issue.path, key], prefix),
          message,
        }))
      : [{ path: formatPath(issue.path, prefix), message: issue.message }],
  );
}
