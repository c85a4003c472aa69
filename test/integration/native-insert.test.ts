import type { ClickHouseClient } from '@clickhouse/client';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import { insertRows, insertRowsAsJson } from '../../services/storage/insert-rows.ts';
import { startClickHouseFront, type RunningFront } from '../support/clickhouse-front.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

// Rows sent as a binary Native block must be stored exactly as the same rows sent as JSON,
// on the embedded engine (through a file) and through ClickHouse's HTTP interface (the body).
const COLUMNS = [
  ['id', 'UInt32'],
  ['text', 'String'],
  ['kind', 'LowCardinality(String)'],
  ['amount', 'Float64'],
  ['small', 'UInt8'],
  ['delta', 'Int32'],
  ['offset', 'Int64'],
  ['day', 'Date'],
  ['at', "DateTime64(3, 'UTC')"],
  ['rank', 'Nullable(UInt32)'],
  ['change', 'Nullable(Int32)'],
  ['reasons', 'Array(String)'],
  ['points', 'Map(String, Float64)'],
  ['values', 'Map(String, Nullable(Float64))'],
  ['labels', 'Map(String, String)'],
] as const;
const NAMES = COLUMNS.map(([name]) => name);
const STRUCTURE = COLUMNS.map(([name, type]) => `\`${name}\` ${type}`).join(', ');

const long = '班组'.repeat(30) + 'x'.repeat(200);
/** Values at the edges of each type, as the product's rows carry them. */
const edgeRows: unknown[][] = [
  [1, '', '', 0, 0, 0, 0, '1970-01-01', '1970-01-01T00:00:00Z', null, null, [], {}, {}, {}],
  [
    2,
    '第一班组 "引号" \\ 反斜杠\n换行\t制表 😀',
    'station',
    -1234.5678e-9,
    255,
    -2_147_483_648,
    Number.MAX_SAFE_INTEGER,
    '2026-03-02',
    '2026-03-02T09:00:00+08:00',
    4_294_967_295,
    2_147_483_647,
    ['安全：未戴安全帽', long],
    { sales: 12.5, 安全天数: 30 },
    { sales: 1e300, innov: null },
    { sales: 'veto', 空: '' },
  ],
  [
    3,
    long,
    'depot',
    5e-324,
    1,
    7,
    -1,
    '2149-06-06',
    '2299-12-31T23:59:59.999Z',
    0,
    -3,
    [''],
    { a: -0 },
    { a: 0 },
    { a: '' },
  ],
  [
    4,
    'x'.repeat(42),
    'x'.repeat(43),
    1.5,
    3,
    0,
    2 ** 40,
    '2026-12-31',
    '2026-12-31T15:59:59.5-08:00',
    7,
    null,
    ['a', 'b'],
    {},
    { x: null },
    {},
  ],
  [5, 'é'.repeat(42), 'ü'.repeat(64), 3, 9, 1, 0, '2000-02-29', '1900-01-01T00:00:00.001Z', null, 0, [], {}, {}, {}],
];

async function stored(client: ClickHouseClient, table: string): Promise<unknown[]> {
  const result = await client.query({ query: `SELECT * FROM ${table} ORDER BY id`, format: 'JSONEachRow' });
  return result.json();
}

function suite(name: string, connect: () => Promise<{ client: ClickHouseClient; close: () => Promise<void> }>) {
  describe(name, () => {
    let client: ClickHouseClient;
    let close: () => Promise<void>;
    let tables = 0;
    async function twins(): Promise<[string, string]> {
      tables++;
      const pair: [string, string] = [`native_${String(tables)}`, `json_${String(tables)}`];
      for (const table of pair) {
        await client.command({ query: `CREATE TABLE ${table} (${STRUCTURE}) ENGINE = MergeTree ORDER BY id` });
      }
      return pair;
    }

    beforeAll(async () => {
      ({ client, close } = await connect());
    });
    afterAll(async () => {
      await close();
    });

    it('stores every edge value as JSON would', async () => {
      const [native, json] = await twins();
      expect(await insertRows(client, native, edgeRows, NAMES)).toBe('native');
      await insertRowsAsJson(client, json, edgeRows, NAMES);
      const rows = await stored(client, native);
      expect(rows).toHaveLength(edgeRows.length);
      expect(rows).toEqual(await stored(client, json));
      // And as meant, not only as alike: the time with an offset in UTC, the maps' order kept.
      expect(rows[1]).toMatchObject({
        at: '2026-03-02 01:00:00.000',
        points: { sales: 12.5, 安全天数: 30 },
        text: edgeRows[1]?.[1],
      });
    });

    it('sends as JSON what it cannot write as JSON would store it, and loses no row', async () => {
      const [first = [], base = [], third = []] = edgeRows;
      const cases: [string, number, unknown][] = [
        ['a time without an offset (JSON reads it in UTC)', 8, '2026-03-02 09:00:00'],
        ['a time with microseconds', 8, '2026-03-02T09:00:00.123456Z'],
        ['NaN in Float64 (JSON stores 0)', 3, Number.NaN],
        ['a fraction in an integer column', 4, 1.5],
        ['null in a String column (JSON stores the default)', 1, null],
        ['a number in a String column', 1, 42],
        ['a lone surrogate (JSON has storage refuse it)', 1, 'crew \ud800'],
        ['a time on a day that does not exist', 8, '2026-02-29T00:00:00Z'],
        ['a map that is not a plain object', 14, new Date('2026-03-02T00:00:00Z')],
        ['a day that does not exist', 7, '2026-02-30'],
      ];
      for (const [label, column, value] of cases) {
        const [native, json] = await twins();
        const odd = [...base];
        odd[column] = value;
        const rows = [first, odd, third];
        const viaJson = await insertRowsAsJson(client, json, rows, NAMES).then(
          () => stored(client, json),
          (err: unknown) => err,
        );
        // A one-shot iterable too: what was read before encoding stopped must still be sent.
        const oneShot = (function* () {
          yield* rows;
        })();
        const viaInsert = await insertRows(client, native, oneShot, NAMES).then(
          async (way) => ({ way, rows: await stored(client, native) }),
          (err: unknown) => err,
        );
        if (viaJson instanceof Error) expect([label, viaInsert]).toEqual([label, expect.any(Error)]);
        else expect([label, viaInsert]).toEqual([label, { way: 'json', rows: viaJson }]);
      }
    });

    it('writes the keys of a map that JSON.stringify writes, and no others', async () => {
      const inherited: Record<string, unknown> = Object.create({ inherited: 1 }) as Record<string, unknown>;
      inherited.own = 2;
      const cases: [string, number, unknown, 'native' | 'json'][] = [
        ['keys without a JSON value are left out', 13, { gone: undefined, kept: 1, alsoGone: () => 1 }, 'native'],
        ['an object with another prototype goes as JSON', 12, inherited, 'json'],
      ];
      for (const [label, column, map, way] of cases) {
        const [native, json] = await twins();
        const row = [...(edgeRows[1] ?? [])];
        row[column] = map;
        expect([label, await insertRows(client, native, [row], NAMES)]).toEqual([label, way]);
        await insertRowsAsJson(client, json, [row], NAMES);
        expect(await stored(client, native)).toEqual(await stored(client, json));
      }
    });

    it('sends as JSON, and so stores or refuses as JSON does, after a column changed its type', async () => {
      const [native, json] = await twins();
      // The columns are read once per table and kept: the first insert reads them.
      expect(await insertRows(client, native, [edgeRows[0] ?? []], NAMES)).toBe('native');
      for (const table of [native, json]) {
        await client.command({ query: `ALTER TABLE ${table} MODIFY COLUMN amount Int64` });
      }
      const row = [...(edgeRows[1] ?? [])];
      row[3] = 1.5;
      // Cast to 1 by a Native insert that converts types; JSON refuses 1.5 for Int64.
      const viaJson = await insertRowsAsJson(client, json, [row], NAMES).catch((err: unknown) => err);
      expect(viaJson).toBeInstanceOf(Error);
      await expect(insertRows(client, native, [row], NAMES)).rejects.toThrow(/Int64|parse/i);
      row[3] = 2;
      expect(await insertRows(client, native, [row], NAMES)).toBe('native');
      expect((await stored(client, native)).map((r) => (r as { amount: number }).amount)).toEqual([0, 2]);
    });

    it('throws, and does not send again, what a view refused after the table stored it', async () => {
      const stored: number[] = [];
      for (const way of ['native', 'json'] as const) {
        await client.command({ query: `CREATE TABLE src_${way} (v Float64) ENGINE = MergeTree ORDER BY tuple()` });
        await client.command({
          query: `CREATE TABLE dst_${way} (v Float64, exact Decimal(38, 6)) ENGINE = MergeTree ORDER BY tuple()`,
        });
        await client.command({
          query: `CREATE MATERIALIZED VIEW mv_${way} TO dst_${way} AS SELECT v, toDecimal128(v, 6) AS exact FROM src_${way}`,
        });
        const insert = way === 'native' ? insertRows : insertRowsAsJson;
        // 1e40 is a Float64 the table takes and a Decimal(38, 6) the view refuses.
        await expect(insert(client, `src_${way}`, [[1e40]], ['v'])).rejects.toThrow(/view/i);
        const result = await client.query({ query: `SELECT count() AS n FROM src_${way}`, format: 'JSONEachRow' });
        stored.push(Number((await result.json<{ n: number | string }>())[0]?.n));
      }
      // As JSON alone leaves it: the table's part is stored once, never twice.
      expect(stored).toEqual([1, 1]);
    });

    it('deduplicates a resent block by its token, as the consumer relies on', async () => {
      const [native] = await twins();
      await client.command({ query: `ALTER TABLE ${native} MODIFY SETTING non_replicated_deduplication_window = 100` });
      for (let attempt = 0; attempt < 3; attempt++) {
        expect(await insertRows(client, native, edgeRows, NAMES, { insert_deduplication_token: 'batch-1' })).toBe(
          'native',
        );
      }
      expect(await stored(client, native)).toHaveLength(edgeRows.length);
    });

    it('writes many rows in one block', async () => {
      const [native, json] = await twins();
      const rows = Array.from({ length: 20_000 }, (_, i) => {
        const row = [...(edgeRows[i % edgeRows.length] ?? [])];
        row[0] = i;
        return row;
      });
      expect(await insertRows(client, native, rows, NAMES)).toBe('native');
      await insertRowsAsJson(client, json, rows, NAMES);
      const digest = (table: string) =>
        client
          .query({ query: `SELECT count() AS n, groupBitXor(cityHash64(*)) AS h FROM ${table}`, format: 'JSONEachRow' })
          .then((r) => r.json());
      expect(await digest(native)).toEqual(await digest(json));
    });
  });
}

suite('embedded engine: the block goes through a file', async () => {
  const client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
  return { client, close: () => client.close() };
});

describe('an embedded client that cannot send a file safely', () => {
  it('sends JSON when its data folder holds a glob character (FROM INFILE would read a pattern)', async () => {
    const client = createClickHouse({ mode: 'embedded', dataDir: join(testDataDir(), 'data-{1}') });
    try {
      await client.command({ query: `CREATE TABLE glob_t (${STRUCTURE}) ENGINE = MergeTree ORDER BY id` });
      expect(await insertRows(client, 'glob_t', edgeRows, NAMES)).toBe('json');
      expect(await stored(client, 'glob_t')).toHaveLength(edgeRows.length);
    } finally {
      await client.close();
    }
  });

  it("sends JSON through a wrapper that does not pass the client's mark on", async () => {
    const client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
    const wrapped = new Proxy(client, {
      get(target, property) {
        if (typeof property === 'symbol') return undefined;
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    try {
      await client.command({ query: `CREATE TABLE wrapped_t (${STRUCTURE}) ENGINE = MergeTree ORDER BY id` });
      expect(await insertRows(wrapped, 'wrapped_t', edgeRows, NAMES)).toBe('json');
      expect(await stored(client, 'wrapped_t')).toHaveLength(edgeRows.length);
    } finally {
      await client.close();
    }
  });
});

let front: RunningFront | undefined;
suite("server mode: the block is the request's body (test front)", async () => {
  front = await startClickHouseFront({ users: { default: 'secret' } });
  const client = createClickHouse({
    mode: 'server',
    url: front.url,
    username: 'default',
    password: 'secret',
    database: 'default',
  });
  return {
    client,
    close: async () => {
      await client.close();
      await front?.stop();
    },
  };
});
