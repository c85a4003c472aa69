import { describe, expect, it } from 'vitest';
import { Competition, type CompetitionInput } from '../../schemas/competition.schema.ts';
import { zodIssuesToFieldErrors } from '../../services/shared/errors.ts';
import {
  definitionToForm,
  formPathOf,
  formToDefinition,
  type CompetitionForm,
} from '../../services/console/web/model/definition-form.ts';
import {
  inspectionEvent,
  inspectionFieldOf,
  offsetOn,
  sheetItemChoices,
} from '../../services/console/web/model/inspection-form.ts';
import { parseSteps, sheetTotals } from '../../services/console/web/model/sheet-form.ts';
import { MetricEventSchema } from '../../schemas/event.schema.ts';

const n = (zh: string) => ({ zh, en: zh });

/** The 安康杯 unit sheet's shape (bdocx doc 5565083), cut to what exercises every form field. */
const ankang: CompetitionInput = {
  name: n('安康杯单位考核'),
  kind: 'ankang',
  period: { start: '2026-01-01', end: '2026-12-31' },
  entrants: 'unit',
  indicators: [{ id: 'days', name: n('安全天数'), rule: { kind: 'safety_days', pointsPerDay: 0.1, cap: 13 } }],
  sheet: {
    categories: [
      {
        id: 'lead',
        name: n('组织领导'),
        maxPoints: 12,
        items: [
          { id: 'plan', name: n('实施方案'), maxPoints: 4, deduction: { kind: 'per_finding', points: 1 } },
          { id: 'ledger', name: n('台账'), maxPoints: 8, deduction: { kind: 'fixed', points: 3 } },
        ],
      },
      {
        id: 'safety',
        name: n('安全管理'),
        maxPoints: 35,
        items: [
          { id: 'repeat', name: n('隐患整改'), maxPoints: 10, deduction: { kind: 'escalating', steps: [1, 3, 5] } },
          {
            id: 'sanwei',
            name: n('三违'),
            maxPoints: 15,
            deduction: { kind: 'per_finding', points: 5 },
            counts: { event: 'violation', violationKinds: ['operation'], measure: 'persons' },
          },
          {
            id: 'minor',
            name: n('轻伤'),
            maxPoints: 10,
            deduction: { kind: 'per_finding', points: 10 },
            counts: { event: 'incident', severities: ['minor_injury'] },
          },
        ],
      },
      { id: 'mass', name: n('群众监督'), maxPoints: 13, indicatorIds: ['days'] },
    ],
    bonus: { cap: 4, items: [{ id: 'honour', name: n('上级表彰'), maxPoints: 2, pointsEach: 1 }] },
    vetoItems: [{ id: 'no-activity', name: n('未开展竞赛活动') }],
  },
  gates: [
    {
      id: 'safe',
      name: n('无重伤及以上事故'),
      rule: { kind: 'no_incident', severities: ['serious_injury', 'fatality'] },
    },
    { id: 'total', name: n('总分≥80'), rule: { kind: 'min_total', points: 80 } },
    { id: 'rate', name: n('各类别≥80%'), rule: { kind: 'min_category_rate', percent: 80 } },
    { id: 'clean', name: n('零三违'), rule: { kind: 'no_violations' } },
  ],
  grades: {
    kind: 'thresholds',
    levels: [
      { id: 'advanced', name: n('先进单位'), minTotal: 98 },
      { id: 'winner', name: n('优胜单位'), minTotal: 95 },
    ],
    otherwise: { id: 'otherwise', name: n('未达标') },
  },
};

const stored = (d: unknown) => Competition.parse(d);
const at = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('not in the fixture');
  return value;
};

describe('the sheet part of the competition editor', () => {
  it('gives back the definition it was given (sheet, bonus, veto items, gates, grades, entrants)', () => {
    expect(stored(formToDefinition(definitionToForm(ankang)))).toEqual(stored(ankang));
    const others: NonNullable<CompetitionInput['grades']>[] = [
      {
        kind: 'places',
        levels: [
          { id: 'g1', name: n('一等奖'), count: 3 },
          { id: 'g2', name: n('二等奖'), count: 5 },
        ],
      },
      { kind: 'share', levels: [{ id: 's', name: n('前10%'), percent: 10 }] },
    ];
    for (const grades of others) {
      const d = { ...ankang, grades };
      expect(stored(formToDefinition(definitionToForm(d)))).toEqual(stored(d));
    }
    const plain: CompetitionInput = { ...ankang, sheet: undefined, gates: [], grades: undefined, entrants: 'person' };
    const back = formToDefinition(definitionToForm(plain));
    expect(back.sheet).toBeUndefined();
    expect(back.grades).toBeUndefined();
    expect(back.entrants).toBe('person');
  });

  it('adds the categories up as they are typed', () => {
    const form = definitionToForm(ankang);
    expect(sheetTotals(form.sheet)).toEqual({ categories: 60, bonusCap: 4 });
    expect(parseSteps('1, 3，5 → 8')).toEqual([1, 3, 5, 8]);
    expect(parseSteps('1, x')).toEqual([1, NaN]);
  });

  it('puts every problem the API finds in a sheet, its gates and grades on a field of the form', () => {
    const form: CompetitionForm = definitionToForm(ankang);
    const lead = form.sheet.categories[0];
    const safety = form.sheet.categories[1];
    if (!lead || !safety) throw new Error('fixture');
    lead.maxPoints = null;
    lead.items[0] = { ...at(lead.items[0]), maxPoints: -1 };
    lead.items[1] = { ...at(lead.items[1]), id: 'plan', deduction: { points: 2 } };
    safety.items[0] = { ...at(safety.items[0]), deduction: { kind: 'escalating', steps: '1, x' } };
    safety.items[2] = { ...at(safety.items[2]), severities: [] };
    form.sheet.categories[2] = { ...at(form.sheet.categories[2]), indicatorIds: ['nope'] };
    form.sheet.bonusCap = null;
    form.sheet.bonusItems[0] = { ...at(form.sheet.bonusItems[0]), pointsEach: -1 };
    form.sheet.vetoItems[0] = { id: 'honour', name: { zh: '未开展' } };
    form.gates[1] = { ...at(form.gates[1]), points: null };
    form.gates[2] = { ...at(form.gates[2]), percent: 120 };
    form.grades.levels[1] = { ...at(form.grades.levels[1]), value: 99 };
    const result = Competition.safeParse(formToDefinition(form));
    expect(result.success).toBe(false);
    const problems = zodIssuesToFieldErrors(result.error?.issues ?? []);
    const placed = problems.map((p) => [p.path, formPathOf(p.path, form)?.join('.') ?? null]);
    expect(placed).toEqual(
      expect.arrayContaining([
        ['sheet.categories[0].maxPoints', 'sheet.categories.0.maxPoints'],
        ['sheet.categories[0].items[0].maxPoints', 'sheet.categories.0.items.0.maxPoints'],
        ['sheet.categories[0].items[1].deduction.kind', 'sheet.categories.0.items.1.deduction.kind'],
        ['sheet.categories[0].items[1].id', 'sheet.categories.0.items.1.name.zh'],
        ['sheet.categories[1].items[0].deduction.steps[1]', 'sheet.categories.1.items.0.deduction.steps'],
        ['sheet.categories[1].items[2].counts.severities', 'sheet.categories.1.items.2.severities'],
        ['sheet.categories[2].indicatorIds[0]', 'sheet.categories.2.indicatorIds'],
        ['sheet.bonus.cap', 'sheet.bonusCap'],
        ['sheet.bonus.items[0].pointsEach', 'sheet.bonusItems.0.pointsEach'],
        ['sheet.vetoItems[0].id', 'sheet.vetoItems.0.name.zh'],
        ['gates[1].rule.points', 'gates.1.points'],
        ['gates[2].rule.percent', 'gates.2.percent'],
        ['grades.levels[1].minTotal', 'grades.levels.1.value'],
      ]),
    );
    // Every one of them at once, and each on a field (the indicator left out of every category too).
    const unplaced = placed.filter(([, field]) => field === null).map(([path]) => path);
    expect(unplaced).toEqual(['sheet.categories']);
  });

  it('puts a blank name on its field', () => {
    const form: CompetitionForm = definitionToForm(ankang);
    at(at(form.sheet.categories[0]).items[0]).name = { zh: '' };
    form.sheet.vetoItems[0] = { id: 'v', name: { zh: ' ' } };
    at(form.grades.levels[0]).name = { zh: '' };
    at(form.gates[0]).name = { zh: '' };
    const result = Competition.safeParse(formToDefinition(form));
    const fields = zodIssuesToFieldErrors(result.error?.issues ?? []).map((p) => formPathOf(p.path, form)?.join('.'));
    expect(new Set(fields)).toEqual(
      new Set([
        'sheet.categories.0.items.0.name.zh',
        'sheet.vetoItems.0.name.zh',
        'grades.levels.0.name.zh',
        'gates.0.name.zh',
      ]),
    );
  });
});

describe('the inspection entry form', () => {
  it('lists the items of the sheet by category, then the bonus and veto items', () => {
    const groups = sheetItemChoices(ankang.sheet);
    expect(groups.map((g) => [g.group, g.options.map((o) => o.value)])).toEqual([
      ['组织领导（12 分）', ['plan', 'ledger']],
      ['安全管理（35 分）', ['repeat', 'sanwei', 'minor']],
      ['鼓励项（最多加 4 分）', ['honour']],
      ['否决项（一票否决）', ['no-activity']],
    ]);
  });

  it('sends an assessment event the API takes, dated at noon of the day in the competition’s zone', () => {
    const event = inspectionEvent(
      {
        entrant: 'p1',
        itemId: 'sanwei',
        mode: 'findings',
        value: 2,
        inspector: '王检查',
        date: '2026-03-10',
        note: ' 现场 ',
      },
      {
        person: true,
        crewOf: () => 'crew-1',
        eventId: 'inspection-1',
        timeZone: 'Asia/Shanghai',
        now: new Date('2026-03-11T00:00:00Z'),
      },
    );
    expect(event).toEqual({
      type: 'assessment',
      eventId: 'inspection-1',
      crewId: 'crew-1',
      personId: 'p1',
      occurredAt: '2026-03-10T12:00:00+08:00',
      itemId: 'sanwei',
      findings: 2,
      inspector: '王检查',
      note: '现场',
    });
    expect(MetricEventSchema.safeParse(event).success).toBe(true);
    // Today before noon: now, not a time ahead the API would refuse.
    const early = new Date('2026-03-10T02:00:00Z');
    const today = inspectionEvent(
      { entrant: 'c', itemId: 'i', mode: 'points', value: 1, inspector: 'x', date: '2026-03-10' },
      { person: false, crewOf: () => undefined, eventId: 'e', timeZone: 'Asia/Shanghai', now: early },
    );
    expect(today).toMatchObject({ occurredAt: '2026-03-10T02:00:00.000Z', crewId: 'c', points: 1 });
    expect(offsetOn('2026-07-01', 'Europe/Berlin')).toBe('+02:00');
    expect(offsetOn('2026-01-01', 'Europe/Berlin')).toBe('+01:00');
  });

  it('leaves blanks for the API to name, each on its field', () => {
    const event = inspectionEvent({ mode: 'points' }, { person: false, crewOf: () => undefined, eventId: 'e' });
    const result = MetricEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
    const fields = zodIssuesToFieldErrors(result.error?.issues ?? []).map((p) => inspectionFieldOf(p.path));
    expect(new Set(fields)).toEqual(new Set(['entrant', 'date', 'itemId', 'value', 'inspector']));
  });
});
