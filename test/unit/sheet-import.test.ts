import { describe, expect, it } from 'vitest';
import { Sheet } from '../../schemas/sheet.schema.ts';
import { readAssessmentSheetWorkbook } from '../../services/excel/assessment-sheet-workbook.ts';
import { categoryCell } from '../../services/excel/assessment-sheet-workbook.ts';
import { numberOf, parseStandard } from '../../services/excel/deduction-text.ts';
import { draftToForm, sheetToDefinition } from '../../services/console/web/model/sheet-form.ts';
import { assessmentSheetWorkbook, workbookOf } from '../support/workbooks.ts';

describe('扣分标准 text', () => {
  it.each([
    ['每发现一处扣1分', { kind: 'deduction', deduction: { kind: 'per_finding', points: 1 } }],
    ['每处扣0.5分，扣完为止', { kind: 'deduction', deduction: { kind: 'per_finding', points: 0.5 } }],
    ['每缺一项扣２分', { kind: 'deduction', deduction: { kind: 'per_finding', points: 2 } }],
    ['发现一次扣三分', { kind: 'deduction', deduction: { kind: 'per_finding', points: 3 } }],
    ['未建立台账扣3分', { kind: 'deduction', deduction: { kind: 'fixed', points: 3 } }],
    ['未按规定开展培训扣十分', { kind: 'deduction', deduction: { kind: 'fixed', points: 10 } }],
    [
      '第一次扣1分，第二次扣3分（警告），第三次及以上扣5分（黄牌）',
      { kind: 'deduction', deduction: { kind: 'escalating', steps: [1, 3, 5] } },
    ],
    ['首次扣1分，再次扣3分', { kind: 'deduction', deduction: { kind: 'escalating', steps: [1, 3] } }],
    [
      '三违每人次扣5分',
      {
        kind: 'deduction',
        deduction: { kind: 'per_finding', points: 5 },
        counts: { event: 'violation', measure: 'persons' },
      },
    ],
    [
      '轻伤一人次扣10分',
      {
        kind: 'deduction',
        deduction: { kind: 'per_finding', points: 10 },
        counts: { event: 'incident', severities: ['minor_injury'] },
      },
    ],
    ['未开展竞赛活动，一票否决', { kind: 'veto' }],
    ['每项加1分', { kind: 'bonus', pointsEach: 1 }],
  ])('%s', (text, expected) => {
    expect(parseStandard(text)).toEqual(expected);
  });

  it.each([
    ['', '为空'],
    ['酌情扣分', '不确定'],
    ['扣1-3分', '不确定'],
    ['扣1～3分', '不确定'],
    ['未召开扣2分，召开但未形成记录扣1分', '2 个扣分值'],
    ['按有关规定执行', '没有找到'],
  ])('leaves "%s" to the organiser', (text, says) => {
    const parsed = parseStandard(text);
    expect(parsed.kind).toBe('unclear');
    expect(parsed.kind === 'unclear' ? parsed.zh : '').toContain(says);
  });

  it('reads Chinese numerals and the item name', () => {
    expect([numberOf('十五'), numberOf('二十'), numberOf('两'), numberOf('半'), numberOf('x')]).toEqual([
      15,
      20,
      2,
      0.5,
      NaN,
    ]);
    expect(parseStandard('每人次扣5分', '“三违”')).toMatchObject({ counts: { event: 'violation' } });
    expect(categoryCell('一、组织领导（12分）')).toEqual({ name: '组织领导', points: 12 });
    expect(categoryCell('鼓励项（最多加4分）')).toEqual({ name: '鼓励项', points: 4 });
    expect(categoryCell('安全管理')).toEqual({ name: '安全管理', points: undefined });
  });
});

describe('考核细则 from .xlsx', () => {
  it('reads categories merged down their items, the bonus section and veto items, and flags what it cannot read at its cell', async () => {
    const read = await readAssessmentSheetWorkbook(await assessmentSheetWorkbook());
    expect(read.worksheet).toBe('考核细则');
    expect(read.rows).toBe(11);
    const { categories, bonus, vetoItems } = read.sheet;
    expect(categories.map((c) => [c.name.zh, c.maxPoints, c.items.length])).toEqual([
      ['组织领导', 12, 3],
      ['安全管理', 35, 3],
      ['劳动保护与职业健康', 25, 1],
    ]);
    expect(categories[1]?.items.map((i) => [i.name.zh, i.maxPoints, i.deduction, i.counts, i.row])).toEqual([
      ['安全检查台账', 10, { kind: 'fixed', points: 3 }, undefined, 6],
      ['隐患整改', 10, { kind: 'escalating', steps: [1, 3, 5] }, undefined, 7],
      ['“三违”', 15, { kind: 'per_finding', points: 5 }, { event: 'violation', measure: 'persons' }, 8],
    ]);
    expect(bonus).toEqual({
      cap: 4,
      items: [
        { id: 'bonus-1', name: { zh: '创新做法', en: '创新做法' }, maxPoints: 2, pointsEach: 1, row: 10 },
        { id: 'bonus-2', name: { zh: '上级表彰', en: '上级表彰' }, maxPoints: 2, pointsEach: 2, row: 11 },
      ],
    });
    expect(vetoItems.map((v) => [v.name.zh, v.row])).toEqual([
      ['未组织开展竞赛活动', 12],
      ['重伤及以上事故', 13],
    ]);
    expect(read.problems.map((p) => [p.cell, p.row, p.column, p.sheet])).toEqual([
      ['D5', 5, '扣分标准', '考核细则'],
      ['D9', 9, '扣分标准', '考核细则'],
    ]);
    expect(categories[0]?.items[2]?.deduction).toBeNull();
  });

  it('becomes a valid sheet once the organiser fills in the rules it could not read', async () => {
    const read = await readAssessmentSheetWorkbook(await assessmentSheetWorkbook());
    const form = draftToForm(read.sheet);
    // As the editor sends it before the blanks are filled: the API names exactly those two items.
    const before = Sheet.safeParse(sheetToDefinition(form));
    expect(before.success).toBe(false);
    expect(before.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'categories.0.items.2.deduction.kind',
      'categories.2.items.0.deduction.kind',
    ]);
    for (const [c, i] of [
      [0, 2],
      [2, 0],
    ] as const) {
      const item = form.categories[c]?.items[i];
      if (item) item.deduction = { kind: 'per_finding', points: 1 };
    }
    expect(Sheet.safeParse(sheetToDefinition(form)).success).toBe(true);
  });

  it('says which columns it needs when the header is not there', async () => {
    const bytes = await workbookOf({
      表1: [
        ['项目名称', '说明'],
        ['a', 'b'],
      ],
    });
    await expect(readAssessmentSheetWorkbook(bytes)).rejects.toMatchObject({
      code: 'sheet_columns_missing',
      message: expect.stringContaining('类别') as unknown,
    });
  });

  it('flags points that are not a number at their cell', async () => {
    const bytes = await workbookOf({
      细则: [
        ['类别', '考核项目', '分值', '扣分标准'],
        ['安全管理', '台账', '十分', '未建立台账扣3分'],
      ],
    });
    const read = await readAssessmentSheetWorkbook(bytes);
    expect(read.sheet.categories[0]?.items[0]?.maxPoints).toBe(10);
    const bad = await readAssessmentSheetWorkbook(
      await workbookOf({
        细则: [
          ['类别', '考核项目', '分值', '扣分标准'],
          ['安全管理', '台账', '见附件', '未建立台账扣3分'],
        ],
      }),
    );
    expect(bad.problems.map((p) => [p.cell, p.column])).toEqual([['C2', '分值']]);
  });
});
