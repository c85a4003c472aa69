import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Org } from '../../schemas/org.schema.ts';
import { planOrgImport, type OrgImportOptions } from '../../services/registry/plan-org-import.ts';
import { smallOrg } from '../support/fixtures.ts';

const current = Org.parse(smallOrg);
const example = (name: string) => readFileSync(new URL(`../../schemas/examples/${name}`, import.meta.url));

const ROSTER_HEADER = '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数';
const TARGETS_HEADER = '竞赛编号,班组编号,指标,目标值';
const roster = (...rows: string[]) => [ROSTER_HEADER, ...rows].join('\r\n');
const targets = (...rows: string[]) => [TARGETS_HEADER, ...rows].join('\r\n');

/** smallOrg's rows as a roster would repeat them. */
const C1 = 'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖甲班,4';
const C3 = 'B1,杭州分公司,U2,半山油库,油库,C3,半山甲班,8';
const C4 = 'B2,宁波分公司,U3,北仑加油站,加油站,C4,北仑甲班,4';

const counts = (created: number, updated: number, unchanged: number) => ({ created, updated, unchanged });
const none = counts(0, 0, 0);

describe('planOrgImport: the example files', () => {
  it('imports the example roster into smallOrg: B3 with its unit and crews new, C2 one more person', () => {
    const plan = planOrgImport(current, example('org-roster.csv'));
    expect(plan.errors).toEqual([]);
    expect(plan).toMatchObject({
      sheet: 'roster',
      rows: 7,
      changed: true,
      counts: {
        branches: counts(1, 0, 2),
        units: counts(1, 0, 3),
        crews: counts(2, 1, 4),
        targets: none,
      },
    });
    expect(plan.org?.branches.map((b) => [b.id, b.name, b.nameEn])).toEqual([
      ['B1', '杭州分公司', 'Hangzhou'],
      ['B2', '宁波分公司', 'Ningbo'],
      ['B3', '温州分公司', 'Wenzhou'],
    ]);
    expect(plan.org?.crews.map((c) => `${c.id}:${c.headcount}`)).toEqual([
      'C1:4',
      'C2:6',
      'C3:8',
      'C4:4',
      'C5:10',
      'C6:6',
      'C7:5',
    ]);
    expect(plan.org?.targets).toEqual(current.targets);
  });

  it('imports the example targets: C2 raised, C5 new, the rest unchanged', () => {
    const plan = planOrgImport(current, example('org-targets.csv'), { competitionIds: new Set(['labour-m3']) });
    expect(plan.errors).toEqual([]);
    expect(plan).toMatchObject({
      sheet: 'targets',
      rows: 5,
      changed: true,
      counts: { branches: none, units: none, crews: none, targets: counts(1, 1, 3) },
    });
    expect(plan.org?.targets.map((t) => `${t.crewId}:${t.value}`)).toEqual([
      'C1:10000',
      'C2:12000',
      'C3:20000',
      'C4:8000',
      'C5:9000',
    ]);
    expect(plan.org?.crews).toEqual(current.crews);
  });

  it('reads the same text whether given bytes or a string', () => {
    const text = readFileSync(new URL('../../schemas/examples/org-roster.csv', import.meta.url), 'utf8');
    expect(planOrgImport(current, text)).toEqual(planOrgImport(current, example('org-roster.csv')));
  });

  it('changes nothing when the result of an import is imported again', () => {
    const once = planOrgImport(current, example('org-roster.csv'));
    if (!once.org) throw new Error('expected a registry');
    const again = planOrgImport(once.org, example('org-roster.csv'));
    expect(again).toMatchObject({
      errors: [],
      changed: false,
      counts: { branches: counts(0, 0, 3), units: counts(0, 0, 4), crews: counts(0, 0, 7) },
    });
    expect(again.org).toEqual(once.org);
  });
});

describe('planOrgImport: upserts', () => {
  it.each([
    {
      name: 'rows equal to the registry',
      text: roster(C1, C3),
      b: counts(0, 0, 1),
      u: counts(0, 0, 2),
      c: counts(0, 0, 2),
    },
    {
      name: 'a headcount changed',
      text: roster(C1.replace(/,4$/, ',7')),
      b: counts(0, 0, 1),
      u: counts(0, 0, 1),
      c: counts(0, 1, 0),
    },
    {
      name: 'a crew renamed',
      text: roster(C1.replace('西湖甲班', '西湖一班')),
      b: counts(0, 0, 1),
      u: counts(0, 0, 1),
      c: counts(0, 1, 0),
    },
    {
      name: 'a unit type changed',
      text: roster(C3.replace('油库', '其他')),
      b: counts(0, 0, 1),
      u: counts(0, 1, 0),
      c: counts(0, 0, 1),
    },
    {
      name: 'a branch renamed on every row it has',
      text: roster(C1.replace('杭州分公司', '杭州市分公司'), C3.replace('杭州分公司', '杭州市分公司')),
      b: counts(0, 1, 0),
      u: counts(0, 0, 2),
      c: counts(0, 0, 2),
    },
    {
      name: 'a crew moved to another unit',
      text: roster('B1,杭州分公司,U2,半山油库,油库,C1,西湖甲班,4'),
      b: counts(0, 0, 1),
      u: counts(0, 0, 1),
      c: counts(0, 1, 0),
    },
    {
      name: 'a new crew in a known unit',
      text: roster('B1,杭州分公司,U1,西湖加油站,加油站,C9,西湖丙班,3'),
      b: counts(0, 0, 1),
      u: counts(0, 0, 1),
      c: counts(1, 0, 0),
    },
    {
      name: 'a new branch, unit and crews',
      text: roster(
        'B3,温州分公司,U4,鹿城加油站,加油站,C6,鹿城甲班,6',
        'B3,温州分公司,U4,鹿城加油站,加油站,C7,鹿城乙班,5',
      ),
      b: counts(1, 0, 0),
      u: counts(1, 0, 0),
      c: counts(2, 0, 0),
    },
    {
      name: 'the same crew row twice',
      text: roster(C1, C1),
      b: counts(0, 0, 1),
      u: counts(0, 0, 1),
      c: counts(0, 0, 1),
    },
  ])('counts $name', ({ text, b, u, c }) => {
    const plan = planOrgImport(current, text);
    expect(plan.errors).toEqual([]);
    expect(plan.counts).toEqual({ branches: b, units: u, crews: c, persons: none, targets: none });
    expect(plan.changed).toBe([b, u, c].some((n) => n.created + n.updated > 0));
    expect(plan.org).not.toBeNull();
  });

  it('keeps registry order: known items in place, new ones after them in file order', () => {
    const plan = planOrgImport(
      current,
      roster(
        'B3,温州分公司,U5,瓯海加油站,加油站,C8,瓯海甲班,3',
        'B1,杭州分公司,U2,半山油库,油库,C5,北仑乙班,10', // C5 moves unit; it keeps its place
        'B3,温州分公司,U4,鹿城加油站,加油站,C6,鹿城甲班,6',
        C4,
      ),
    );
    expect(plan.errors).toEqual([]);
    expect(plan.org?.branches.map((b) => b.id)).toEqual(['B1', 'B2', 'B3']);
    expect(plan.org?.units.map((u) => u.id)).toEqual(['U1', 'U2', 'U3', 'U5', 'U4']);
    expect(plan.org?.crews.map((c) => `${c.id}@${c.unitId}`)).toEqual([
      'C1@U1',
      'C2@U1',
      'C3@U2',
      'C4@U3',
      'C5@U2',
      'C8@U5',
      'C6@U4',
    ]);
  });

  it('never deletes: items the file leaves out stay', () => {
    const plan = planOrgImport(current, roster(C1));
    expect(plan.org).toEqual(current);
    expect(plan.changed).toBe(false);
  });

  it.each([
    { name: 'without the column, keeps the English name', header: '', cell: '', nameEn: 'Hangzhou', updated: 0 },
    {
      name: 'with the column, sets it',
      header: ',分公司英文名',
      cell: ',Hangzhou City',
      nameEn: 'Hangzhou City',
      updated: 1,
    },
    { name: 'with the column blank, clears it', header: ',分公司英文名', cell: ',', nameEn: undefined, updated: 1 },
    {
      name: 'with the same name, leaves it',
      header: ',branch_name_en',
      cell: ',Hangzhou',
      nameEn: 'Hangzhou',
      updated: 0,
    },
  ])('$name', ({ header, cell, nameEn, updated }) => {
    const plan = planOrgImport(current, `${ROSTER_HEADER}${header}\r\n${C1}${cell}\r\n`);
    expect(plan.errors).toEqual([]);
    expect(plan.org?.branches[0]?.nameEn).toBe(nameEn);
    expect(plan.counts.branches.updated).toBe(updated);
  });

  it.each([
    { name: 'an existing target, same value', rows: ['labour-m3,C1,sales.volume_litres,10000'], t: counts(0, 0, 1) },
    { name: 'an existing target, new value', rows: ['labour-m3,C1,销量(升),"11,000"'], t: counts(0, 1, 0) },
    { name: 'a new metric for a crew', rows: ['labour-m3,C1,销售额(元),50000'], t: counts(1, 0, 0) },
    { name: 'a new competition', rows: ['labour-m4,C1,sales.volume_litres,10000'], t: counts(1, 0, 0) },
    {
      name: 'the same target twice',
      rows: ['labour-m3,C5,sales.volume_litres,100', 'labour-m3,C5,sales.volume_litres,100'],
      t: counts(1, 0, 0),
    },
  ])('counts targets: $name', ({ rows, t }) => {
    const plan = planOrgImport(current, targets(...rows));
    expect(plan.errors).toEqual([]);
    expect(plan.counts).toEqual({ branches: none, units: none, crews: none, persons: none, targets: t });
  });

  it('updates a target in place and appends new ones in file order', () => {
    const plan = planOrgImport(
      current,
      targets('labour-m3,C5,sales.volume_litres,1', 'labour-m3,C3,sales.volume_litres,2', 'ankang,C1,hazard.found,3'),
    );
    expect(plan.org?.targets.map((t) => `${t.competitionId}/${t.crewId}/${t.metric}=${t.value}`)).toEqual([
      'labour-m3/C1/sales.volume_litres=10000',
      'labour-m3/C2/sales.volume_litres=10000',
      'labour-m3/C3/sales.volume_litres=2',
      'labour-m3/C4/sales.volume_litres=8000',
      'labour-m3/C5/sales.volume_litres=1',
      'ankang/C1/hazard.found=3',
    ]);
  });
});

describe('planOrgImport: errors', () => {
  it.each([
    {
      name: 'a crew repeated with another headcount',
      text: roster(C1, C3, C1.replace(/,4$/, ',5')),
      errors: [
        {
          row: 4,
          column: '人数',
          cell: 'H4',
          message: '班组 C1 已在第 2 行出现，内容不同 / crew C1 already on row 2 with different values',
        },
      ],
    },
    {
      name: 'a crew repeated in another unit',
      text: roster(C1, 'B1,杭州分公司,U2,半山油库,油库,C1,西湖甲班,4'),
      errors: [
        {
          row: 3,
          column: '单位编号',
          cell: 'C3',
          message: '班组 C1 已在第 2 行出现，内容不同 / crew C1 already on row 2 with different values',
        },
      ],
    },
    {
      name: 'a branch named two ways',
      text: roster(C1, C3.replace('杭州分公司', '杭州公司')),
      errors: [
        {
          row: 3,
          column: '分公司名称',
          cell: 'B3',
          message: '分公司 B1 已在第 2 行出现，内容不同 / branch B1 already on row 2 with different values',
        },
      ],
    },
    {
      name: 'a unit of two types',
      text: roster(C1, 'B1,杭州分公司,U1,西湖加油站,油库,C2,西湖乙班,5'),
      errors: [
        {
          row: 3,
          column: '单位类型',
          cell: 'E3',
          message: '单位 U1 已在第 2 行出现，内容不同 / unit U1 already on row 2 with different values',
        },
      ],
    },
    {
      name: 'a unit in two branches',
      text: roster(C1, 'B2,宁波分公司,U1,西湖加油站,加油站,C2,西湖乙班,5'),
      errors: [
        {
          row: 3,
          column: '分公司编号',
          cell: 'A3',
          message: '单位 U1 已在第 2 行出现，内容不同 / unit U1 already on row 2 with different values',
        },
      ],
    },
    {
      name: 'a target given two values',
      text: targets('labour-m3,C1,sales.volume_litres,100', '', 'labour-m3,C1,销量(升),200'),
      errors: [
        {
          row: 4,
          column: '目标值',
          cell: 'D4',
          message:
            '竞赛 labour-m3 班组 C1 指标 sales.volume_litres 的目标已在第 2 行出现，内容不同 / the target of crew C1 for sales.volume_litres in competition labour-m3 already on row 2 with a different value',
        },
      ],
    },
    {
      name: 'a target for a crew the registry lacks',
      text: targets('labour-m3,C1,sales.volume_litres,100', 'labour-m3,C6,sales.volume_litres,100'),
      errors: [
        {
          row: 3,
          column: '班组编号',
          cell: 'B3',
          message: '组织架构中没有班组 C6，请先导入组织架构 / unknown crew C6: import it with the roster first',
        },
      ],
    },
    {
      name: 'a bad cell among good rows',
      text: roster(C1, ',,,,,,,', C3.replace(/,8$/, ',0')),
      errors: [{ row: 4, column: '人数', cell: 'H4', message: '不能小于 1 / headcount must be at least 1' }],
    },
  ])('reports $name', ({ text, errors }) => {
    const plan = planOrgImport(current, text);
    expect(plan.errors).toEqual(errors);
    expect(plan.org).toBeNull();
  });

  it.each([
    { name: 'given, and it is known', ids: ['labour-m3'], errors: [] },
    {
      name: 'given, and it is not',
      ids: ['ankang'],
      errors: [
        {
          row: 2,
          column: '竞赛编号',
          cell: 'A2',
          message: '没有编号为 labour-m3 的竞赛 / unknown competition labour-m3',
        },
      ],
    },
    { name: 'not given', ids: undefined, errors: [] },
  ])('checks the competition when the known ones are $name', ({ ids, errors }) => {
    const options: OrgImportOptions = ids ? { competitionIds: new Set(ids) } : {};
    expect(planOrgImport(current, targets('labour-m3,C1,sales.volume_litres,100'), options).errors).toEqual(errors);
  });

  it('reports all errors of all rows, in row order, with no registry', () => {
    const plan = planOrgImport(
      current,
      targets('labour-m3,C9,sales.volume_litres,100', 'labour-m3,C1,sales.volume_litres,0', 'x y,C1,产量,1'),
      { competitionIds: new Set(['labour-m3']) },
    );
    expect(plan.errors.map((e) => [e.row, e.column])).toEqual([
      [2, '班组编号'],
      [3, '目标值'],
      [4, '竞赛编号'],
      [4, '指标'],
    ]);
    expect(plan).toMatchObject({ sheet: 'targets', rows: 3, org: null });
  });

  it('refuses an Excel workbook uploaded in place of CSV', () => {
    const xlsx = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
    const plan = planOrgImport(current, xlsx);
    expect(plan.errors).toEqual([{ row: 1, column: null, message: expect.stringContaining('CSV UTF-8') }]);
    expect(plan.org).toBeNull();
  });

  it('reports the header error of an unrecognised file', () => {
    const plan = planOrgImport(current, 'name,age\r\nx,1\r\n');
    expect(plan).toMatchObject({ sheet: 'roster', rows: 0, org: null, changed: false });
    expect(plan.errors).toHaveLength(1);
  });

  it('reports, on row 0, what the merged registry still fails (a safety net)', () => {
    // A registry that was never valid (a crew of a unit it lacks): nothing a row does is wrong.
    const broken: Org = { ...current, crews: [...current.crews, { id: 'C9', unitId: 'U9', name: 'x', headcount: 1 }] };
    const plan = planOrgImport(broken, roster(C1));
    expect(plan.errors).toEqual([
      {
        row: 0,
        column: null,
        message: '合并后的组织架构有误 / the merged registry is invalid: crews.5.unitId: unknown unit "U9"',
      },
    ]);
    expect(plan.org).toBeNull();
  });
});

describe('planOrgImport: branch scope', () => {
  const onlyB1: OrgImportOptions = { allowedBranchIds: new Set(['B1']) };
  const scope = '你的令牌只能修改分公司 B1 / your token may only change branches B1';

  it.each([
    { name: 'rows of its own branch', text: roster(C1, C3), errors: [] },
    {
      name: 'a new crew in its own branch',
      text: roster('B1,杭州分公司,U1,西湖加油站,加油站,C9,西湖丙班,3'),
      errors: [],
    },
    {
      name: 'a row of another branch, even unchanged',
      text: roster(C1, C4),
      errors: [{ row: 3, column: '分公司编号', cell: 'A3', message: scope }],
    },
    {
      name: 'a new branch',
      text: roster('B3,温州分公司,U4,鹿城加油站,加油站,C6,鹿城甲班,6'),
      errors: [{ row: 2, column: '分公司编号', cell: 'A2', message: scope }],
    },
    {
      name: 'a unit moved in from another branch',
      text: roster('B1,杭州分公司,U3,北仑加油站,加油站,C4,北仑甲班,4'),
      errors: [
        {
          row: 2,
          column: '单位编号',
          cell: 'C2',
          message: `单位 U3 目前属于分公司 B2；${scope} / unit U3 belongs to branch B2 now`,
        },
      ],
    },
    {
      name: 'a crew moved in from another branch',
      text: roster('B1,杭州分公司,U1,西湖加油站,加油站,C4,北仑甲班,4'),
      errors: [
        {
          row: 2,
          column: '班组编号',
          cell: 'F2',
          message: `班组 C4 目前属于分公司 B2；${scope} / crew C4 belongs to branch B2 now`,
        },
      ],
    },
    {
      name: 'a crew moved out to another branch',
      text: roster('B2,宁波分公司,U3,北仑加油站,加油站,C1,西湖甲班,4'),
      errors: [{ row: 2, column: '分公司编号', cell: 'A2', message: scope }],
    },
  ])('roster: $name', ({ text, errors }) => {
    const plan = planOrgImport(current, text, onlyB1);
    expect(plan.errors).toEqual(errors);
    expect(plan.org === null).toBe(errors.length > 0);
  });

  it('allows moves between branches that are all allowed', () => {
    const plan = planOrgImport(current, roster('B1,杭州分公司,U1,西湖加油站,加油站,C4,北仑甲班,4'), {
      allowedBranchIds: new Set(['B1', 'B2']),
    });
    expect(plan.errors).toEqual([]);
    expect(plan.counts.crews).toEqual(counts(0, 1, 0));
  });

  it.each([
    { crew: 'C3', errors: [] },
    {
      crew: 'C4',
      errors: [
        {
          row: 2,
          column: '班组编号',
          cell: 'B2',
          message: `班组 C4 属于分公司 B2；${scope} / crew C4 belongs to branch B2`,
        },
      ],
    },
  ])('targets: a target for $crew', ({ crew, errors }) => {
    expect(planOrgImport(current, targets(`labour-m3,${crew},sales.volume_litres,100`), onlyB1).errors).toEqual(errors);
  });

  it('names every allowed branch', () => {
    const plan = planOrgImport(current, roster(C4), { allowedBranchIds: new Set(['B1', 'B3']) });
    expect(plan.errors[0]?.message).toBe('你的令牌只能修改分公司 B1, B3 / your token may only change branches B1, B3');
  });
});
