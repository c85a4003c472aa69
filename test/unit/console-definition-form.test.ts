import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import {
  RULE_KINDS,
  definitionToForm,
  formPathOf,
  formToDefinition,
  freshId,
  parseApiPath,
  ruleToDefinition,
  ruleToForm,
  type CompetitionForm,
  type RuleForm,
} from '../../services/console/web/model/definition-form.ts';
import { TEMPLATES, calendarStages, monthOf, periodDays } from '../../services/console/web/model/templates.ts';

type RuleInput = CompetitionInput['indicators'][number]['rule'];

const base: CompetitionInput = {
  name: { zh: '测试', en: 'Test' },
  kind: 'labour',
  period: { start: '2026-03-01', end: '2026-03-31' },
  indicators: [{ id: 'a', name: { zh: '甲', en: 'A' }, rule: { kind: 'sum', metric: 'metric.x', pointsPerUnit: 1 } }],
};

const withRule = (rule: RuleInput): CompetitionInput => ({
  ...base,
  indicators: [{ id: 'r', name: { zh: '规则', en: 'Rule' }, weight: 2, rule }],
});

/** What the API stores (defaults applied), for comparing two definitions. */
const parsed = (d: unknown) => Competition.parse(d);

// Every rule kind, bare (defaults left to the API) and with every option set.
const RULES: [string, RuleInput][] = [
  ['sum, bare', { kind: 'sum', metric: 'sales.amount_cny', pointsPerUnit: 0.001 }],
  [
    'sum, per head with cap and floor, generic metric',
    { kind: 'sum', metric: 'metric.skill_contest', pointsPerUnit: 0.1, perCapita: true, cap: 10, floor: -2 },
  ],
  ['target, bare', { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40 }],
  [
    'target with bonus and cap',
    { kind: 'target', metric: 'sales.volume_tonnes', pointsAtTarget: 40, pointsPerPercentOver: 0.5, bonusCap: 20 },
  ],
  [
    'target, returns cost points (allowNegative)',
    { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40, allowNegative: true },
  ],
  [
    'count of violations by person',
    { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, floor: -20 },
  ],
  [
    'count of some violation kinds',
    { kind: 'count', event: 'violation', violationKinds: ['command', 'operation'], pointsEach: -3 },
  ],
  [
    'count of minor injuries',
    { kind: 'count', event: 'incident', severities: ['minor_injury'], pointsEach: -10, perCapita: true, cap: 0 },
  ],
  ['count of hazards found', { kind: 'count', event: 'hazard_found', pointsEach: 1, cap: 15 }],
  ['count of hazards rectified', { kind: 'count', event: 'hazard_rectified', pointsEach: 1 }],
  [
    'count of hazards overdue',
    { kind: 'count', event: 'hazard_overdue', rectifyWithinDays: 7, pointsEach: -3, floor: -15 },
  ],
  ['safety days, bare', { kind: 'safety_days', pointsPerDay: 1 }],
  [
    'safety days with severities and cap',
    { kind: 'safety_days', breakingSeverities: ['fatality'], pointsPerDay: 0.5, cap: 30 },
  ],
  ['innovation, all categories', { kind: 'innovation', points: { awarded: { 1: 20, 2: 10, 3: 5 } } }],
  [
    'innovation, some categories with cap',
    {
      kind: 'innovation',
      categories: ['suggestion'],
      points: { submitted: 1, adopted: 3, awarded: { 1: 10, 2: 6, 3: 3 } },
      cap: 30,
    },
  ],
  ['rectification rate', { kind: 'rectification_rate', pointsAtFullRate: 25 }],
  [
    'rectification rate, zero without hazards',
    { kind: 'rectification_rate', pointsAtFullRate: 25, whenNoHazards: 'zero' },
  ],
];

describe('rules: form ↔ definition', () => {
  it('covers every rule kind the schema has', () => {
    const kinds = new Set(RULES.map(([, rule]) => rule.kind));
    expect([...kinds].sort()).toEqual([...RULE_KINDS].sort());
    expect(RULE_KINDS).toEqual(
      expect.arrayContaining(Competition.shape.indicators.element.shape.rule.options.map((o) => o.shape.kind.value)),
    );
  });

  it.each(RULES)('%s: the form gives back the same definition', (_name, rule) => {
    const definition = withRule(rule);
    const back = formToDefinition(definitionToForm(definition));
    expect(parsed(back)).toEqual(parsed(definition));
  });

  it('drops the fields of another kind when a rule’s kind is switched', () => {
    const form: RuleForm = {
      ...ruleToForm({ kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 40, bonusCap: 20 }),
    };
    const switched = ruleToDefinition({ ...form, kind: 'safety_days', pointsPerDay: 1 });
    expect(switched).toEqual({
      kind: 'safety_days',
      breakingSeverities: ['minor_injury', 'serious_injury', 'fatality'],
      pointsPerDay: 1,
    });
    // Severities typed for an incident count are not sent once the event is a violation.
    const count = ruleToDefinition({ kind: 'count', event: 'violation', severities: ['fatality'], pointsEach: -5 });
    expect(count).not.toHaveProperty('severities');
  });

  it('sends a blank required number so the API names its field, and that field gets the message', () => {
    const definition = formToDefinition({
      ...definitionToForm(withRule({ kind: 'count', event: 'violation', pointsEach: -5 })),
    });
    const form = definitionToForm(withRule({ kind: 'count', event: 'violation', pointsEach: -5 }));
    const [indicator] = form.indicators;
    if (indicator) indicator.rule.pointsEach = null;
    const broken = JSON.parse(JSON.stringify(formToDefinition(form)));
    const result = Competition.safeParse(broken);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) =>
      i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .slice(1)
        .replace('.[', '['),
    );
    expect(paths).toEqual(['indicators[0].rule.pointsEach']);
    expect(formPathOf('indicators[0].rule.pointsEach', form)).toEqual(['indicators', 0, 'rule', 'pointsEach']);
    expect(Competition.safeParse(definition).success).toBe(true);
  });
});

describe('the rest of a definition: form ↔ definition', () => {
  const full: CompetitionInput = {
    name: { zh: '全量', en: 'Everything' },
    kind: 'ankang',
    period: { start: '2026-01-01', end: '2026-06-30' },
    stages: calendarStages({ start: '2026-01-01', end: '2026-06-30' }, 'quarter'),
    weightTotal: 3,
    timeZone: 'Asia/Hong_Kong',
    noticeWorkingDays: 7,
    participants: { scope: 'selected', branchIds: ['B1'], unitIds: ['U3'], crewIds: ['C9'] },
    rankingGroups: ['overall', 'unit_type'],
    tieMode: 'dense',
    indicators: [
      { id: 'a', name: { zh: '甲', en: 'A' }, weight: 2, rule: { kind: 'safety_days', pointsPerDay: 1 } },
      { id: 'b', name: { zh: '乙', en: '乙' }, rule: { kind: 'rectification_rate', pointsAtFullRate: 20 } },
    ],
    vetoes: [
      {
        id: 'v1',
        name: { zh: '重伤', en: 'Injury' },
        when: { kind: 'incident', severities: ['serious_injury'], minCount: 2 },
        effect: { kind: 'zero_indicator', indicatorId: 'a' },
      },
      {
        id: 'v2',
        name: { zh: '三违', en: 'Violations' },
        when: { kind: 'violations', minPersons: 3 },
        effect: { kind: 'disqualify' },
      },
    ],
  };

  it('keeps names, period, stages, participants, groups, tie mode, weights and vetoes', () => {
    expect(parsed(formToDefinition(definitionToForm(full)))).toEqual(parsed(full));
  });

  it('keeps the 公示 length, shows the default 5 working days when a definition leaves it out, and puts its API error on its field', () => {
    expect(definitionToForm(full).noticeWorkingDays).toBe(7);
    const withoutNotice: CompetitionInput = { ...full };
    delete withoutNotice.noticeWorkingDays;
    expect(definitionToForm(withoutNotice).noticeWorkingDays).toBe(5);
    expect(formToDefinition(definitionToForm(withoutNotice)).noticeWorkingDays).toBe(5);
    expect(formPathOf('noticeWorkingDays', definitionToForm(full))).toEqual(['noticeWorkingDays']);
  });

  it('leaves the English name blank in the form when it repeats the Chinese one, and fills it back in', () => {
    const form = definitionToForm(full);
    expect(form.indicators[1]?.name).toEqual({ zh: '乙', en: '' });
    form.name = { zh: '只写中文', en: '  ' };
    expect(formToDefinition(form).name).toEqual({ zh: '只写中文', en: '只写中文' });
  });

  it('always ranks overall, and the all-crews scope drops any selection left in the form', () => {
    const form: CompetitionForm = { ...definitionToForm(full), extraGroups: [] };
    form.participants = { ...form.participants, scope: 'all' };
    const definition = formToDefinition(form);
    expect(definition.rankingGroups).toEqual(['overall']);
    expect(definition.participants).toEqual({ scope: 'all' });
  });
});

describe('templates', () => {
  const march = monthOf('2026-03-17');

  it.each(TEMPLATES.map((t) => [t.key, t] as const))(
    '%s is a valid definition that the form keeps as it is',
    (_key, template) => {
      const definition = template.build(march);
      const result = Competition.safeParse(definition);
      expect(result.error?.issues ?? []).toEqual([]);
      expect(parsed(formToDefinition(definitionToForm(definition)))).toEqual(parsed(definition));
    },
  );

  it('gives the Ankang Cup its safe days, hazards, rectification, 三违 deductions and the serious-injury veto', () => {
    const ankang = Competition.parse(TEMPLATES.find((t) => t.key === 'ankang')?.build(march));
    expect(ankang.kind).toBe('ankang');
    expect(ankang.indicators.map((i) => i.rule.kind)).toEqual([
      'safety_days',
      'count',
      'count',
      'rectification_rate',
      'count',
      'count',
    ]);
    // 40 points for a whole month without an accident.
    const safe = ankang.indicators[0]?.rule;
    expect(
      safe?.kind === 'safety_days' && Math.min(safe.cap ?? Infinity, safe.pointsPerDay * periodDays(march)),
    ).toBeCloseTo(40, 0);
    expect(ankang.vetoes).toEqual([
      expect.objectContaining({
        when: expect.objectContaining({ severities: ['serious_injury', 'fatality'] }),
        effect: { kind: 'disqualify' },
      }),
    ]);
  });

  it('weights the skills contest 30/70 so its weights add up to its weightTotal', () => {
    const skills = Competition.parse(TEMPLATES.find((t) => t.key === 'skills')?.build(march));
    expect(skills.indicators.map((i) => i.weight)).toEqual([0.3, 0.7]);
    expect(skills.indicators.every((i) => i.rule.kind === 'sum' && i.rule.metric.startsWith('metric.'))).toBe(true);
  });
});

describe('calendar helpers', () => {
  it('finds the month of a day, leap years included', () => {
    expect(monthOf('2028-02-10')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(monthOf('2026-12-31')).toEqual({ start: '2026-12-01', end: '2026-12-31' });
  });

  it('cuts a period into months or quarters, clipped to the period', () => {
    expect(calendarStages({ start: '2026-11-15', end: '2027-01-10' }, 'month')).toEqual([
      { id: '2026-11', name: { zh: '2026年11月', en: 'Nov 2026' }, start: '2026-11-15', end: '2026-11-30' },
      { id: '2026-12', name: { zh: '2026年12月', en: 'Dec 2026' }, start: '2026-12-01', end: '2026-12-31' },
      { id: '2027-01', name: { zh: '2027年1月', en: 'Jan 2027' }, start: '2027-01-01', end: '2027-01-10' },
    ]);
    expect(
      calendarStages({ start: '2026-02-01', end: '2026-09-30' }, 'quarter').map((s) => [s.id, s.start, s.end]),
    ).toEqual([
      ['2026-q1', '2026-02-01', '2026-03-31'],
      ['2026-q2', '2026-04-01', '2026-06-30'],
      ['2026-q3', '2026-07-01', '2026-09-30'],
    ]);
  });

  it('makes fresh ids that are not taken', () => {
    expect(freshId('i', ['i1', 'i2', 'x'])).toBe('i3');
  });
});

describe('where the API’s problems go on the form', () => {
  const form = definitionToForm({
    ...base,
    stages: [{ id: 's1', name: { zh: '一', en: 'One' }, start: '2026-03-01', end: '2026-03-10' }],
    indicators: [
      { id: 'a', name: { zh: '甲', en: 'A' }, rule: { kind: 'sum', metric: 'metric.x', pointsPerUnit: 1 } },
      {
        id: 'b',
        name: { zh: '乙', en: 'B' },
        rule: { kind: 'target', metric: 'sales.volume_litres', pointsAtTarget: 1 },
      },
      { id: 'c', name: { zh: '丙', en: 'C' }, rule: { kind: 'innovation', points: { awarded: { 1: 3, 2: 2, 3: 1 } } } },
    ],
    vetoes: [
      {
        id: 'v',
        name: { zh: '否决', en: 'Veto' },
        when: { kind: 'violations', minPersons: 1 },
        effect: { kind: 'zero_indicator', indicatorId: 'a' },
      },
    ],
  });

  it.each([
    ['name.en', ['name', 'en']],
    ['period.end', ['period']],
    ['stages[0]', ['stages', 0, 'dates']],
    ['stages[0].end', ['stages', 0, 'dates']],
    ['stages[0].name.zh', ['stages', 0, 'name', 'zh']],
    ['participants.branchIds[0]', ['participants']],
    ['rankingGroups', ['extraGroups']],
    ['indicators[0].rule.metric', ['indicators', 0, 'rule', 'metricName']],
    ['indicators[1].rule.metric', ['indicators', 1, 'rule', 'metric']],
    ['indicators[1].rule.cap', ['indicators', 1, 'rule', 'cap']],
    ['indicators[2].rule.points.awarded.2', ['indicators', 2, 'rule', 'award2']],
    ['indicators[2].weight', ['indicators', 2, 'weight']],
    ['indicators[1].id', ['indicators', 1, 'name', 'zh']],
    ['vetoes[0].when.minPersons', ['vetoes', 0, 'minPersons']],
    ['vetoes[0].effect.indicatorId', ['vetoes', 0, 'indicatorId']],
  ] as const)('%s → %j', (path, field) => {
    expect(formPathOf(path, form)).toEqual(field);
  });

  it('keeps problems of the whole list (weights that do not add up) for above the form', () => {
    expect(formPathOf('indicators', form)).toBeNull();
    expect(formPathOf('(root)', form)).toBeNull();
  });

  it('reads the API’s path format', () => {
    expect(parseApiPath('indicators[10].rule.points.awarded.1')).toEqual([
      'indicators',
      10,
      'rule',
      'points',
      'awarded',
      '1',
    ]);
  });
});
