/**
 * ClickHouse's exceptions as its HTTP interface reports them: the code in the
 * X-ClickHouse-Exception-Code header, an HTTP status derived from it, and the body
 * `Code: N. DB::Exception: <message>. (NAME) (version V)`.
 */

/** The codes the front raises itself; the engine's own come with their name in the message. */
export const CODES = {
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  SYNTAX_ERROR: 62,
  UNKNOWN_DATABASE: 81,
  UNKNOWN_SETTING: 115,
  QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING: 216,
  SESSION_NOT_FOUND: 372,
  SESSION_IS_LOCKED: 373,
  AUTHENTICATION_FAILED: 516,
  UNKNOWN_EXCEPTION: 1002,
} as const;

export type CodeName = keyof typeof CODES;

export class ClickHouseException extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    /** The text after `DB::Exception: `, without the `(NAME)` suffix. */
    readonly text: string,
  ) {
    super(`Code: ${code}. DB::Exception: ${text}. (${codeName})`);
  }

  static of(name: CodeName, text: string): ClickHouseException {
    return new ClickHouseException(CODES[name], name, text);
  }

  /** The body ClickHouse sends: the message, its version, a line feed. */
  body(version: string): string {
    return `${this.message} (version ${version})\n`;
  }
}

/** The shape chdb's errors carry (chdb/dist/errors.d.ts): the engine's code and message. */
interface EngineError {
  clickhouseCode?: number;
  message: string;
}

const MESSAGE = /^Code: (\d+)\. DB::Exception: (.*?)\.? \(([A-Z][A-Z0-9_]+)\)\s*$/s;

/**
 * An error the engine raised, as the exception ClickHouse would report; anything else (the
 * front's own failure) is UNKNOWN_EXCEPTION, so it still reaches the client in ClickHouse's shape.
 */
export function fromEngine(err: unknown): ClickHouseException {
  if (err instanceof ClickHouseException) return err;
  const { message, clickhouseCode } = (err instanceof Error ? err : { message: String(err) }) as EngineError;
  const match = MESSAGE.exec(message);
  if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) {
    return new ClickHouseException(Number(match[1]), match[3], match[2]);
  }
  return new ClickHouseException(clickhouseCode ?? CODES.UNKNOWN_EXCEPTION, 'UNKNOWN_EXCEPTION', message);
}

/**
 * src/Server/HTTP/exceptionCodeToHTTPStatus.cpp of ClickHouse, by exception name: which
 * exceptions answer 401, 403, 400, 404, 413, 501, 503, 411, 408 or 415; all others answer 500.
 */
const STATUS_BY_NAME = new Map<string, number>(
  Object.entries({
    401: ['REQUIRED_PASSWORD'],
    403: ['UNKNOWN_USER', 'WRONG_PASSWORD', 'AUTHENTICATION_FAILED', 'SET_NON_GRANTED_ROLE', 'ACCESS_DENIED'],
    400: [
      'BAD_ARGUMENTS',
      'CANNOT_COMPILE_REGEXP',
      'CANNOT_PARSE_TEXT',
      'CANNOT_PARSE_ESCAPE_SEQUENCE',
      'CANNOT_PARSE_QUOTED_STRING',
      'CANNOT_PARSE_DATE',
      'CANNOT_PARSE_DATETIME',
      'CANNOT_PARSE_NUMBER',
      'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING',
      'CANNOT_PARSE_IPV4',
      'CANNOT_PARSE_IPV6',
      'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
      'CANNOT_PARSE_UUID',
      'DUPLICATE_COLUMN',
      'ILLEGAL_COLUMN',
      'UNKNOWN_ELEMENT_IN_AST',
      'UNKNOWN_TYPE_OF_AST_NODE',
      'THERE_IS_NO_COLUMN',
      'TOO_DEEP_AST',
      'TOO_BIG_AST',
      'UNEXPECTED_AST_STRUCTURE',
      'SYNTAX_ERROR',
      'INCORRECT_DATA',
      'TYPE_MISMATCH',
      'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
    ],
    404: [
      'UNKNOWN_TABLE',
      'UNKNOWN_FUNCTION',
      'UNKNOWN_IDENTIFIER',
      'UNKNOWN_TYPE',
      'UNKNOWN_STORAGE',
      'UNKNOWN_DATABASE',
      'UNKNOWN_SETTING',
      'UNKNOWN_DIRECTION_OF_SORTING',
      'UNKNOWN_AGGREGATE_FUNCTION',
      'UNKNOWN_FORMAT',
      'UNKNOWN_DATABASE_ENGINE',
      'UNKNOWN_TYPE_OF_QUERY',
      'UNKNOWN_ROLE',
    ],
    413: ['QUERY_IS_TOO_LARGE'],
    501: ['NOT_IMPLEMENTED'],
    503: ['SOCKET_TIMEOUT', 'CANNOT_OPEN_FILE', 'CANNOT_SCHEDULE_TASK'],
    411: ['HTTP_LENGTH_REQUIRED'],
    408: ['TIMEOUT_EXCEEDED'],
    415: ['UNSUPPORTED_MEDIA_TYPE'],
  }).flatMap(([status, names]) => names.map((name) => [name, Number(status)] as const)),
);

export function httpStatusOf(exception: ClickHouseException): number {
  return STATUS_BY_NAME.get(exception.codeName) ?? 500;
}
