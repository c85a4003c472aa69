import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem, readCompetitionYaml } from '../../services/cli/competition-file.ts';
import { formatPath, locate, parsePathString } from '../../services/cli/yaml-locations.ts';

const YAML = `id: m11
name:
  zh: 十一月劳动竞赛
  en: November
kind: labour
period: { start: 2026-11-01, end: 2026-11-30 }
participants:
  scope: selected
  crewIds: [C1, C2, C3]
indicators:
  - id: volume
    name: { zh: 销量, en: Volume }
    weight: 1
    rule:
      kind: sum
      metric: sales.volume_litres
      pointsPerUnit: 1
`;

describe('YAML path → line', () => {
  it.each([
    { path: 'participants.crewIds[2]', segments: ['participants', 'crewIds', 2] },
    { path: 'indicators[0].rule.metric', segments: ['indicators', 0, 'rule', 'metric'] },
    { path: 'indicators.0.rule.metric', segments: ['indicators', 0, 'rule', 'metric'] },
    { path: 'body.definition.stages[1][0]', segments: ['stages', 1, 0] },
    { path: 'name.zh', segments: ['name', 'zh'] },
    { path: '', segments: [] },
  ])('parses $path', ({ path, segments }) => {
    expect(parsePathString(path)).toEqual(segments);
  });

  it.each([
    { segments: ['indicators', 0, 'rule', 'metric'], text: 'indicators[0].rule.metric' },
    { segments: ['participants', 'crewIds', 2], text: 'participants.crewIds[2]' },
    { segments: [0, 'a'], text: '[0].a' },
  ])('formats $text', ({ segments, text }) => {
    expect(formatPath(segments)).toBe(text);
  });

  const lineCounter = new LineCounter();
  const doc = parseDocument(YAML, { lineCounter });
  it.each([
    { path: 'kind', at: { line: 5, col: 1 } },
    { path: 'name.en', at: { line: 4, col: 3 } },
    // Flow collections: the item itself.
    { path: 'period.end', at: { line: 6, col: 30 } },
    { path: 'participants.crewIds[2]', at: { line: 9, col: 21 } },
    { path: 'indicators[0]', at: { line: 11, col: 5 } },
    { path: 'indicators[0].rule.metric', at: { line: 16, col: 7 } },
    { path: 'indicators[0].weight', at: { line: 13, col: 5 } },
    // Missing: the nearest parent that exists.
    { path: 'indicators[0].rule.cap', at: { line: 14, col: 5 } },
    { path: 'indicators[3].weight', at: { line: 10, col: 1 } },
    { path: 'vetoes[0].id', at: { line: 1, col: 1 } },
  ])('$path is at $at.line:$at.col', ({ path, at }) => {
    expect(locate(doc, lineCounter, parsePathString(path))).toEqual(at);
  });
});

describe('competition YAML checked locally', () => {
  it('accepts a valid file, with the id apart from the definition', () => {
    const file = readCompetitionYaml('m11.yaml', YAML);
    expect(file.problems).toEqual([]);
    expect(file.id).toBe('m11');
    expect(file.definition).not.toHaveProperty('id');
    expect(file.definition).toMatchObject({ kind: 'labour', period: { start: '2026-11-01', end: '2026-11-30' } });
  });

  it('reports every problem at once, in file order, with line and column', () => {
    const broken = YAML.replace('kind: labour', 'kind: race')
      .replace('end: 2026-11-30', 'end: 2026-10-30')
      .replace('metric: sales.volume_litres', 'metric: sales.volume_gallons')
      .replace('[C1, C2, C3]', '[C1, C2, "C 3"]')
      .replace('pointsPerUnit: 1', 'pointsPerUnit: one');
    const file = readCompetitionYaml('m11.yaml', broken);
    expect(file.problems.map((p) => formatProblem('m11.yaml', p).replace(/: .*$/s, ''))).toEqual([
      'm11.yaml:5:1 kind',
      'm11.yaml:6:30 period.end',
      'm11.yaml:9:21 participants.crewIds[2]',
      'm11.yaml:16:7 indicators[0].rule.metric',
      'm11.yaml:17:7 indicators[0].rule.pointsPerUnit',
    ]);
    const [first] = file.problems;
    if (first === undefined) throw new Error('no problem');
    expect(formatProblem('m11.yaml', first)).toMatch(/^m11\.yaml:5:1 kind: .*"labour"\|"ankang"/);
  });

  it.each([
    { text: 'name: x\n', problem: /missing id/ },
    { text: 'id: "bad id"\n', problem: /^f:1:1 id: use letters/ },
    { text: '- a\n- b\n', problem: /must be a mapping/ },
    { text: 'id: x\nname: [a\n', problem: /^f:3:1: Flow sequence/ },
  ])('$text', ({ text, problem }) => {
    const file = readCompetitionYaml('f', text);
    expect(file.problems.map((p) => formatProblem('f', p))).toContainEqual(expect.stringMatching(problem));
  });

  it('places the paths a server answer names', () => {
    const file = readCompetitionYaml('m11.yaml', YAML);
    expect(formatProblem('m11.yaml', file.problemAt('participants.crewIds[2]', 'unknown crew "C3"'))).toBe(
      'm11.yaml:9:21 participants.crewIds[2]: unknown crew "C3"',
    );
  });
});
