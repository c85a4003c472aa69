import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import { addDays } from '../shared/calendar.ts';

export const LABOUR_COMPETITION_ID = 'wbyc-2026q4';
export const ANKANG_COMPETITION_ID = 'ankang-2026';

/** The demo periods started four weeks ago, so boards have history, and run about five more weeks. */
export const DEMO_DAYS_BEFORE_TODAY = 27;
export const DEMO_DAYS_AFTER_TODAY = 34;
/** Inclusive length of the demo period; crew targets in the demo org are sized for it. */
export const DEMO_PERIOD_DAYS = DEMO_DAYS_BEFORE_TODAY + 1 + DEMO_DAYS_AFTER_TODAY;

export function demoPeriod(today: string): { start: string; end: string } {
  return { start: addDays(today, -DEMO_DAYS_BEFORE_TODAY), end: addDays(today, DEMO_DAYS_AFTER_TODAY) };
}

/** Serious injury and fatality are the usual 一票否决 triggers in published rules. */
const SERIOUS = ['serious_injury', 'fatality'] as const;

function labourCompetition(period: { start: string; end: string }): CompetitionInput {
  return {
    name: { zh: '"五比一创"劳动竞赛', en: '"Five Comparisons, One Creation" labour competition' },
    kind: 'labour',
    period,
    timeZone: 'Asia/Shanghai',
    participants: { scope: 'all' },
    rankingGroups: ['overall', 'branch', 'unit_type'],
    tieMode: 'competition',
    indicators: [
      {
        // 销量考核到工班: the quantitative core, judged against each crew's own target.
        id: 'volume-target',
        name: { zh: '销量目标完成率', en: 'Sales volume target completion' },
        weight: 1,
        rule: {
          kind: 'target',
          metric: 'sales.volume_litres',
          pointsAtTarget: 40,
          pointsPerPercentOver: 0.5,
          // Bonus capped at half the base score, as the published rules do.
          bonusCap: 20,
        },
      },
      {
        // 0.025 points per 10,000 CNY: a typical shift crew turns over ~7M CNY in the period and earns ~17.
        id: 'sales-amount',
        name: { zh: '销售金额', en: 'Sales amount' },
        weight: 1,
        rule: { kind: 'sum', metric: 'sales.amount_cny', pointsPerUnit: 0.025 / 10_000, perCapita: false, cap: 20 },
      },
      {
        id: 'innovation',
        name: { zh: '"五小"创新', en: '"Five Smalls" innovation' },
        weight: 1,
        rule: {
          kind: 'innovation',
          points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } },
          cap: 30,
        },
      },
      {
        // A contest score of 60-100 earns 6-10 points; a second contest only tops up to the cap.
        id: 'skill-contest',
        name: { zh: '技能比武', en: 'Skill contest' },
        weight: 1,
        rule: { kind: 'sum', metric: 'metric.skill_contest', pointsPerUnit: 0.1, perCapita: false, cap: 10 },
      },
      {
        id: 'violations',
        name: { zh: '"三违"扣分', en: 'Violations (三违) penalty' },
        weight: 1,
        rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, perCapita: false, floor: -20 },
      },
    ],
    vetoes: [
      {
        id: 'serious-incident',
        name: { zh: '重伤及以上事故一票否决', en: 'Serious injury or fatality: disqualified' },
        when: { kind: 'incident', severities: [...SERIOUS], minCount: 1 },
        effect: { kind: 'disqualify' },
      },
    ],
  };
}

function ankangCompetition(period: { start: string; end: string }): CompetitionInput {
  return {
    name: { zh: '安康杯竞赛', en: 'Ankang Cup' },
    kind: 'ankang',
    period,
    timeZone: 'Asia/Shanghai',
    participants: { scope: 'all' },
    rankingGroups: ['overall', 'branch'],
    tieMode: 'competition',
    indicators: [
      {
        // 0.65 points a day: only a crew safe for the whole 62-day period reaches the 40-point cap.
        id: 'safety-days',
        name: { zh: '安全生产天数', en: 'Safe days' },
        weight: 1,
        rule: {
          kind: 'safety_days',
          breakingSeverities: ['minor_injury', 'serious_injury', 'fatality'],
          pointsPerDay: 0.65,
          cap: 40,
        },
      },
      // Hazards: finding and fixing them is what earns points. A crew that reports none gets no
      // rate points (whenNoHazards 'zero'): with 'full' it outranked crews that reported one and
      // were still fixing it (docs/计分说明.md). A hazard left past its deadline costs points.
      {
        id: 'rectification-rate',
        name: { zh: '隐患整改率', en: 'Hazard rectification rate' },
        weight: 1,
        rule: { kind: 'rectification_rate', pointsAtFullRate: 10, whenNoHazards: 'zero' },
      },
      {
        id: 'hazards-found',
        name: { zh: '隐患排查', en: 'Hazards found' },
        weight: 1,
        rule: { kind: 'count', event: 'hazard_found', measure: 'events', pointsEach: 1, perCapita: false, cap: 10 },
      },
      {
        id: 'hazards-rectified',
        name: { zh: '隐患整改', en: 'Hazards rectified' },
        weight: 1,
        rule: { kind: 'count', event: 'hazard_rectified', measure: 'events', pointsEach: 2, perCapita: false, cap: 20 },
      },
      {
        // 限期 7 天整改: each hazard still open after its seventh day costs 3 points.
        id: 'hazards-overdue',
        name: { zh: '隐患超期未整改', en: 'Hazards overdue' },
        weight: 1,
        rule: {
          kind: 'count',
          event: 'hazard_overdue',
          rectifyWithinDays: 7,
          measure: 'events',
          pointsEach: -3,
          perCapita: false,
          floor: -15,
        },
      },
      {
        id: 'near-miss-reports',
        name: { zh: '未遂事件上报', en: 'Near misses reported' },
        weight: 1,
        rule: {
          kind: 'count',
          event: 'incident',
          severities: ['near_miss'],
          measure: 'events',
          pointsEach: 2,
          perCapita: false,
          cap: 10,
        },
      },
      {
        id: 'violations',
        name: { zh: '"三违"扣分', en: 'Violations (三违) penalty' },
        weight: 1,
        rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, perCapita: false, floor: -20 },
      },
      {
        id: 'minor-injuries',
        name: { zh: '轻伤扣分', en: 'Minor injury penalty' },
        weight: 1,
        rule: {
          kind: 'count',
          event: 'incident',
          severities: ['minor_injury'],
          measure: 'events',
          pointsEach: -10,
          perCapita: false,
          floor: -20,
        },
      },
    ],
    vetoes: [
      {
        id: 'serious-incident-safety-days',
        name: { zh: '重伤及以上事故安全天数清零', en: 'Serious injury or fatality: safe days score zeroed' },
        when: { kind: 'incident', severities: [...SERIOUS], minCount: 1 },
        effect: { kind: 'zero_indicator', indicatorId: 'safety-days' },
      },
      {
        id: 'fatality',
        name: { zh: '死亡事故一票否决', en: 'Fatality: disqualified' },
        when: { kind: 'incident', severities: ['fatality'], minCount: 1 },
        effect: { kind: 'disqualify' },
      },
    ],
  };
}

/** The two demo competitions; both periods contain `today` (YYYY-MM-DD in Asia/Shanghai). */
export function buildDemoCompetitions(today: string): Array<{ id: string; definition: CompetitionInput }> {
  const period = demoPeriod(today);
  return [
    { id: LABOUR_COMPETITION_ID, definition: labourCompetition(period) },
    { id: ANKANG_COMPETITION_ID, definition: ankangCompetition(period) },
  ];
}
