import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseException } from './exception.ts';
import { literal } from './run-statement.ts';

/**
 * One HTTP request in ClickHouse's terms (docs: interfaces/http; src/Server/HTTPHandler.cpp):
 * who asks, the query text, the settings and query parameters, and how to answer.
 */
export interface FrontRequest {
  readonly: boolean;
  user: string;
  password: string;
  /** `query_id` or X-ClickHouse-Query-Id; the front makes one up when neither is given. */
  queryId: string | undefined;
  /** `database` or X-ClickHouse-Database. */
  database: string | undefined;
  /** `default_format` or X-ClickHouse-Format: the output format of a query without FORMAT. */
  defaultFormat: string;
  session: { id: string; timeoutSeconds: number; check: boolean } | undefined;
  /** Every parameter that is not reserved: a setting, applied to this query only. */
  settings: [string, string][];
  /** `param_<name>`: values in ClickHouse's escaped text form, parsed by the query's {name:Type}. */
  params: [string, string][];
  waitEndOfQuery: boolean;
  /** Bytes of the answer held back before the headers go out (`buffer_size`, at least 1 MiB). */
  bufferSize: number;
  sql: string;
  /** A binary insert's body, written to a file the statement reads (FROM INFILE); removed after the query. */
  dataFile: string | undefined;
}

/** Parameters the handler takes itself; all others are settings (HTTPHandler.cpp, reserved_param_names). */
const RESERVED = new Set([
  'query',
  'compress',
  'decompress',
  'user',
  'password',
  'quota_key',
  'query_id',
  'stacktrace',
  'role',
  'buffer_size',
  'wait_end_of_query',
  'session_id',
  'session_timeout',
  'session_check',
  'client_protocol_version',
  'close_session',
  'database',
  'default_format',
]);

/** DBMS_DEFAULT_BUFFER_SIZE: ClickHouse sends no header before this much of the answer exists. */
export const DEFAULT_BUFFER_SIZE = 1024 * 1024;

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value !== 'false';

/**
 * Credentials from exactly one place: X-ClickHouse-User/Key, Authorization: Basic, or the
 * `user`/`password` parameters (src/Server/HTTP/authenticateUserByHTTP.cpp); mixing them is refused.
 */
function credentials(headers: Headers, search: URLSearchParams): { user: string; password: string } {
  const refuse = (a: string, b: string) =>
    ClickHouseException.of(
      'AUTHENTICATION_FAILED',
      `Invalid authentication: it is not allowed to use ${a} and ${b} simultaneously`,
    );
  const headerUser = header(headers, 'x-clickhouse-user') ?? '';
  const headerKey = header(headers, 'x-clickhouse-key') ?? '';
  const authorization = header(headers, 'authorization');
  const inParams = search.has('user') || search.has('password');
  if (headerUser !== '' || headerKey !== '') {
    if (headerUser === '')
      throw ClickHouseException.of('AUTHENTICATION_FAILED', 'Got an empty user name from X-ClickHouse HTTP headers');
    if (authorization !== undefined) throw refuse('X-ClickHouse HTTP headers', 'Authorization HTTP header');
    if (inParams) throw refuse('X-ClickHouse HTTP headers', 'authentication via parameters');
    return { user: headerUser, password: headerKey };
  }
  if (authorization !== undefined) {
    if (inParams) throw refuse('Authorization HTTP header', 'authentication via parameters');
    const [scheme = '', info = ''] = authorization.split(/\s+/, 2);
    if (scheme.toLowerCase() !== 'basic') {
      throw ClickHouseException.of(
        'AUTHENTICATION_FAILED',
        `Invalid authentication: '${scheme}' HTTP Authorization scheme is not supported`,
      );
    }
    const decoded = Buffer.from(info, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    if (user === '')
      throw ClickHouseException.of('AUTHENTICATION_FAILED', 'Got an empty user name from Authorization HTTP header');
    return { user, password: colon < 0 ? '' : decoded.slice(colon + 1) };
  }
  const user = search.get('user') ?? 'default';
  if (user === '')
    throw ClickHouseException.of('AUTHENTICATION_FAILED', 'Got an empty user name from authentication via parameters');
  return { user, password: search.get('password') ?? '' };
}

/** The fields of a multipart/form-data body (query parameters the client sends there, use_multipart_params). */
function formFields(body: Buffer, contentType: string): [string, string][] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const mark = boundary?.[1] ?? boundary?.[2];
  if (mark === undefined) throw ClickHouseException.of('BAD_ARGUMENTS', 'multipart/form-data without a boundary');
  const fields: [string, string][] = [];
  for (const part of body.toString('utf8').split(`--${mark}`).slice(1)) {
    if (part.startsWith('--')) break;
    const end = part.indexOf('\r\n\r\n');
    const name = /name="([^"]*)"/i.exec(part.slice(0, end))?.[1];
    if (end < 0 || name === undefined) continue;
    if (/filename=/i.test(part.slice(0, end))) {
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        'external data (files in a form) is not supported by the test front',
      );
    }
    fields.push([name, part.slice(end + 4).replace(/\r\n$/, '')]);
  }
  return fields;
}

/** An INSERT whose data is binary: its statement part, the SETTINGS clause if any, and the format. */
const BINARY_INSERT =
  /^(\s*INSERT\s+INTO\s[\s\S]*?)(\s+SETTINGS\s[\s\S]*?)?\s+FORMAT\s+(Native|RowBinary[A-Za-z]*)\s*$/i;

/**
 * A binary insert (the statement in the `query` parameter, the data in the body: docs
 * interfaces/http): the engine's session takes its query as text, so the body goes through a
 * file and the statement reads it with `FROM INFILE`, as clickhouse-local reads a data file.
 */
function binaryInsert(method: string, search: URLSearchParams, body: Buffer | undefined) {
  const inUrl = search.get('query');
  if (method === 'GET' || inUrl === null || body === undefined || body.length === 0) return undefined;
  const insert = BINARY_INSERT.exec(inUrl);
  if (insert === null) return undefined;
  const dataFile = join(tmpdir(), `clickhouse-front-${randomUUID()}.bin`);
  writeFileSync(dataFile, body);
  const [, statement = '', settings = '', format = ''] = insert;
  return { sql: `${statement} FROM INFILE ${literal(dataFile)}${settings} FORMAT ${format}`, dataFile };
}

/**
 * The query text: the `query` parameter, then a line feed and the body if there is one
 * ("a line feed is inserted between these two data parts", docs: interfaces/http).
 */
function queryText(method: string, search: URLSearchParams, body: Buffer | undefined): string {
  const inUrl = search.get('query');
  const inBody = method === 'GET' || body === undefined || body.length === 0 ? undefined : body.toString('utf8');
  const sql = inUrl === null ? (inBody ?? '') : inBody === undefined ? inUrl : `${inUrl}\n${inBody}`;
  if (sql.trim() === '') throw ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
  return sql;
}

export function parseRequest(method: string, url: URL, headers: Headers, body: Buffer | undefined): FrontRequest {
  const search = new URLSearchParams(url.search);
  let payload = body;
  const contentType = header(headers, 'content-type') ?? '';
  if (method !== 'GET' && body !== undefined && /^multipart\/form-data/i.test(contentType)) {
    for (const [name, value] of formFields(body, contentType)) search.append(name, value);
    payload = undefined;
  }
  const { user, password } = credentials(headers, search);
  const settings: [string, string][] = [];
  const params: [string, string][] = [];
  for (const [name, value] of search) {
    if (name === '' || RESERVED.has(name)) continue;
    if (name.startsWith('param_')) {
      const param = name.slice('param_'.length);
      if (!PARAM_NAME.test(param)) throw ClickHouseException.of('BAD_ARGUMENTS', `Bad query parameter name: ${param}`);
      params.push([param, value]);
    } else settings.push([name, value]);
  }
  if (search.get('compress') === '1' || search.get('decompress') === '1') {
    throw ClickHouseException.of(
      'NOT_IMPLEMENTED',
      'ClickHouse native compression (compress=1, decompress=1) is not supported by the test front',
    );
  }
  const sessionId = search.get('session_id');
  return {
    readonly: method === 'GET' || method === 'HEAD',
    user,
    password,
    queryId: search.get('query_id') ?? header(headers, 'x-clickhouse-query-id') ?? undefined,
    database: header(headers, 'x-clickhouse-database') ?? search.get('database') ?? undefined,
    defaultFormat: header(headers, 'x-clickhouse-format') ?? search.get('default_format') ?? 'TabSeparated',
    session:
      sessionId === null || sessionId === ''
        ? undefined
        : {
            id: sessionId,
            timeoutSeconds: Number(search.get('session_timeout') ?? 60),
            check: truthy(search.get('session_check') ?? undefined),
          },
    settings,
    params,
    waitEndOfQuery: truthy(search.get('wait_end_of_query') ?? undefined),
    bufferSize: Math.max(Number(search.get('buffer_size') ?? 0) || 0, DEFAULT_BUFFER_SIZE),
    ...(binaryInsert(method, search, payload) ?? { sql: queryText(method, search, payload), dataFile: undefined }),
  };
}
