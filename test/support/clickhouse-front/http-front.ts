import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { ClickHouseException, fromEngine, httpStatusOf } from './exception.ts';
import { parseRequest, type FrontRequest } from './request.ts';
import { applyRequest, runStreamed, runWhole, type RunMetrics } from './run-statement.ts';
import { createConnectionPool, type Lease } from './sessions.ts';
import { checkOneStatement, contentTypeOf, outputFormat, returnsRows, statementKind } from './statement.ts';

/**
 * A TEST DEVICE, not part of the product: ClickHouse's HTTP interface (docs: interfaces/http) in
 * front of one embedded chdb engine, so several processes of the product share one real engine
 * through the same @clickhouse/client code they use against a ClickHouse server. It implements
 * what that client sends and reads (see docs/development.md, "A ClickHouse server in the tests"), and
 * refuses, in ClickHouse's error shape, what it does not implement.
 */
export interface FrontOptions {
  dataDir: string;
  /** User name -> password; default: the `default` user without a password. */
  users?: ReadonlyMap<string, string>;
  /** Connections to the engine: requests beyond this many wait for one. */
  connections?: number;
  /** A server configuration file for the engine (remote_servers, macros). */
  configFile?: string;
  onQuery?: (entry: { queryId: string; sql: string; ms: number; error?: string }) => void;
}

export interface ClickHouseFront {
  server: Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Length of X-ClickHouse-Exception-Tag, as ClickHouse 25.11+ sends it. */
const EXCEPTION_TAG_LENGTH = 16;
/** ClickHouse's default http_max_uri_size: a longer request line is refused. */
const MAX_URI_SIZE = 1024 * 1024;

function exceptionTag(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(EXCEPTION_TAG_LENGTH)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Request bodies in any encoding ClickHouse and Node both know (docs: interfaces/http, Compression). */
function decoder(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        `Content-Encoding ${encoding ?? ''} is not supported by the test front (gzip, deflate and br are)`,
      );
  }
}

interface Encoding {
  name: string;
  whole(bytes: Buffer): Buffer;
  stream(): Transform & zlib.Zlib;
}

/** The answer's encoding, when enable_http_compression is on and the client accepts one. */
function encodingFor(request: FrontRequest, accept: string | undefined): Encoding | undefined {
  const setting = (name: string) => request.settings.find(([n]) => n === name)?.[1];
  const enabled = setting('enable_http_compression');
  if (enabled === undefined || enabled === '0' || enabled === 'false') return undefined;
  const level = Number(setting('http_zlib_compression_level') ?? 3);
  for (const name of (accept ?? '').split(',').map((e) => e.trim().split(';')[0]?.toLowerCase())) {
    if (name === 'gzip')
      return { name, whole: (b) => zlib.gzipSync(b, { level }), stream: () => zlib.createGzip({ level }) };
    if (name === 'deflate')
      return { name, whole: (b) => zlib.deflateSync(b, { level }), stream: () => zlib.createDeflate({ level }) };
    if (name === 'br')
      return { name, whole: (b) => zlib.brotliCompressSync(b), stream: () => zlib.createBrotliCompress() };
  }
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const decode = decoder(req.headers['content-encoding']);
  const chunks: Buffer[] = [];
  const source: Readable = decode ? req.pipe(decode) : req;
  for await (const chunk of source) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function summary(metrics: RunMetrics, written: boolean, startedNs: bigint): string {
  // X-ClickHouse-Summary in ClickHouse's verbose form: every counter, as strings.
  return JSON.stringify({
    read_rows: String(metrics.rowsRead),
    read_bytes: String(metrics.bytesRead),
    written_rows: String(written ? metrics.rowsRead : 0),
    written_bytes: String(written ? metrics.bytesRead : 0),
    total_rows_to_read: '0',
    result_rows: String(metrics.resultRows),
    result_bytes: String(metrics.resultBytes),
    elapsed_ns: String(process.hrtime.bigint() - startedNs),
    memory_usage: '0',
  });
}

export async function createClickHouseFront(options: FrontOptions): Promise<ClickHouseFront> {
  const users = options.users ?? new Map([['default', '']]);
  const pool = createConnectionPool(
    options.dataDir,
    options.connections ?? 4,
    options.configFile === undefined ? [] : [`--config-file=${options.configFile}`],
  );
  const running = new Set<string>();
  const probe = await pool.acquire({ readonly: false, session: undefined });
  const [version = '', timezone = 'UTC'] = (
    await probe.connection.session.queryAsync('SELECT version(), timezone()', { format: 'TabSeparated' })
  )
    .text()
    .trim()
    .split('\t');
  probe.release(false);
  const displayName = hostname();

  function baseHeaders(res: ServerResponse, queryId: string | undefined): void {
    res.setHeader('X-ClickHouse-Server-Display-Name', displayName);
    if (queryId !== undefined) res.setHeader('X-ClickHouse-Query-Id', queryId);
    res.setHeader('X-ClickHouse-Timezone', timezone);
  }

  function sendException(res: ServerResponse, exception: ClickHouseException, queryId: string | undefined): void {
    if (res.headersSent) return;
    baseHeaders(res, queryId);
    res.setHeader('X-ClickHouse-Exception-Code', String(exception.code));
    res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
    res.writeHead(httpStatusOf(exception));
    res.end(exception.body(version));
  }

  function authenticate(request: FrontRequest): void {
    if (users.get(request.user) !== request.password) {
      throw ClickHouseException.of(
        'AUTHENTICATION_FAILED',
        `${request.user}: Authentication failed: password is incorrect, or there is no user with such name`,
      );
    }
  }

  /**
   * Runs one query and answers it. Without wait_end_of_query a query that returns rows is sent as
   * the engine produces it once more than buffer_size bytes exist; an exception after that is
   * written into the body in ClickHouse 25.11's framed form, the exception tag from the headers
   * around it, and the connection is broken, as ClickHouse does.
   */
  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    request: FrontRequest,
    queryId: string,
    lease: Lease,
  ): Promise<void> {
    const kind = statementKind(request.sql);
    const format = outputFormat(request.sql, kind, request.defaultFormat);
    const startedNs = process.hrtime.bigint();
    const encoding = encodingFor(request, req.headers['accept-encoding']);
    const tag = exceptionTag();
    const headers = (metrics: RunMetrics) => {
      baseHeaders(res, queryId);
      res.setHeader('Content-Type', contentTypeOf(format));
      res.setHeader('X-ClickHouse-Format', format);
      res.setHeader('X-ClickHouse-Exception-Tag', tag);
      res.setHeader('X-ClickHouse-Summary', summary(metrics, kind === 'INSERT', startedNs));
      if (encoding) res.setHeader('Content-Encoding', encoding.name);
    };
    // Outside an HTTP session, a statement that changes the connection itself (SET, USE) must
    // not outlive this request: its connection is closed after it.
    let discard = request.session === undefined && (kind === 'SET' || kind === 'USE');
    let restore: (() => Promise<void>) | undefined;
    let settled = false;
    // The connection goes back before the answer does: the client's next query finds it free.
    const settle = async () => {
      if (settled) return;
      settled = true;
      try {
        await restore?.();
      } catch {
        discard = true;
      }
      lease.release(discard);
    };
    try {
      checkOneStatement(request.sql, kind);
      restore = await applyRequest(lease.connection, request, kind, request.session !== undefined);
      if (kind === 'USE') lease.connection.database = '';
      if (request.waitEndOfQuery || !returnsRows(kind)) {
        const { bytes, result } = await runWhole(lease.connection, request.sql, format);
        headers({ rowsRead: result.rowsRead, bytesRead: result.bytesRead, resultRows: 0, resultBytes: bytes.length });
        const body = encoding ? encoding.whole(bytes) : bytes;
        await settle();
        res.setHeader('Content-Length', body.length);
        res.writeHead(200);
        res.end(body);
        return;
      }
      const metrics: RunMetrics = { rowsRead: 0, bytesRead: 0, resultRows: 0, resultBytes: 0 };
      const held: Buffer[] = [];
      let out: NodeJS.WritableStream | undefined;
      const encoder = encoding?.stream();
      try {
        for await (const chunk of runStreamed(lease.connection, request.sql, format)) {
          const raw = chunk.raw();
          const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
          metrics.resultRows += chunk.numRows;
          metrics.resultBytes += bytes.length;
          if (out) {
            out.write(bytes);
            continue;
          }
          held.push(bytes);
          if (metrics.resultBytes >= request.bufferSize) {
            headers(metrics);
            res.writeHead(200);
            const target = encoder ?? res;
            encoder?.pipe(res);
            for (const b of held.splice(0)) target.write(b);
            out = target;
          }
        }
      } catch (err) {
        if (!out) throw err;
        const message = fromEngine(err).body(version).trimEnd();
        // ClickHouse's framing: the message and its length between two markers carrying the tag.
        const block = `\r\n__exception__\r\n${tag}\r\n${message}\n${Buffer.byteLength(message) + 1} ${tag}\r\n__exception__\r\n`;
        discard = true;
        await new Promise<void>((resolve) => {
          const target = out;
          target?.write(block, () => resolve());
          encoder?.flush();
        });
        res.socket?.end();
        res.socket?.destroySoon();
        return;
      }
      if (!out) {
        headers(metrics);
        const body = Buffer.concat(held);
        const encoded = encoding ? encoding.whole(body) : body;
        await settle();
        res.setHeader('Content-Length', encoded.length);
        res.writeHead(200);
        res.end(encoded);
      } else if (encoder) encoder.end();
      else res.end();
    } finally {
      await settle();
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    const method = req.method ?? 'GET';
    // The handlers ClickHouse has by default besides queries (docs: interfaces/http).
    if (
      url.pathname === '/ping' ||
      url.pathname === '/replicas_status' ||
      (url.pathname === '/' && url.search === '' && method === 'GET')
    ) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
      res.end('Ok.\n');
      return;
    }
    let queryId: string | undefined;
    let registered = false;
    const started = Date.now();
    let sql = '';
    let dataFile: string | undefined;
    try {
      const body = method === 'POST' ? await readBody(req) : undefined;
      const request = parseRequest(method, url, req.headers, body);
      sql = request.sql;
      dataFile = request.dataFile;
      authenticate(request);
      queryId = request.queryId ?? randomUUID();
      // replace_running_query is off by default: a second query under a running id is refused.
      if (running.has(queryId)) {
        throw ClickHouseException.of(
          'QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING',
          `Query with id = ${queryId} is already running.`,
        );
      }
      running.add(queryId);
      registered = true;
      const lease = await pool.acquire({ readonly: request.readonly, session: request.session });
      await answer(req, res, request, queryId, lease);
      options.onQuery?.({ queryId, sql, ms: Date.now() - started });
    } catch (err) {
      const exception = fromEngine(err);
      options.onQuery?.({ queryId: queryId ?? '', sql, ms: Date.now() - started, error: exception.message });
      sendException(res, exception, queryId);
    } finally {
      if (registered && queryId !== undefined) running.delete(queryId);
      if (dataFile !== undefined) rmSync(dataFile, { force: true });
    }
  }

  const server = createServer(
    // The request line carries the query parameters: room for ClickHouse's 1 MiB http_max_uri_size.
    { maxHeaderSize: MAX_URI_SIZE + 64 * 1024, requestTimeout: 0, keepAliveTimeout: 10_000 },
    (req, res) => void handle(req, res),
  );
  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pool.close();
    },
  };
}
