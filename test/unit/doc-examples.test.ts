import { describe, expect, it } from 'vitest';
import {
  expectationOf,
  fencedBlocks,
  judge,
  mismatch,
  parsePattern,
  shellCommands,
  textMismatch,
} from '../support/doc-examples.ts';

// The judging of the documentation's examples (docs/writing-examples.md): a test that runs the
// examples is only worth something if an answer that differs from the text fails it.

describe('JSON with …', () => {
  it.each([
    ['{"a":1,"b":"x"}', { a: 1, b: 'x', c: 3 }],
    ['{"a":…}', { a: [1, 2] }],
    ['{"a":1,…}', { a: 1, z: 0 }],
    ['{"...": "…", "a": 1}', { a: 1, b: 2 }],
    ['[…]', [1, 2, 3]],
    ['[]', []],
    ['[1,…]', [1, 2, 3]],
    ['[…,3]', [1, 2, 3]],
    ['[{"id":"b"},…]', [{ id: 'b', n: 1 }]],
    ['{"token":"dl_…"}', { token: 'dl_abc' }],
    ['{"m":"由 fix-… 代替 / …"}', { m: '由 fix-1a 代替 / replaced' }],
    ['{"n":null,"t":true,"x":-1.5e2}', { n: null, t: true, x: -150 }],
  ])('%s matches', (pattern, actual) => {
    expect(mismatch(parsePattern(pattern), actual)).toBeUndefined();
  });

  it.each([
    ['{"a":1}', { a: 2 }, '$.a: expected 1, got 2'],
    ['{"a":1}', { b: 1 }, 'no member "a"'],
    ['[1,2]', [1, 2, 3], 'expected 2 item(s), got 3'],
    ['[1,…]', [2, 1], '$[0]: expected 1, got 2'],
    ['{"rows":[{"score":0.56}]}', { rows: [{ score: 0.6 }] }, '$.rows[0].score: expected 0.56, got 0.6'],
    ['{"token":"dl_…"}', { token: 'lbt_x' }, 'expected "dl_…"'],
    ['{"a":"1"}', { a: 1 }, 'expected a string'],
  ])('%s does not match %j', (pattern, actual, why) => {
    expect(mismatch(parsePattern(pattern), actual)).toContain(why);
  });

  it('says where a pattern is not JSON', () => {
    expect(() => parsePattern('{"a" 1}')).toThrow(/":" at character/);
  });
});

describe('text with …', () => {
  it('matches line by line, … inside a line and … alone for any lines', () => {
    const out = 'title 2026-11-24\n名次 班组\n1 甲\n2 乙\n… 还有 3 个\n';
    expect(textMismatch('title …\n名次 班组\n…\n… 还有 3 个', out)).toBeUndefined();
    expect(textMismatch('title …\n名次 班组\n1 乙\n…', out)).toMatch(/output line 3: expected "1 乙", got "1 甲"/);
    expect(textMismatch('title …', out)).toBeDefined();
  });
});

describe('shell blocks', () => {
  const block = [
    '# 解释 explanation, not an answer',
    "curl -X PUT http://127.0.0.1:3000/v1/x -d '{",
    '  "a": "92# is not a comment"',
    "}'",
    '# → 201 {"id":"x",',
    '#      "v":1}',
    'curl http://127.0.0.1:3000/v1/x   # a remark',
    'ghlb standings x \\',
    '  --limit 5',
    '# → exit 1 refused',
  ].join('\n');

  it('splits commands over quotes and backslashes and reads what each answers', () => {
    const commands = shellCommands(block, 10);
    expect(commands.map((c) => c.line)).toEqual([11, 16, 17]);
    expect(commands[0]?.text).toContain('"a": "92#');
    expect(commands[0]?.expect).toEqual({ status: 201, exit: undefined, body: '{"id":"x",\n"v":1}' });
    expect(commands[1]?.expect).toBeUndefined();
    expect(commands[2]?.expect).toEqual({ status: undefined, exit: 1, body: 'refused' });
  });

  it('refuses a command that never ends', () => {
    expect(() => shellCommands("curl -d '{", 1)).toThrow(/never ends/);
  });

  it('reads the directives before fences', () => {
    const md = [
      '<!-- example: skip needs Docker -->',
      '```sh',
      'docker compose up',
      '```',
      '',
      '<!-- example: file roster.csv -->',
      '',
      '```csv',
      'a,b',
      '```',
      '```json',
      '{}',
      '```',
      '<!-- example: output exit 1 -->',
      '```text',
      'refused',
      '```',
    ].join('\n');
    expect(fencedBlocks(md).map((b) => [b.line, b.lang, b.directive])).toEqual([
      [2, 'sh', { kind: 'skip', reason: 'needs Docker' }],
      [8, 'csv', { kind: 'file', name: 'roster.csv' }],
      [11, 'json', undefined],
      [15, 'text', { kind: 'output', exit: 1, status: undefined }],
    ]);
  });
});

describe('judge', () => {
  it('wants 2xx and exit 0 when the text shows no answer', () => {
    expect(judge(undefined, { exit: 0, status: 200, output: '{}' })).toBeUndefined();
    expect(judge(undefined, { exit: 0, status: 404, output: '{}' })).toMatch(/HTTP 404, expected 2xx/);
    expect(judge(undefined, { exit: 2, status: undefined, output: 'usage' })).toMatch(/exit code 2/);
  });

  it('wants the status, exit code and body the text shows', () => {
    const e = expectationOf('422 {"error":{"code":"validation_failed"}}');
    expect(judge(e, { exit: 0, status: 422, output: '{"error":{"code":"validation_failed","message":"m"}}' })).toBe(
      undefined,
    );
    expect(judge(e, { exit: 0, status: 400, output: '{}' })).toMatch(/HTTP 400, expected 422/);
    expect(judge(e, { exit: 0, status: 422, output: '{"error":{"code":"other"}}' })).toMatch(/validation_failed/);
    expect(judge(e, { exit: 0, status: 422, output: 'not json' })).toMatch(/not JSON/);
  });
});
