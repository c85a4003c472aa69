import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import { computeStandings } from '../../services/scoring/engine/compute-standings.ts';
import { assignRanks } from '../../services/scoring/engine/rank.ts';
import { scoreCrew } from '../../services/scoring/engine/score-crew.ts';
import { EMPTY_FACTS, type CrewFacts, type CrewProfile, type CrewScore } from '../../services/scoring/engine/types.ts';

/**
 * The organiser's handbook (docs/组织者手册.md) explains each rule kind with a worked example in
 * points. Every example sits between `<!-- check: id -->` and `<!-- /check -->`; this test scores
 * the same crew with the real engine and requires the block to state the inputs and the engine's
 * points, so the handbook cannot drift from what the product computes.
 */

const HANDBOOK = readFileSync(new URL('../../docs/组织者手册.md', import.meta.url), 'utf8');

function blocks(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(/<!-- check: ([\w-]+) -->([\s\S]*?)<!-- \/check -->/g)) {
    const [, id = '', body = ''] = match;
    expect(found.has(id), `example "${id}" appears twice`).toBe(false);
    found.set(id, body);
  }
  return found;
}

/** Points as the handbook writes them: up to two decimals, no trailing zeros, a real minus sign. */
const pts = (n: number) => `${String(+n.toFixed(2)).replace('-', '−')} 分`;

/** "0 分" must not be found inside "30 分": a number stands alone, not as the tail of a longer one. */
const standalone = (text: string) => new RegExp(`(?<![\\d.,−])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

const crew = (crewId: string, headcount = 10, branchId = 'B1'): CrewProfile => ({
  crewId,
  crewName: crewId,
  unitId: `U-${crewId}`,
  unitName: `U-${crewId}`,
  unitType: 'station',
  branchId,
  branchName: branchId,
  headcount,
});

const facts = (partial: Partial<CrewFacts>): CrewFacts => ({ ...EMPTY_FACTS, ...partial });

function competition(indicators: CompetitionInput['indicators'], extra: Partial<CompetitionInput> = {}): Competition {
  return Competition.parse({
    name: { zh: '例', en: 'Example' },
    kind: 'labour',
    period: { start: '2026-03-01', end: '2026-03-31' },
    indicators,
    ...extra,
  });
}

type Rule = CompetitionInput['indicators'][number]['rule'];
const one = (rule: Rule, weight = 1) => competition([{ id: 'x', name: { zh: '例', en: 'x' }, rule, weight }]);

function score(
  definition: Competition,
  crewFacts: CrewFacts,
  options: { headcount?: number; asOf?: string; target?: number } = {},
): CrewScore {
  const targets = new Map<string, Map<string, number>>();
  if (options.target !== undefined) targets.set('A', new Map([['sales.volume_litres', options.target]]));
  return scoreCrew(definition, crew('A', options.headcount), crewFacts, targets, options.asOf ?? '2026-03-31');
}

const litres = (n: number) => facts({ metrics: { 'sales.volume_litres': n } });

/** What each example block must say: its inputs as written, then the engine's points. */
const EXAMPLES: Record<string, () => string[]> = {
  sum: () => {
    const rule: Rule = { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.001, cap: 50 };
    return [
      '0.001',
      '32,000 升',
      pts(score(one(rule), litres(32_000)).score),
      '58,000 升',
      pts(score(one(rule), litres(58_000)).score),
    ];
  },
  'per-capita': () => {
    const rule: Rule = { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01, perCapita: true, cap: 100 };
    const big = score(one(rule), litres(60_000), { headcount: 12 });
    const tiny = score(one(rule), litres(12_000), { headcount: 2 });
    expect(tiny.score).toBeGreaterThan(big.score);
    return ['12 人', '60,000 升', pts(big.score), '2 人', '12,000 升', pts(tiny.score)];
  },
  target: () => {
    const rule: Rule = {
      kind: 'target',
      metric: 'sales.volume_litres',
      pointsAtTarget: 60,
      pointsPerPercentOver: 0.5,
      bonusCap: 30,
    };
    const at = (sold: number) => pts(score(one(rule), litres(sold), { target: 100_000 }).score);
    return [
      '100,000 升',
      '112,000 升',
      at(112_000),
      '80,000 升',
      at(80_000),
      '200,000 升',
      at(200_000),
      pts(score(one(rule), litres(112_000)).score),
    ];
  },
  count: () => {
    const violations: Rule = { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, floor: -20 };
    const persons = (n: number) => facts({ metrics: { 'violation.operation.persons': n } });
    const found: Rule = { kind: 'count', event: 'hazard_found', pointsEach: 2, cap: 20 };
    return [
      pts(score(one(violations), persons(2)).score),
      pts(score(one(violations), persons(5)).score),
      '13 条',
      pts(score(one(found), facts({ metrics: { 'hazard.found': 13 } })).score),
    ];
  },
  'safety-days': () => {
    const rule: Rule = {
      kind: 'safety_days',
      breakingSeverities: ['minor_injury', 'serious_injury', 'fatality'],
      pointsPerDay: 1.29,
      cap: 40,
    };
    const safe = score(one(rule), EMPTY_FACTS, { asOf: '2026-03-10' });
    const injured = score(one(rule), facts({ lastIncidentDay: { minor_injury: '2026-03-04' } }), {
      asOf: '2026-03-10',
    });
    const month = score(one(rule), EMPTY_FACTS, { asOf: '2026-03-31' });
    return ['1.29', '3 月 10 日', pts(safe.score), '3 月 4 日', pts(injured.score), pts(month.score)];
  },
  innovation: () => {
    const rule: Rule = {
      kind: 'innovation',
      points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } },
      cap: 20,
    };
    const some = facts({
      innovations: [
        { category: 'suggestion', status: 'submitted', awardLevel: 0, count: 2 },
        { category: 'renovation', status: 'adopted', awardLevel: 0, count: 1 },
        { category: 'invention', status: 'awarded', awardLevel: 3, count: 1 },
      ],
    });
    const many = facts({ innovations: [{ category: 'invention', status: 'awarded', awardLevel: 1, count: 2 }] });
    return [pts(score(one(rule), some).score), pts(score(one(rule), many).score)];
  },
  'rectification-rate': () => {
    const rule = (whenNoHazards: 'full' | 'zero'): Rule => ({
      kind: 'rectification_rate',
      pointsAtFullRate: 40,
      whenNoHazards,
    });
    const hazards = (found: number, rectified: number) => facts({ hazards: { found, rectified } });
    return [
      '8 条',
      '6 条',
      pts(score(one(rule('full')), hazards(8, 6)).score),
      pts(score(one(rule('full')), hazards(0, 0)).score),
      pts(score(one(rule('zero')), hazards(0, 0)).score),
    ];
  },
  weights: () => {
    const definition = competition(
      [
        {
          id: 'theory',
          name: { zh: '理论', en: 'Theory' },
          weight: 0.3,
          rule: { kind: 'sum', metric: 'metric.skill_theory', pointsPerUnit: 1, perCapita: true, cap: 100 },
        },
        {
          id: 'practice',
          name: { zh: '实操', en: 'Practice' },
          weight: 0.7,
          rule: { kind: 'sum', metric: 'metric.skill_practice', pointsPerUnit: 1, perCapita: true, cap: 100 },
        },
      ],
      { weightTotal: 1 },
    );
    const result = score(definition, facts({ metrics: { 'metric.skill_theory': 340, 'metric.skill_practice': 360 } }), {
      headcount: 4,
    });
    const [theory, practice] = result.indicators.map((i) => i.points);
    // Weights that do not add up to weightTotal are refused when the rules are saved.
    const refused = Competition.safeParse({
      ...definition,
      indicators: definition.indicators.map((i) => ({ ...i, weight: 0.5 })),
      weightTotal: 1.2,
    });
    expect(refused.success).toBe(false);
    return ['4 人', '340', '360', pts(theory ?? NaN), pts(practice ?? NaN), pts(result.score)];
  },
  vetoes: () => {
    const safeDays: CompetitionInput['indicators'][number] = {
      id: 'safe-days',
      name: { zh: '安全生产天数', en: 'Safe days' },
      rule: { kind: 'safety_days', breakingSeverities: ['minor_injury'], pointsPerDay: 1, cap: 40 },
    };
    const hazardsFound: CompetitionInput['indicators'][number] = {
      id: 'found',
      name: { zh: '隐患排查', en: 'Hazards found' },
      rule: { kind: 'count', event: 'hazard_found', pointsEach: 2, cap: 20 },
    };
    const definition = competition([safeDays, hazardsFound], {
      vetoes: [
        {
          id: 'serious',
          name: { zh: '重伤及以上事故一票否决', en: 'Serious injury' },
          when: { kind: 'incident', severities: ['serious_injury', 'fatality'], minCount: 1 },
          effect: { kind: 'disqualify' },
        },
        {
          id: 'violations',
          name: { zh: '三违满 3 人次，安全天数清零', en: 'Violations' },
          when: { kind: 'violations', minPersons: 3 },
          effect: { kind: 'zero_indicator', indicatorId: 'safe-days' },
        },
      ],
    });
    const asOf = '2026-03-20';
    const clean = score(definition, facts({ metrics: { 'hazard.found': 5 } }), { asOf });
    const zeroed = score(definition, facts({ metrics: { 'hazard.found': 5, 'violation.operation.persons': 3 } }), {
      asOf,
    });
    const injured = score(definition, facts({ metrics: { 'hazard.found': 5, 'incident.serious_injury': 1 } }), {
      asOf,
    });
    expect(injured.disqualified).toBe(true);
    expect(assignRanks([injured], 'competition')[0]?.rank).toBeNull();
    return ['3 月 20 日', '5 条', pts(clean.score), pts(zeroed.score), pts(injured.score), '重伤 1 起'];
  },
  ties: () => {
    const rule: Rule = { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 1 };
    const definition = one(rule);
    const scores = [90, 90, 85].map((n, i) =>
      scoreCrew(definition, crew(`C${i + 1}`), litres(n), new Map(), '2026-03-31'),
    );
    const competitionRanks = assignRanks(scores, 'competition')
      .map((r) => r.rank)
      .join('、');
    const denseRanks = assignRanks(scores, 'dense')
      .map((r) => r.rank)
      .join('、');
    return ['90、90、85', competitionRanks, denseRanks];
  },
  'ranking-groups': () => {
    const definition = one({ kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 1 }, 1);
    const rows = computeStandings({
      competition: { ...definition, rankingGroups: ['overall', 'branch'] },
      asOf: '2026-03-31',
      crews: [crew('甲', 10, '杭州'), crew('乙', 10, '杭州'), crew('丙', 10, '宁波')],
      facts: new Map([
        ['甲', litres(90)],
        ['乙', litres(80)],
        ['丙', litres(70)],
      ]),
      targets: new Map(),
    });
    const rankOf = (groupBy: string, crewId: string) =>
      rows.find((r) => r.groupBy === groupBy && r.crew.crewId === crewId)?.rank;
    return [`总排名第 ${rankOf('overall', '丙')}`, `宁波分公司排名第 ${rankOf('branch', '丙')}`];
  },
};

describe('the organiser’s handbook: worked examples in points', () => {
  const found = blocks(HANDBOOK);

  it('has every example this test checks, and checks every example it has', () => {
    expect([...found.keys()].sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(Object.entries(EXAMPLES))('%s: the text states the inputs and the engine’s points', (id, says) => {
    const block = found.get(id) ?? '';
    for (const text of says()) expect(block, `example "${id}" should say "${text}"`).toMatch(standalone(text));
  });

  it('shows pictures the browser tests take, and links only to sections it has', () => {
    const pictures = [...HANDBOOK.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
    expect(pictures.length).toBeGreaterThan(10);
    for (const picture of pictures) {
      expect(picture).toMatch(/^\.\.\/test\/browser\/screenshots\/[a-z0-9-]+\.jpg$/);
      expect(existsSync(new URL(`../../docs/${picture}`, import.meta.url)), picture).toBe(true);
    }
    const anchors = new Set([...HANDBOOK.matchAll(/<a id="([\w-]+)"><\/a>/g)].map((m) => m[1]));
    for (const [, target] of HANDBOOK.matchAll(/\]\(#([\w-]+)\)/g)) expect(anchors, target).toContain(target);
  });

  it('contains no shell commands (programmers’ steps live in docs/api.md)', () => {
    expect(HANDBOOK).not.toMatch(/```(sh|bash|shell|console)/);
    expect(HANDBOOK).not.toMatch(/^\s*(\$ |npm |curl |npx )/m);
  });
});
