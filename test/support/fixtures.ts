import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { OrgInput } from '../../schemas/org.schema.ts';
import type { FactSummary } from '../../services/scoring/engine/fact-summary.ts';

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

/** March 2026, one indicator (sales against smallOrg's targets, when named labour-m3), one ranking. */
export const salesTargetCompetition: CompetitionInput = {
  name: { zh: '销量竞赛', en: 'Sales' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  rankingGroups: ['overall'],
  indicators: [
    {
      id: 'volume',
      name: { zh: '销量完成率', en: 'Volume vs target' },
      rule: { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40, pointsPerPercentOver: 0.5 },
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

/** March 2026's hazard hunt: 2 points a hazard found, counted once a unit and then a branch approve it. */
export const hazardHuntCompetition: CompetitionInput = {
  name: { zh: '安康杯隐患排查', en: 'Hazard hunt' },
  kind: 'ankang',
  period: { start: '2026-03-01', end: '2026-03-31' },
  indicators: [
    {
      id: 'found',
      name: { zh: '发现隐患', en: 'Found' },
      rule: { kind: 'count', event: 'hazard_found', pointsEach: 2 },
    },
  ],
  review: [{ type: 'hazard_found', levels: ['单位安全员', '分公司工会'] }],
};

export const marchAt = (day: string, time = '10:00:00') => `2026-03-${day}T${time}+08:00`;
/** Events of March 2026 for smallOrg; test/integration/standings-end-to-end.test.ts works out their standings. */
export const marchEvents = [
  // C1: 6,000 L + 5,000 L (today) of a 10,000 L target; innovation I1 submitted then adopted.
  { eventId: 'c1-s1', crewId: 'C1', type: 'sales', occurredAt: marchAt('02'), volume: 6000, unit: 'litres' },
  {
    eventId: 'c1-s2',
    crewId: 'C1',
    type: 'sales',
    occurredAt: marchAt('10', '08:00:00'),
    volume: 5000,
    unit: 'litres',
  },
  {
    eventId: 'c1-i1a',
    crewId: 'C1',
    type: 'innovation',
    occurredAt: marchAt('03'),
    innovationId: 'I1',
    category: 'renovation',
    status: 'submitted',
  },
  {
    eventId: 'c1-i1b',
    crewId: 'C1',
    type: 'innovation',
    occurredAt: marchAt('08'),
    innovationId: 'I1',
    category: 'renovation',
    status: 'adopted',
  },
  { eventId: 'c1-h1', crewId: 'C1', type: 'hazard_found', occurredAt: marchAt('02'), hazardId: 'H1' },
  { eventId: 'c1-h1r', crewId: 'C1', type: 'hazard_rectified', occurredAt: marchAt('04'), hazardId: 'H1' },
  { eventId: 'c1-h2', crewId: 'C1', type: 'hazard_found', occurredAt: marchAt('06'), hazardId: 'H2' },
  // C2: exactly on target; 二等奖; 三违 with 2 persons; a minor injury on the 3rd.
  {
    eventId: 'c2-s1',
    crewId: 'C2',
    type: 'sales',
    occurredAt: marchAt('05'),
    volume: 10000,
    unit: 'litres',
    amountCny: 78000,
  },
  {
    eventId: 'c2-i2',
    crewId: 'C2',
    type: 'innovation',
    occurredAt: marchAt('06'),
    innovationId: 'I2',
    category: 'invention',
    status: 'awarded',
    awardLevel: 2,
  },
  { eventId: 'c2-v1', crewId: 'C2', type: 'violation', occurredAt: marchAt('07'), kind: 'operation', personCount: 2 },
  { eventId: 'c2-x1', crewId: 'C2', type: 'incident', occurredAt: marchAt('03'), severity: 'minor_injury' },
  // C3: 150 % of a 20,000 L target; 三违 2 persons; one hazard found and rectified.
  { eventId: 'c3-s1', crewId: 'C3', type: 'sales', occurredAt: marchAt('04'), volume: 30000, unit: 'litres' },
  { eventId: 'c3-v1', crewId: 'C3', type: 'violation', occurredAt: marchAt('05'), kind: 'discipline', personCount: 2 },
  { eventId: 'c3-h3', crewId: 'C3', type: 'hazard_found', occurredAt: marchAt('05'), hazardId: 'H3' },
  { eventId: 'c3-h3r', crewId: 'C3', type: 'hazard_rectified', occurredAt: marchAt('06'), hazardId: 'H3' },
  // C4: half its target, and a serious injury on the 8th.
  { eventId: 'c4-s1', crewId: 'C4', type: 'sales', occurredAt: marchAt('03'), volume: 4000, unit: 'litres' },
  { eventId: 'c4-x1', crewId: 'C4', type: 'incident', occurredAt: marchAt('08'), severity: 'serious_injury' },
  // C5: no target; one innovation submitted; a near miss (does not break safe days); an open hazard.
  { eventId: 'c5-s1', crewId: 'C5', type: 'sales', occurredAt: marchAt('05'), volume: 5000, unit: 'litres' },
  {
    eventId: 'c5-i5',
    crewId: 'C5',
    type: 'innovation',
    occurredAt: marchAt('09'),
    innovationId: 'I5',
    category: 'suggestion',
    status: 'submitted',
  },
  { eventId: 'c5-x1', crewId: 'C5', type: 'incident', occurredAt: marchAt('05'), severity: 'near_miss' },
  { eventId: 'c5-h5', crewId: 'C5', type: 'hazard_found', occurredAt: marchAt('09'), hazardId: 'H5' },
];

/** The labour standings of marchEvents as of 2026-03-10: [crewId, rank, score]. */
export const marchLabourStandings = [
  ['C1', 1, 48],
  ['C2', 2, 40],
  ['C3', 2, 40],
  ['C5', 4, 1],
  ['C4', null, 0],
];

/** A sale of `volume` litres one person made on a day (09:00 in Shanghai), for person-level competitions. */
export const personSale = (eventId: string, personId: string, crewId: string, day: string, volume: number) => ({
  eventId,
  crewId,
  personId,
  type: 'sales',
  occurredAt: `${day}T09:00:00+08:00`,
  volume,
  unit: 'litres',
});

/** The fact summary of a crew with nothing to show: no safe days, hazards, 三违 or targets. */
export const noFacts = (): FactSummary => ({
  safetyDays: 0,
  hazardsFound: 0,
  hazardsRectified: 0,
  rectificationRate: null,
  violationPersons: 0,
  violationEvents: 0,
  targets: [],
});
