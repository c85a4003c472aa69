import { describe, expect, it } from 'vitest';
import { ScreenSet, type ScreenSetInput } from '../../schemas/screen.schema.ts';
import {
  VIEW_KINDS,
  formToScreen,
  screenFormPathOf,
  screenToForm,
} from '../../services/console/web/model/screen-form.ts';

const full: ScreenSetInput = {
  name: { zh: '营业厅大屏', en: 'Hall screen' },
  branding: { title: { zh: '浙江石油', en: 'Zhejiang Petroleum' }, primaryColour: '#004d40', accentColour: '#ffd54f' },
  celebrate: false,
  staleAfterSeconds: 60,
  views: [
    {
      kind: 'ranking',
      competitionId: 'c',
      group: 'branch:B1',
      limit: 10,
      indicators: ['a', 'b'],
      title: { zh: '杭州排名', en: 'Hangzhou' },
      seconds: 30,
    },
    { kind: 'ranking', competitionId: 'c' },
    { kind: 'branch_tops', competitionId: 'c', limit: 5, seconds: 15 },
    { kind: 'around', competitionId: 'c', top: 2, around: 4, indicators: ['a'] },
    { kind: 'innovations', competitionId: 'c', month: '2026-03', limit: 8 },
    { kind: 'innovations', competitionId: 'c' },
  ],
};

describe('screen sets: form ↔ definition', () => {
  it('covers every view kind the schema has', () => {
    expect([...VIEW_KINDS].sort()).toEqual(ScreenSet.shape.views.element.options.map((o) => o.shape.kind.value).sort());
    expect(new Set(full.views.map((v) => v.kind))).toEqual(new Set(VIEW_KINDS));
  });

  it('gives back the same screen set, every view kind with its options and without', () => {
    expect(ScreenSet.parse(formToScreen(screenToForm(full)))).toEqual(ScreenSet.parse(full));
  });

  it('drops the fields of another kind when a view’s kind is switched', () => {
    const form = screenToForm(full);
    const [ranking] = form.views;
    if (!ranking) throw new Error('no view');
    const switched = formToScreen({ ...form, views: [{ ...ranking, kind: 'innovations' }] });
    expect(switched.views).toEqual([
      { kind: 'innovations', competitionId: 'c', month: 'current', limit: 10, seconds: 30 },
    ]);
  });

  it('keeps no heading when its Chinese name is blank', () => {
    const form = { ...screenToForm(full), title: { zh: ' ', en: 'x' } };
    expect(formToScreen(form).branding).toEqual({ primaryColour: '#004d40', accentColour: '#ffd54f' });
  });

  it.each([
    ['body.views.2.seconds', ['views', 2, 'seconds']],
    ['views[0].competitionId', ['views', 0, 'competitionId']],
    ['views[1]', ['views', 1, 'kind']],
    ['views[0].title.en', ['views', 0, 'title', 'en']],
    ['body.branding.primaryColour', ['primaryColour']],
    ['branding.title.zh', ['title', 'zh']],
    ['body.name.zh', ['name', 'zh']],
    ['body.staleAfterSeconds', ['staleAfterSeconds']],
  ] as const)('puts the API’s %s on %j', (path, field) => {
    expect(screenFormPathOf(path)).toEqual(field);
  });
});
