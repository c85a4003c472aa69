import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { OrgInput } from '../../schemas/org.schema.ts';

/**
 * A small registry: two branches, three units, five crews.
 *   B1 杭州: U1 station (C1 hc 4, C2 hc 5), U2 depot (C3 hc 8)
 *   B2 宁波: U3 station (C4 hc 4, C5 hc 10)
 */
export const smallOrg: OrgInput = {
  groupName: '测试集团',
  branches: [
    { id: 'B1', name: '杭州分公司', nameEn: 'Hangzhou' },
    { id: 'B2', name: '宁波分公司', nameEn: 'Ningbo' },
  ],
  units: [
    { id: 'U1', branchId: 'B1', name: '西湖加油站', type: 'station' },
    { id: 'U2', branchId: 'B1', name: '半山油库', type: 'depot' },
    { id: 'U3', branchId: 'B2', name: '北仑加油站', type: 'station' },
  ],
  crews: [
    { id: 'C1', unitId: 'U1', name: '西湖甲班', headcount: 4 },
    { id: 'C2', unitId: 'U1', name: '西湖乙班', headcount: 5 },
    { id: 'C3', unitId: 'U2', name: '半山甲班', headcount: 8 },
    { id: 'C4', unitId: 'U3', name: '北仑甲班', headcount: 4 },
    { id: 'C5', unitId: 'U3', name: '北仑乙班', headcount: 10 },
  ],
  targets: [
    { competitionId: 'labour-m3', crewId: 'C1', metric: 'sales.volume_litres', value: 10_000 },
    { competitionId: 'labour-m3', crewId: 'C2', metric: 'sales.volume_litres', value: 10_000 },
    { competitionId: 'labour-m3', crewId: 'C3', metric: 'sales.volume_litres', value: 20_000 },
    { competitionId: 'labour-m3', crewId: 'C4', metric: 'sales.volume_litres', value: 8_000 },
    // C5 has no target: its completion cannot be measured and scores 0.
  ],
};

/** March 2026, Beijing time. */
export const labourCompetition: CompetitionInput = {
  name: { zh: '三月劳动竞赛', en: 'March labour competition' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  rankingGroups: ['overall', 'branch', 'unit_type'],
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量完成率', en: 'Volume vs target' },
      rule: {
        kind: 'target',
        metric: 'sales.volume_litres',
        pointsAtTarget: 40,
        pointsPerPercentOver: 0.5,
        bonusCap: 10,
      },
    },
    {
      id: 'innovation',
      name: { zh: '五小创新', en: 'Innovation' },
      rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } },
    },
    {
      id: 'violations',
      name: { zh: '三违扣分', en: 'Violations' },
      rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, floor: -20 },
    },
  ],
  vetoes: [
    {
      id: 'serious-accident',
      name: { zh: '重大事故一票否决', en: 'Serious accident veto' },
      when: { kind: 'incident', severities: ['serious_injury', 'fatality'] },
      effect: { kind: 'disqualify' },
    },
  ],
};

export const ankangCompetition: CompetitionInput = {
  name: { zh: '安康杯（三月）', en: 'Ankang Cup (March)' },
  kind: 'ankang',
  period: { start: '2026-03-01', end: '2026-03-31' },
  rankingGroups: ['overall', 'branch'],
  tieMode: 'dense',
  indicators: [
    {
      id: 'safety-days',
      name: { zh: '安全生产天数', en: 'Safe days' },
      rule: {
        kind: 'safety_days',
        breakingSeverities: ['minor_injury', 'serious_injury', 'fatality'],
        pointsPerDay: 1,
        cap: 30,
      },
    },
    {
      id: 'rectification',
      name: { zh: '隐患整改率', en: 'Hazard rectification rate' },
      rule: { kind: 'rectification_rate', pointsAtFullRate: 20 },
    },
  ],
  vetoes: [
    {
      id: 'injury-zeroes-safety',
      name: { zh: '重伤否决安全分', en: 'Serious injury zeroes safe days' },
      when: { kind: 'incident', severities: ['serious_injury'] },
      effect: { kind: 'zero_indicator', indicatorId: 'safety-days' },
    },
  ],
};
