import { describe, expect, it } from 'vitest';
import {
  afterListRemoval,
  byField,
  correctedFields,
  type FieldName,
} from '../../services/console/web/model/api-field-errors.ts';

/** Values as the editor's form holds them, read by field name. */
function reader(values: Record<string, unknown>) {
  return (name: FieldName) => values[name.join('.')];
}

describe('the API’s errors under the editor’s fields', () => {
  const marked = [
    { name: ['sheet', 'categories', 0, 'maxPoints'], value: null },
    { name: ['sheet', 'categories', 1, 'items', 1, 'deduction', 'steps'], value: '1, 3, x' },
    { name: ['participants'], value: { scope: 'selected', branchIds: ['B1'] } },
  ];

  it('leaves a field whose value is still the one the API answered about', () => {
    const now = reader({
      'sheet.categories.0.maxPoints': null,
      'sheet.categories.1.items.1.deduction.steps': '1, 3, x',
      participants: { scope: 'selected', branchIds: ['B1'] },
    });
    expect(correctedFields(marked, now)).toEqual([]);
  });

  it('names each field the organiser has changed since, a number typed where none was and a list too', () => {
    const now = reader({
      'sheet.categories.0.maxPoints': 12,
      'sheet.categories.1.items.1.deduction.steps': '1, 3, 5',
      participants: { scope: 'selected', branchIds: ['B1', 'B2'] },
    });
    expect(correctedFields(marked, now)).toEqual(marked.map((m) => m.name));
  });

  it('takes a value cleared to nothing for a change', () => {
    const field = { name: ['grades', 'otherwise'], value: '未达标' };
    expect(correctedFields([field], () => undefined)).toEqual([field.name]);
  });
});

describe('the API’s errors gathered by field', () => {
  it('keeps one entry per field with all its errors in the answer’s order, names equal by value', () => {
    expect(
      byField([
        { name: ['views', 0, 'limit'], errors: ['必须是整数'] },
        { name: ['name'], errors: ['不能为空'] },
        { name: ['views', 0, 'limit'], errors: ['不能大于 100'] },
      ]),
    ).toEqual([
      { name: ['views', 0, 'limit'], errors: ['必须是整数', '不能大于 100'] },
      { name: ['name'], errors: ['不能为空'] },
    ]);
  });

  it('tells apart a field and a list item of the same name', () => {
    expect(
      byField([
        { name: ['unitIds'], errors: ['a'] },
        { name: ['unitIds', 0], errors: ['b'] },
      ]),
    ).toHaveLength(2);
  });
});

describe('the marks after an item of a list is removed (afterListRemoval)', () => {
  const marks = [
    { name: ['sheet', 'categories', 0, 'maxPoints'], value: null },
    { name: ['sheet', 'categories', 1, 'items', 0, 'name', 'zh'], value: '' },
    { name: ['sheet', 'categories', 1, 'items', 2, 'deduction', 'steps'], value: '1, x' },
    { name: ['sheet', 'categories', 1, 'items', 3, 'maxPoints'], value: -1 },
    { name: ['sheet', 'categories', 2, 'items', 3, 'maxPoints'], value: -2 },
    { name: ['sheet', 'categories', 1, 'items'], value: [] },
  ];
  const names = (list: FieldName, index: number) => afterListRemoval(marks, list, index).map((m) => m.name.join('.'));

  it("moves the later items' marks up with them, drops the removed item's and leaves the rest", () => {
    expect(names(['sheet', 'categories', 1, 'items'], 2)).toEqual([
      'sheet.categories.0.maxPoints',
      'sheet.categories.1.items.0.name.zh',
      'sheet.categories.1.items.2.maxPoints',
      'sheet.categories.2.items.3.maxPoints',
      'sheet.categories.1.items',
    ]);
    // A removed category takes its items' marks along, and the next category's move up.
    expect(names(['sheet', 'categories'], 1)).toEqual([
      'sheet.categories.0.maxPoints',
      'sheet.categories.1.items.3.maxPoints',
    ]);
    // The values the API answered about go along unchanged.
    expect(afterListRemoval(marks, ['sheet', 'categories', 1, 'items'], 0)[1]).toEqual({
      name: ['sheet', 'categories', 1, 'items', 1, 'deduction', 'steps'],
      value: '1, x',
    });
  });
});
