import { ClickHouseError, createClient, type ClickHouseClient } from '@clickhouse/client';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { insertRows } from '../../services/storage/insert-rows.ts';
import { startClickHouseFront, type RunningFront } from '../support/clickhouse-front.ts';
import { rawRequest } from '../support/raw-http.ts';
import { spawnService } from '../support/spawn-service.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

// The test front (test/support/clickhouse-front/) against what @clickhouse/client sends and
// reads, and against ClickHouse's HTTP interface documentation (interfaces/http) and source
// (src/Server/HTTPHandler.cpp and friends, cited in the front's files). The front runs in its
// own process; this file talks to it over TCP like the product's processes do.
let front: RunningFront;
/** The product's server-mode client (createClickHouse with CLICKHOUSE_URL). */
let client: ClickHouseClient;
const password = 'front-test-secret';

function serverClient(extra: Parameters<typeof createClient>[0] = {}): ClickHouseClient {
  return createClient({ url: front.url, username: 'default', password, ...extra });
}

const auth = { authorization: `Basic ${Buffer.from(`default:${password}`).toString('base64')}` };

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  return rawRequest(front.url, { method: 'POST', path, body, headers: { ...auth, ...headers } });
}

async function rejection(promise: Promise<unknown>): Promise<ClickHouseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  return err as ClickHouseError;
}

beforeAll(async () => {
  front = await startClickHouseFront({ users: { default: password, reader: 'r' } });
  client = createClickHouse({ mode: 'server', url: front.url, username: 'default', password, database: 'default' });
  await client.command({
    query: `CREATE TABLE ins (id UInt32, name String) ENGINE = MergeTree ORDER BY id
            SETTINGS non_replicated_deduplication_window = 100`,
  });
});
afterAll(async () => {
  await client.close();
  await front.stop();
});

describe('health', () => {
  it('answers /ping, / and /replicas_status with Ok., and the client pings', async () => {
    for (const path of ['/ping', '/', '/replicas_status']) {
      const res = await rawRequest(front.url, { path });
      expect([path, res.status, res.text]).toEqual([path, 200, 'Ok.\n']);
    }
    expect(await client.ping()).toEqual({ success: true });
  });
});

describe('queries and formats', () => {
  it('answers TabSeparated by default, with the headers a server sends', async () => {
    const res = await rawRequest(front.url, { path: '/?query=SELECT%201,%20%27a%27', headers: auth });
    expect(res.status).toBe(200);
    expect(res.text).toBe('1\ta\n');
    expect(res.headers['x-clickhouse-format']).toBe('TabSeparated');
    expect(res.headers['content-type']).toBe('text/tab-separated-values; charset=UTF-8');
    expect(res.headers['x-clickhouse-query-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-clickhouse-timezone']).toBeTruthy();
    expect(res.headers['x-clickhouse-exception-tag']).toMatch(/^[a-z0-9]{16}$/);
    expect(JSON.parse(String(res.headers['x-clickhouse-summary']))).toMatchObject({
      read_rows: expect.any(String),
      written_rows: '0',
      elapsed_ns: expect.stringMatching(/^\d+$/),
    });
  });

  it('takes the format from FORMAT, default_format or X-ClickHouse-Format', async () => {
    const clause = await post('/', 'SELECT 1 AS x FORMAT JSONEachRow');
    expect([clause.text, clause.headers['x-clickhouse-format']]).toEqual(['{"x":1}\n', 'JSONEachRow']);
    const param = await post('/?default_format=CSVWithNames', 'SELECT 1 AS x');
    expect([param.text, param.headers['x-clickhouse-format']]).toEqual(['"x"\n1\n', 'CSVWithNames']);
    const header = await post('/', 'SELECT 1 AS x', { 'X-ClickHouse-Format': 'JSONCompactEachRow' });
    expect(header.text).toBe('[1]\n');
  });

  it('joins the query parameter and the body with a line feed', async () => {
    expect((await post('/?query=SELECT', '1')).text).toBe('1\n');
    expect((await post('/?query=SEL', 'ECT 1')).status).toBe(400);
  });

  it('reads what the client reads: JSON, JSONEachRow, JSONCompactEachRowWithNamesAndTypes, text', async () => {
    const query = 'SELECT number AS n, toString(number) AS s FROM numbers(3)';
    const json = await (await client.query({ query, format: 'JSON' })).json<{ data: unknown[]; rows: number }>();
    // 64-bit integers unquoted: output_format_json_quote_64bit_integers defaults to 0 in this
    // engine (26.7, system.settings); the product's reads take both forms.
    expect(json).toMatchObject({
      rows: 3,
      data: [
        { n: 0, s: '0' },
        { n: 1, s: '1' },
        { n: 2, s: '2' },
      ],
    });
    expect(await (await client.query({ query, format: 'JSONEachRow' })).json()).toHaveLength(3);
    const typed = await (await client.query({ query, format: 'JSONCompactEachRowWithNamesAndTypes' })).json();
    expect(typed.slice(0, 2)).toEqual([
      ['n', 's'],
      ['UInt64', 'String'],
    ]);
    expect(await (await client.query({ query, format: 'CSV' })).text()).toBe('0,"0"\n1,"1"\n2,"2"\n');
  });
});

describe('query parameters', () => {
  const values = {
    text: "tab\there, quote ' back\\slash, line\nfeed, 中文",
    list: ["it's", 'a\tb', ''],
    at: '2026-03-01 08:30:00.125',
    none: null,
    day: '2026-02-28',
    n: 42,
  };
  const query = `SELECT {text:String} AS text, {list:Array(String)} AS list, {at:DateTime64(3, 'UTC')} AS at,
                        {none:Nullable(String)} AS none, {day:Date} AS day, {n:UInt32} AS n`;

  it('are parsed from their escaped text form as the embedded engine binds them', async () => {
    const embedded = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
    try {
      const viaFront = await (await client.query({ query, query_params: values, format: 'JSONEachRow' })).json();
      const direct = await (await embedded.query({ query, query_params: values, format: 'JSONEachRow' })).json();
      expect(viaFront).toEqual(direct);
      expect(viaFront).toEqual([{ ...values, at: '2026-03-01 08:30:00.125' }]);
    } finally {
      await embedded.close();
    }
  });

  it('fit in the URL up to ClickHouse default http_max_uri_size (1 MiB)', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `event-${i}`);
    const result = await client.query({
      query: 'SELECT length({ids:Array(String)}) AS n',
      query_params: { ids },
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ n: 20_000 }]);
  });

  it('a parameter left out is UNKNOWN_QUERY_PARAMETER, even right after a query that set it', async () => {
    await client.query({ query: 'SELECT {leftover:String}', query_params: { leftover: 'x' }, format: 'JSONEachRow' });
    for (let i = 0; i < 4; i++) {
      const err = await rejection(client.query({ query: 'SELECT {leftover:String}', format: 'JSONEachRow' }));
      expect([err.code, err.type]).toEqual(['456', 'UNKNOWN_QUERY_PARAMETER']);
    }
  });

  it('arrive in a multipart body when the client is told so', async () => {
    const multipart = serverClient({ use_multipart_params: true });
    try {
      const result = await multipart.query({
        query: 'SELECT {a:String} AS a, {b:Array(UInt8)} AS b',
        query_params: { a: 'x\ty', b: [1, 2] },
        format: 'JSONEachRow',
      });
      expect(await result.json()).toEqual([{ a: 'x\ty', b: [1, 2] }]);
    } finally {
      await multipart.close();
    }
  });
});

describe('settings', () => {
  const threads = async (settings?: Record<string, string | number>) => {
    const result = await client.query({
      query: "SELECT toString(getSetting('max_threads')) AS v",
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
    return (await result.json<{ v: string }>())[0]?.v;
  };

  it('in the URL apply to that query only', async () => {
    const before = await threads();
    expect(await threads({ max_threads: 1 })).toBe('1');
    for (let i = 0; i < 4; i++) expect(await threads()).toBe(before);
  });

  it('a SET outside an HTTP session changes nothing after it', async () => {
    const before = await threads();
    await client.command({ query: 'SET max_threads = 1' });
    for (let i = 0; i < 4; i++) expect(await threads()).toBe(before);
  });

  it('an unknown one is UNKNOWN_SETTING, 404', async () => {
    const res = await post('/?no_such_setting=1', 'SELECT 1');
    expect([res.status, res.headers['x-clickhouse-exception-code']]).toEqual([404, '115']);
    expect(res.text).toMatch(/^Code: 115\. DB::Exception: .*\(UNKNOWN_SETTING\) \(version [\d.]+\)\n$/);
  });
});

describe('HTTP sessions', () => {
  it('keep what SET and USE did for the same session_id, and only there', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS session_db' });
    const s1 = serverClient({ session_id: 'front-session-1' });
    try {
      await s1.command({ query: 'SET max_threads = 1' });
      await s1.command({ query: 'USE session_db' });
      const read = async (c: ClickHouseClient) =>
        (
          await (
            await c.query({
              query: "SELECT toString(getSetting('max_threads')) AS t, currentDatabase() AS db",
              format: 'JSONEachRow',
            })
          ).json()
        )[0];
      expect(await read(s1)).toEqual({ t: '1', db: 'session_db' });
      expect(await read(client)).not.toEqual({ t: '1', db: 'session_db' });
    } finally {
      await s1.close();
    }
  });

  it('run one query at a time, and session_check refuses an unknown one', async () => {
    const body = 'SELECT sleepEachRow(0.5) FROM numbers(2) FORMAT Null';
    const [first, second] = await Promise.all([
      post('/?session_id=front-locked&wait_end_of_query=1', body),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => post('/?session_id=front-locked', 'SELECT 1')),
    ]);
    expect(first.status).toBe(200);
    expect([second.status, second.headers['x-clickhouse-exception-code']]).toEqual([500, '373']);
    const unknown = await post('/?session_id=never-made&session_check=1', 'SELECT 1');
    expect([unknown.status, unknown.headers['x-clickhouse-exception-code']]).toEqual([500, '372']);
  });
});

describe('databases', () => {
  it('the database parameter (CLICKHOUSE_DATABASE) picks the current database', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS other_db' });
    const other = createClickHouse({
      mode: 'server',
      url: front.url,
      username: 'default',
      password,
      database: 'other_db',
    });
    try {
      await other.command({ query: 'CREATE TABLE IF NOT EXISTS here (x UInt8) ENGINE = MergeTree ORDER BY x' });
      const result = await client.query({
        query: "SELECT database FROM system.tables WHERE name = 'here'",
        format: 'JSONEachRow',
      });
      expect(await result.json()).toEqual([{ database: 'other_db' }]);
      expect(
        await (await other.query({ query: 'SELECT currentDatabase() AS d', format: 'JSONEachRow' })).json(),
      ).toEqual([{ d: 'other_db' }]);
      expect(
        await (await client.query({ query: 'SELECT currentDatabase() AS d', format: 'JSONEachRow' })).json(),
      ).toEqual([{ d: 'default' }]);
    } finally {
      await other.close();
    }
  });

  it('an unknown one is UNKNOWN_DATABASE, 404', async () => {
    const res = await post('/?database=nowhere', 'SELECT 1');
    expect([res.status, res.headers['x-clickhouse-exception-code']]).toEqual([404, '81']);
  });
});

describe('inserts', () => {
  it('take the body as data: client.insert, exec with values, and a plain POST', async () => {
    await client.insert({ table: 'ins', values: [{ id: 1, name: 'a' }], format: 'JSONEachRow' });
    await client.insert({ table: 'ins', values: [[2, 'b\tc']], format: 'JSONCompactEachRow' });
    const exec = await client.exec({
      query: 'INSERT INTO ins FORMAT JSONEachRow',
      values: Readable.from(['{"id":3,"name":"d"}\n{"id":4,"name":"e"}\n']),
    });
    exec.stream.resume();
    const posted = await post(`/?query=${encodeURIComponent('INSERT INTO ins FORMAT TabSeparated')}`, '5\tf\n');
    expect(posted.status).toBe(200);
    expect(posted.text).toBe('');
    const rows = await (await client.query({ query: 'SELECT * FROM ins ORDER BY id', format: 'JSONEachRow' })).json();
    expect(rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b\tc' },
      { id: 3, name: 'd' },
      { id: 4, name: 'e' },
      { id: 5, name: 'f' },
    ]);
  });

  it("deduplicate a retried block by its token, as the scoring consumer's resend relies on", async () => {
    const rows = [[10, 'x'] as const, [11, 'y'] as const];
    for (let attempt = 0; attempt < 3; attempt++) {
      await insertRows(client, 'ins', rows, ['id', 'name'], { insert_deduplication_token: 'batch-10' });
    }
    const result = await client.query({ query: 'SELECT count() AS n FROM ins WHERE id >= 10', format: 'JSONEachRow' });
    expect(await result.json()).toEqual([{ n: 2 }]);
  });
});

describe('query_id', () => {
  it('is echoed, and a second query under a running id is refused (216)', async () => {
    const answered = await client.query({ query: 'SELECT 1', format: 'JSONEachRow', query_id: 'my-query-id' });
    expect(answered.query_id).toBe('my-query-id');
    expect(answered.response_headers['x-clickhouse-query-id']).toBe('my-query-id');
    await answered.json();
    const slow = client.command({ query: 'SELECT sleepEachRow(0.5) FROM numbers(2) FORMAT Null', query_id: 'busy-id' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const err = await rejection(client.query({ query: 'SELECT 1', query_id: 'busy-id' }));
    expect([err.code, err.type]).toEqual(['216', 'QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING']);
    await slow;
  });
});

describe('errors', () => {
  it('carry the code header, the status of exceptionCodeToHTTPStatus and ClickHouse body', async () => {
    const cases: [string, number, string, string][] = [
      ['SELECT * FROM no_such_table', 404, '60', 'UNKNOWN_TABLE'],
      ['SELEC 1', 400, '62', 'SYNTAX_ERROR'],
      ['SELECT 1; SELECT 2', 400, '62', 'SYNTAX_ERROR'],
      ['SELECT throwIf(1)', 500, '395', 'FUNCTION_THROW_IF_VALUE_IS_NON_ZERO'],
      ['   ', 400, '62', 'SYNTAX_ERROR'],
    ];
    for (const [sql, status, code, name] of cases) {
      const res = await post('/', sql);
      expect([sql, res.status, res.headers['x-clickhouse-exception-code']]).toEqual([sql, status, code]);
      expect(res.text).toMatch(
        new RegExp(`^Code: ${code}\\. DB::Exception: .*\\(${name}\\) \\(version [\\d.]+\\)\\n$`, 's'),
      );
    }
  });

  it('reach the client as ClickHouseError with code and type', async () => {
    const err = await rejection(client.query({ query: 'SELECT * FROM no_such_table' }));
    expect([err.code, err.type]).toEqual(['60', 'UNKNOWN_TABLE']);
    expect(err.message).toContain('no_such_table');
  });

  it('GET is read-only: a write is READONLY (164)', async () => {
    const res = await rawRequest(front.url, {
      path: `/?query=${encodeURIComponent('CREATE TABLE ro (x UInt8) ENGINE = Memory')}`,
      headers: auth,
    });
    expect([res.status, res.headers['x-clickhouse-exception-code']]).toEqual([500, '164']);
  });
});

describe('authentication', () => {
  it('by Basic, X-ClickHouse-User/Key or user/password parameters; mixing them or a wrong password is 516, 403', async () => {
    const ok = async (path: string, headers: Record<string, string>) =>
      (await rawRequest(front.url, { method: 'POST', path, headers, body: 'SELECT currentUser()' })).text;
    expect(await ok('/', auth)).toBe('default\n');
    // The front checks the credentials; every user then runs as the engine's one user (no grants).
    expect(await ok('/', { 'X-ClickHouse-User': 'reader', 'X-ClickHouse-Key': 'r' })).toBe('default\n');
    expect(await ok('/?user=reader&password=r', {})).toBe('default\n');
    for (const [path, headers] of [
      ['/', { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': 'wrong' }],
      ['/', {}],
      ['/?user=default', auth],
      ['/', { ...auth, 'X-ClickHouse-User': 'default' }],
    ] as const) {
      const res = await rawRequest(front.url, { method: 'POST', path, headers, body: 'SELECT 1' });
      expect([res.status, res.headers['x-clickhouse-exception-code']]).toEqual([403, '516']);
      expect(res.text).toMatch(/\(AUTHENTICATION_FAILED\)/);
    }
    const wrong = serverClient({ password: 'nope' });
    try {
      const err = await rejection(wrong.query({ query: 'SELECT 1' }));
      expect(err.code).toBe('516');
      expect((await wrong.ping()).success).toBe(true); // /ping needs no credentials, as on a server
    } finally {
      await wrong.close();
    }
  });
});

describe('compression', () => {
  it('gzip both ways with the client, and on the wire with enable_http_compression and Accept-Encoding', async () => {
    const compressed = serverClient({ compression: { request: true, response: true } });
    try {
      await compressed.insert({ table: 'ins', values: [{ id: 100, name: 'zipped' }], format: 'JSONEachRow' });
      const rows = await (
        await compressed.query({ query: 'SELECT name FROM ins WHERE id = 100', format: 'JSONEachRow' })
      ).json();
      expect(rows).toEqual([{ name: 'zipped' }]);
    } finally {
      await compressed.close();
    }
    const res = await rawRequest(front.url, {
      method: 'POST',
      path: '/?enable_http_compression=1',
      headers: { ...auth, 'Accept-Encoding': 'gzip', 'Content-Encoding': 'gzip' },
      body: gzipSync('SELECT 42'),
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.bytes).toString()).toBe('42\n');
    const plain = await post('/', 'SELECT 42', { 'Accept-Encoding': 'gzip' });
    expect([plain.headers['content-encoding'], plain.text]).toEqual([undefined, '42\n']);
  });
});

describe('exceptions while an answer streams', () => {
  // ClickHouse holds back the first buffer_size bytes (at least 1 MiB) before any header: an
  // error before that is an ordinary error answer; after it, the error is framed in the body.
  const late =
    "SELECT number, repeat('x', 100) FROM numbers(100000) WHERE NOT throwIf(number = 90000, 'late') SETTINGS max_block_size = 1000";

  it('after the first MiB: 200, then the exception in the body, which the client raises', async () => {
    const plain = serverClient();
    try {
      const result = await plain.query({ query: late, format: 'JSONEachRow' });
      expect(result.response_headers['x-clickhouse-exception-tag']).toMatch(/^[a-z0-9]{16}$/);
      let rows = 0;
      const err = await (async () => {
        for await (const batch of result.stream()) rows += batch.length;
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ClickHouseError);
      expect([(err as ClickHouseError).code, (err as ClickHouseError).message]).toEqual([
        '395',
        expect.stringContaining('late'),
      ]);
      // Rows before the failing one (number 90000), in whole blocks: all 90,000 of them may have
      // been sent before the exception, never the failing row or any after it.
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThanOrEqual(90_000);
    } finally {
      await plain.close();
    }
  });

  it('before it, or with wait_end_of_query: an error answer the client raises at once', async () => {
    const plain = serverClient();
    try {
      const early = await rejection(
        plain.query({ query: "SELECT throwIf(number = 10, 'early') FROM numbers(100)", format: 'JSONEachRow' }),
      );
      expect(early.code).toBe('395');
      const waited = await rejection(client.query({ query: late, format: 'JSONEachRow' }));
      expect(waited.code).toBe('395');
    } finally {
      await plain.close();
    }
  });
});

describe('concurrency', () => {
  it('a long query does not hold up short ones', async () => {
    const order: string[] = [];
    const long = client
      .command({ query: 'SELECT sleepEachRow(0.4) FROM numbers(5) FORMAT Null', query_id: 'long-one' })
      .then(() => order.push('long'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 5; i++) {
      await (await client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json();
    }
    order.push('short');
    await long;
    expect(order).toEqual(['short', 'long']);
  });

  it('several processes write and read through it at once, each row stored once', async () => {
    await client.command({
      query: `CREATE TABLE IF NOT EXISTS front_load (writer String, n UInt32, label String)
              ENGINE = MergeTree ORDER BY (writer, n) SETTINGS non_replicated_deduplication_window = 1000`,
    });
    const writers = ['w1', 'w2', 'w3'];
    const children = writers.map((writer) =>
      spawnService('test/support/clickhouse-front/load-client.ts', {
        FRONT_URL: front.url,
        FRONT_PASSWORD: password,
        WRITER: writer,
        BATCHES: '8',
        ROWS: '2000',
      }),
    );
    const codes = await Promise.all(children.map((c) => c.exited));
    expect(codes, children.map((c) => c.output()).join('\n')).toEqual([0, 0, 0]);
    const result = await client.query({
      query: 'SELECT writer, count() AS rows, uniqExact(n) AS distinct FROM front_load GROUP BY writer ORDER BY writer',
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual(writers.map((writer) => ({ writer, rows: 16_000, distinct: 16_000 })));
  });
});
