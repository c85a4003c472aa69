import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { compactValue, renderChange, renderChanges } from '../../services/cli/change-render.ts';
import { paint } from '../../services/cli/cli-output.ts';
import { rankArrow, renderTable, signed2, thousands } from '../../services/cli/table.ts';

describe('table', () => {
  it('lines columns up by display width with Chinese names, numbers on the right', () => {
    const lines = renderTable(
      [{ header: '名次 Rank', align: 'right' }, { header: '班组 Crew' }, { header: '得分 Score', align: 'right' }],
      [
        ['1', '西湖加油站甲班', '51.67'],
        ['10', 'Crew C', '8.00'],
        ['2', '龙湾油库丙班 B', '123.40'],
      ],
    );
    expect(lines).toEqual([
      '名次 Rank  班组 Crew       得分 Score',
      '---------  --------------  ----------',
      '        1  西湖加油站甲班       51.67',
      '       10  Crew C                8.00',
      '        2  龙湾油库丙班 B      123.40',
    ]);
    // Every row is as wide on screen as the rule under the header.
    for (const line of lines.slice(1)) expect(stringWidth(line)).toBe(stringWidth(lines[1] ?? ''));
  });

  it('ignores colour codes when measuring', () => {
    const p = paint(true);
    const [, , row] = renderTable([{ header: 'a' }, { header: 'b' }], [[p.red('↓1'), 'x']]);
    expect(row).toBe(`${p.red('↓1')}  x`);
  });

  it('trims trailing spaces of an empty last column', () => {
    expect(renderTable([{ header: 'a' }, { header: '否决' }], [['1', '']])[2]).toBe('1');
  });

  it.each([
    { change: 2, text: '↑2' },
    { change: -1, text: '↓1' },
    { change: 0, text: '–' },
    { change: null, text: '–' },
  ])('rank change $change is $text', ({ change, text }) => {
    expect(rankArrow(change)).toBe(text);
  });

  it.each([
    { n: 1.2, text: '+1.20' },
    { n: -0.5, text: '-0.50' },
    { n: 0, text: '0.00' },
    { n: -0.001, text: '0.00' },
  ])('score change $n is $text', ({ n, text }) => {
    expect(signed2(n)).toBe(text);
  });

  it('groups thousands', () => {
    expect(thousands(1234567.4)).toBe('1,234,567');
  });
});

describe('definition changes', () => {
  const plain = paint(false);
  it.each([
    {
      change: { path: 'indicators[0].weight', op: 'changed', before: 1, after: 1.2 },
      text: '~ indicators[0].weight: 1 → 1.2',
    },
    {
      change: { path: 'stages[2]', op: 'added', after: { id: 'm12', start: '2026-12-01' } },
      text: '+ stages[2]: {"id":"m12","start":"2026-12-01"}',
    },
    { change: { path: 'vetoes[0]', op: 'removed', before: { id: 'serious' } }, text: '- vetoes[0]: {"id":"serious"}' },
    {
      change: { path: 'name.zh', op: 'changed', before: '十一月', after: '十二月' },
      text: '~ name.zh: "十一月" → "十二月"',
    },
    { change: { path: 'weightTotal', op: 'added', after: undefined }, text: '+ weightTotal: ∅' },
  ] as const)('$text', ({ change, text }) => {
    expect(renderChange(change, plain)).toBe(text);
  });

  it('colours only when asked: green added, red removed, yellow changed', () => {
    const p = paint(true);
    expect(renderChange({ path: 'a', op: 'added', after: 1 }, p)).toBe('\u001b[32m+ a: 1\u001b[39m');
    expect(renderChange({ path: 'a', op: 'removed', before: 1 }, p)).toBe('\u001b[31m- a: 1\u001b[39m');
    expect(renderChange({ path: 'a', op: 'changed', before: 1, after: 2 }, p)).toBe('\u001b[33m~ a: 1 → 2\u001b[39m');
  });

  it('says when nothing changed', () => {
    expect(renderChanges([], plain)).toEqual(['  （无变更 / no changes）']);
    expect(compactValue([1, 'a'])).toBe('[1,"a"]');
  });
});
