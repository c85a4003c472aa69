import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCompetitionYaml } from '../../services/cli/competition-file.ts';
import { runCli } from '../../services/cli/run-cli.ts';
import {
  MAX_COMPETITION_FILE_BYTES,
  MAX_YAML_ITEMS,
  MAX_YAML_NESTING,
  yamlShape,
} from '../../services/cli/yaml-bounds.ts';

const example = readFileSync(new URL('../../schemas/examples/competition.yaml', import.meta.url), 'utf8');

const million = `id: m11\nname: { zh: 甲, en: A }\nindicators:\n${'  - x\n'.repeat(1_000_000)}`;
const deepFlow = `id: m11\nname: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
const deepBlock = `id: m11\n${Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')}\n`;
const manyItems = `id: m11\nparticipants:\n  scope: selected\n  crewIds:\n${'    - C1\n'.repeat(MAX_YAML_ITEMS + 1)}`;
/** Nine anchors, each a list of nine aliases of the one before: 9^9 strings once expanded. */
const aliasBomb = [
  'id: m11',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map(
    (n, i) =>
      `${n}: &${n} [${Array(9)
        .fill(`*${'abcdefghi'[i] ?? ''}`)
        .join(',')}]`,
  ),
].join('\n');

describe('the shape of a YAML text, read without parsing it', () => {
  it('measures the example competition as the few levels and items it has', () => {
    const shape = yamlShape(example);
    expect(shape.depth).toBeGreaterThanOrEqual(5);
    expect(shape.depth).toBeLessThan(12);
    expect(shape.items).toBeLessThan(100);
    expect(readCompetitionYaml('competition.yaml', example).refusal).toBeUndefined();
  });

  it.each([
    ['flow', 'a: [[1, [2]], {b: [3]}]', 4],
    ['block (a line of sequence markers counts each)', 'a:\n  b:\n    c:\n      - - d', 6],
    ['quoted brackets are text', `a: "[[[[" \nb: '{{{{'`, 1],
    ['a plain scalar with a bracket inside is text', 'a: see [note\nb: 1', 1],
    ['comments are not structure', '# [[[[\na: 1 # {{{{', 1],
  ])('%s', (_name, text, depth) => {
    expect(yamlShape(text).depth).toBe(depth);
  });
});

describe('competition YAML refused in one line before it is parsed', () => {
  it.each([
    ['a million-item list (6 MB)', million, `at most 1 MB (${MAX_COMPETITION_FILE_BYTES} bytes)`],
    ['50,000 nested flow lists', deepFlow, `nested more than ${MAX_YAML_NESTING} levels deep (about 50001)`],
    ['100 nested mappings', deepBlock, `nested more than ${MAX_YAML_NESTING} levels deep (about 100)`],
    ['more list items than a definition holds', manyItems, `more than ${MAX_YAML_ITEMS}`],
    ['an alias bomb', aliasBomb, 'aliases (*name) expand more than 100 times'],
  ])('%s', (_name, text, says) => {
    const file = readCompetitionYaml('m11.yaml', text);
    expect(file.refusal).toContain(says);
    expect(file.refusal).not.toContain('\n');
    expect(file.problems).toEqual([]);
  });

  it('prints one line and exits 1 for each, without a stack trace', async () => {
    for (const text of [million, deepFlow, aliasBomb]) {
      let stderr = '';
      const code = await runCli({
        argv: ['apply', '-f', 'm11.yaml'],
        env: { LEADERBOARD_URL: 'http://lb.test' },
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        files: { readText: () => Promise.resolve(text) },
        fetch: () => Promise.reject(new Error('nothing may be sent')),
      });
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^m11\.yaml: .*nothing was sent\n$/);
    }
  });

  it('refuses a file by its size before reading it', async () => {
    let stderr = '';
    let read = false;
    const code = await runCli({
      argv: ['apply', '-f', 'huge.yaml'],
      env: { LEADERBOARD_URL: 'http://lb.test' },
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      files: {
        size: () => Promise.resolve(2_000_000_000),
        readText: () => {
          read = true;
          return Promise.resolve('');
        },
      },
      fetch: () => Promise.reject(new Error('nothing may be sent')),
    });
    expect([code, read]).toEqual([1, false]);
    expect(stderr).toBe(
      'huge.yaml: 文件有 1907.3 MB，竞赛定义最多 1 MB，未发送 / the file is 1907.3 MB; a competition definition is at most 1 MB (1048576 bytes), nothing was sent\n',
    );
  });
});
