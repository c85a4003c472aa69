import { describe, expect, it } from 'vitest';
import { describeInsertError, refusedColumn, refusedRowIndex } from '../../services/storage/insert-errors.ts';
import { createInsertHealth } from '../../services/storage/insert-health.ts';

/** Errors as @clickhouse/client raises them for an answer with an exception. */
const clickHouseError = (code: number, type: string, message: string) =>
  Object.assign(new Error(message), { code: String(code), type });

const fullDisk = clickHouseError(243, 'NOT_ENOUGH_SPACE', 'Cannot reserve 1.00 MiB, not enough space. ');
const surrogate = clickHouseError(
  25,
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'Cannot parse escape sequence: missing second part of surrogate pair. In JSON input formats you can disable setting input_format_json_throw_on_bad_escape_sequence to save bad escape sequences as is: (while reading the value of key product). ',
);

describe('insert errors', () => {
  it('names the column and says the first sentence only', () => {
    expect(refusedColumn(surrogate)).toBe('product');
    expect(describeInsertError(surrogate)).toBe(
      'CANNOT_PARSE_ESCAPE_SEQUENCE: Cannot parse escape sequence: missing second part of surrogate pair.',
    );
    expect(describeInsertError(fullDisk)).toBe('NOT_ENOUGH_SPACE: Cannot reserve 1.00 MiB, not enough space.');
  });

  it('names the row and column of a constraint ClickHouse says is violated (its own words)', () => {
    const violated = clickHouseError(
      469,
      'VIOLATED_CONSTRAINT',
      "Constraint `no_98` for table default.events (57897c7c-d63a-4ebd-a22a-82cfd57c6c17) is violated at row 3. Expression: (product != '98#'). Column values: product = '98#'. ",
    );
    expect(refusedColumn(violated)).toBe('product');
    expect(refusedRowIndex(violated)).toBe(2);
    expect(refusedRowIndex(fullDisk)).toBeUndefined();
  });
});

describe('insert health', () => {
  function setup() {
    let t = Date.parse('2026-03-10T00:00:00Z');
    const kinds: string[] = [];
    const health = createInsertHealth({
      now: () => new Date(t),
      windowMs: 60_000,
      onFailure: (kind) => kinds.push(kind),
    });
    return { health, kinds, advance: (ms: number) => (t += ms) };
  }

  it('is failing from an outage until an insert works, with when and why', () => {
    const { health, advance } = setup();
    expect(health.failing()).toBeUndefined();
    health.failed(fullDisk);
    advance(5_000);
    health.failed(fullDisk);
    expect(health.failing()).toEqual({
      since: '2026-03-10T00:00:00.000Z',
      failures: 2,
      reason: 'NOT_ENOUGH_SPACE: Cannot reserve 1.00 MiB, not enough space.',
    });
    health.succeeded();
    expect(health.failing()).toBeUndefined();
  });

  it('is not failing for rows storage refuses, though it counts them', () => {
    const { health, kinds } = setup();
    health.failed(surrogate);
    expect(health.failing()).toBeUndefined();
    expect(kinds).toEqual(['rows']);
  });

  it('tries again after the window when no insert has run since the last failure', () => {
    const { health, advance } = setup();
    health.failed(fullDisk);
    advance(59_999);
    expect(health.failing()).toBeDefined();
    advance(1);
    expect(health.failing()).toBeUndefined();
    // A further failure continues the run: no insert has worked since the first.
    health.failed(fullDisk);
    expect(health.failing()?.failures).toBe(2);
  });
});
