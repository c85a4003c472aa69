/**
 * Competitions to start from, as union offices run them (see shared notes on 安康杯 and 劳动竞赛
 * rules). Each builds a definition for the period the organiser picks; every number stays editable.
 */
import type { CompetitionInput } from '../../../../schemas/competition.schema.ts';
import ankangCrewSheet from '../../../../schemas/examples/templates/ankang-crew-sheet.yaml';
import ankangUnitSheet from '../../../../schemas/examples/templates/ankang-unit-sheet.yaml';

export type TemplateKey = 'ankang' | 'ankang-crew' | 'ankang-unit' | 'sales' | 'innovation' | 'skills';

export interface Template {
  key: TemplateKey;
  /** The id a new competition gets, with the month of its start: ankang-2026-03. */
  idPrefix: string;
  build(period: { start: string; end: string }): CompetitionInput;
}

/** Inclusive days of a period. */
export function periodDays(period: { start: string; end: string }): number {
  const ms = Date.parse(`${period.end}T00:00:00Z`) - Date.parse(`${period.start}T00:00:00Z`);
  return Math.max(1, Math.round(ms / 86_400_000) + 1);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

type IndicatorInput = CompetitionInput['indicators'][number];
type VetoInput = NonNullable<CompetitionInput['vetoes']>[number];

/** 一票否决: a serious injury or worse disqualifies the crew, as published rules have it. */
const SERIOUS_INJURY_VETO: VetoInput = {
  id: 'serious-injury',
  name: { zh: '重伤及以上事故一票否决', en: 'Serious injury or worse: disqualified' },
  when: { kind: 'incident', severities: ['serious_injury', 'fatality'], minCount: 1 },
  effect: { kind: 'disqualify' },
};

/** 三违 −5 per person-time, at most −20. */
const VIOLATIONS: IndicatorInput = {
  id: 'violations',
  name: { zh: '“三违”扣分', en: 'Violations (三违)' },
  rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, floor: -20 },
};

const ankang: Template = {
  key: 'ankang',
  idPrefix: 'ankang',
  build: (period) => ({
    name: { zh: '安康杯竞赛', en: 'Ankang Cup' },
    kind: 'ankang',
    period,
    rankingGroups: ['overall', 'branch'],
    // A 100-point sheet: safe days 40, hazards found 10, rectified 20, rectification rate 30;
    // 三违 and hazards left past their deadline deducted from it. Hazards reward finding and
    // fixing: a crew that reports none gets no rate points (with 'full' it would outrank crews
    // that reported one and are still fixing it, which teaches hiding hazards).
    indicators: [
      {
        id: 'safe-days',
        name: { zh: '安全生产天数', en: 'Safe days' },
        rule: {
          kind: 'safety_days',
          breakingSeverities: ['minor_injury', 'serious_injury', 'fatality'],
          // Only a crew safe for the whole period reaches 40.
          pointsPerDay: round2(40 / periodDays(period)),
          cap: 40,
        },
      },
      {
        id: 'hazards-found',
        name: { zh: '隐患排查', en: 'Hazards found' },
        rule: { kind: 'count', event: 'hazard_found', pointsEach: 1, cap: 10 },
      },
      {
        id: 'hazards-rectified',
        name: { zh: '隐患整改', en: 'Hazards rectified' },
        rule: { kind: 'count', event: 'hazard_rectified', pointsEach: 2, cap: 20 },
      },
      {
        id: 'rectified',
        name: { zh: '隐患整改率', en: 'Rectification rate' },
        rule: { kind: 'rectification_rate', pointsAtFullRate: 30, whenNoHazards: 'zero' },
      },
      {
        // 限期整改: 7 days after the day it is found; each hazard still open then costs 3.
        id: 'hazards-overdue',
        name: { zh: '隐患超期未整改', en: 'Hazards overdue' },
        rule: { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 7, pointsEach: -3, floor: -15 },
      },
      VIOLATIONS,
    ],
    vetoes: [SERIOUS_INJURY_VETO],
  }),
};

const sales: Template = {
  key: 'sales',
  idPrefix: 'wbyc',
  build: (period) => ({
    name: { zh: '“五比一创”劳动竞赛', en: '“Five comparisons, one creation” labour competition' },
    kind: 'labour',
    period,
    rankingGroups: ['overall', 'branch', 'unit_type'],
    indicators: [
      {
        // 销量考核到工班: each crew against its own target; bonus capped at half the base.
        id: 'volume-target',
        name: { zh: '销量目标完成率', en: 'Sales volume vs target' },
        rule: {
          kind: 'target',
          metric: 'sales.volume_litres',
          pointsAtTarget: 60,
          pointsPerPercentOver: 0.5,
          bonusCap: 30,
        },
      },
      {
        id: 'innovation',
        name: { zh: '“五小”创新', en: '“Five smalls” innovation' },
        rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } }, cap: 20 },
      },
      VIOLATIONS,
    ],
    vetoes: [SERIOUS_INJURY_VETO],
  }),
};

const innovation: Template = {
  key: 'innovation',
  idPrefix: 'wuxiao',
  build: (period) => ({
    name: { zh: '“五小”创新竞赛', en: '“Five smalls” innovation competition' },
    kind: 'labour',
    period,
    rankingGroups: ['overall', 'branch'],
    indicators: [
      {
        id: 'inventions',
        name: { zh: '小发明 · 小创造 · 小革新 · 小设计', en: 'Inventions, creations, renovations, designs' },
        rule: {
          kind: 'innovation',
          categories: ['invention', 'creation', 'renovation', 'design'],
          points: { submitted: 2, adopted: 5, awarded: { 1: 30, 2: 20, 3: 10 } },
        },
      },
      {
        id: 'suggestions',
        name: { zh: '小建议', en: 'Suggestions' },
        rule: {
          kind: 'innovation',
          categories: ['suggestion'],
          points: { submitted: 1, adopted: 2, awarded: { 1: 10, 2: 6, 3: 3 } },
          cap: 30,
        },
      },
    ],
    vetoes: [],
  }),
};

const skills: Template = {
  key: 'skills',
  idPrefix: 'jnbw',
  build: (period) => ({
    name: { zh: '岗位技能比武', en: 'Skills contest' },
    kind: 'labour',
    period,
    rankingGroups: ['overall', 'branch'],
    // Theory 30 %, practice 70 %: the crews' exam scores (0–100) sent as generic metric events.
    weightTotal: 1,
    indicators: [
      {
        id: 'theory',
        name: { zh: '理论考试', en: 'Theory exam' },
        weight: 0.3,
        rule: { kind: 'sum', metric: 'metric.skill_theory', pointsPerUnit: 1, perCapita: true, cap: 100 },
      },
      {
        id: 'practice',
        name: { zh: '实操考核', en: 'Practical test' },
        weight: 0.7,
        rule: { kind: 'sum', metric: 'metric.skill_practice', pointsPerUnit: 1, perCapita: true, cap: 100 },
      },
    ],
    vetoes: [],
  }),
};

/**
 * A template of schemas/examples/templates (validated there by test/unit/examples.test.ts): the
 * YAML is its one source; the console gives it the period the organiser picks.
 */
function exampleTemplate(key: TemplateKey, idPrefix: string, example: unknown): Template {
  // The file's id names the competition the tests run; the console gives each its own.
  const definition = Object.fromEntries(
    Object.entries(example as Record<string, unknown>).filter(([key]) => key !== 'id'),
  ) as CompetitionInput;
  return { key, idPrefix, build: (period) => ({ ...structuredClone(definition), period }) };
}

/** 安康杯班组考核细则 and 安康杯单位考核细则: 100-point sheets with gates and grades (docs/考核细则.md). */
const ankangCrew = exampleTemplate('ankang-crew', 'ankang-crew', ankangCrewSheet);
const ankangUnit = exampleTemplate('ankang-unit', 'ankang-unit', ankangUnitSheet);

export const TEMPLATES: readonly Template[] = [ankang, ankangCrew, ankangUnit, sales, innovation, skills];

/** The template a new competition starts from when none is named. */
export const ankangTemplate: Template = ankang;

export function templateOf(key: string | null | undefined): Template | undefined {
  return TEMPLATES.find((t) => t.key === key);
}

/** The calendar month containing a day: the default period of a new competition. */
export function monthOf(day: string): { start: string; end: string } {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, '0');
  return { start: `${y}-${mm}-01`, end: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

/** One stage per calendar month (or quarter) of the period, clipped to it: 阶段 as offices assess them. */
export function calendarStages(
  period: { start: string; end: string },
  every: 'month' | 'quarter',
): { id: string; name: { zh: string; en: string }; start: string; end: string }[] {
  const stages: { id: string; name: { zh: string; en: string }; start: string; end: string }[] = [];
  let [y, m] = period.start.split('-').map(Number) as [number, number];
  if (every === 'quarter') m = Math.floor((m - 1) / 3) * 3 + 1;
  const months = every === 'month' ? 1 : 3;
  const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  for (;;) {
    const start = `${y}-${String(m).padStart(2, '0')}-01`;
    if (start > period.end) break;
    const endMonth = m + months - 1;
    const end = monthOf(`${y}-${String(endMonth).padStart(2, '0')}-01`).end;
    const q = Math.floor((m - 1) / 3) + 1;
    stages.push({
      id: every === 'month' ? `${y}-${String(m).padStart(2, '0')}` : `${y}-q${q}`,
      name:
        every === 'month'
          ? { zh: `${y}年${m}月`, en: `${EN_MONTHS[m - 1] ?? ''} ${y}` }
          : { zh: `${y}年第${q}季度`, en: `Q${q} ${y}` },
      start: start < period.start ? period.start : start,
      end: end > period.end ? period.end : end,
    });
    m += months;
    if (m > 12) {
      m -= 12;
      y += 1;
    }
  }
  return stages;
}
