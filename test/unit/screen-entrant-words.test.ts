import { describe, expect, it } from 'vitest';
import { screenAward } from '../../services/screen/screen-award.ts';
import {
  entrantHeader,
  entrantSubline,
  entrantTotal,
  ownSummary,
  ownTag,
} from '../../services/screen/web/entrant-words.ts';
import { gateReasons } from '../../services/screen/web/i18n.ts';

describe('the words naming a board’s entrants', () => {
  it.each([
    ['crew', 'zh', 12, null, '班组', '参赛班组 12 个'],
    ['crew', 'en', 1, null, 'Crew', '1 crew'],
    ['crew', 'en', 120, 10, 'Crew', 'top 10 of 120 crews'],
    ['unit', 'zh', 3, null, '单位', '参赛单位 3 个'],
    ['unit', 'zh', 30, 10, '单位', '前10名 · 参赛单位 30 个'],
    ['unit', 'en', 3, null, 'Unit', '3 units'],
    ['branch', 'en', 2, null, 'Branch', '2 branches'],
    ['person', 'zh', 40, null, '姓名', '参赛人员 40 人'],
  ] as const)('%s in %s: %s of %s', (level, lang, total, limit, header, line) => {
    expect(entrantHeader(level, lang)).toBe(header);
    expect(entrantTotal(level, total, limit, lang)).toBe(line);
  });

  it('puts a crew’s unit under its name, a unit’s branch only where no column shows it, nothing under a branch', () => {
    const row = { unitName: '西湖加油站', branchName: '杭州分公司' };
    const landscape = { branch: true, branchUnderName: false };
    const portrait = { branch: false, branchUnderName: true };
    expect(entrantSubline(row, 'crew', landscape)).toBe('西湖加油站');
    expect(entrantSubline(row, 'crew', portrait)).toBe('杭州分公司 · 西湖加油站');
    expect(entrantSubline(row, 'unit', landscape)).toBe('');
    expect(entrantSubline(row, 'unit', portrait)).toBe('杭州分公司');
    // 个人赛: the person's crew first.
    const person = { ...row, personCrewName: '西湖甲班' };
    expect(entrantSubline(person, 'person', landscape)).toBe('西湖甲班 · 西湖加油站');
    expect(entrantSubline(person, 'person', portrait)).toBe('杭州分公司 · 西湖甲班 · 西湖加油站');
    expect(entrantSubline(row, 'branch', portrait)).toBe('');
  });
});

describe('a screen row’s award', () => {
  const gate = (passed: boolean, zh: string) => ({
    gateId: zh,
    name: { zh: `条件${zh}`, en: `gate ${zh}` },
    passed,
    reason: { zh, en: `en ${zh}` },
  });
  const outcome = {
    total: 96,
    categories: [],
    bonus: null,
    eligible: false,
    grade: null,
    gradeRank: null,
    gates: [gate(true, '总分 96（需 ≥ 80）'), gate(false, '重伤 1 起、死亡 0 起'), gate(false, '三违 2 人次')],
  };

  it('keeps the failed gates with what they saw, and the grade of an eligible entrant', () => {
    const award = screenAward(outcome);
    expect(award).toEqual({
      grade: null,
      failedGates: [
        { name: { zh: '条件重伤 1 起、死亡 0 起', en: 'gate 重伤 1 起、死亡 0 起' }, reason: outcome.gates[1]?.reason },
        { name: { zh: '条件三违 2 人次', en: 'gate 三违 2 人次' }, reason: outcome.gates[2]?.reason },
      ],
    });
    expect(gateReasons({ award }, 'zh')).toBe('重伤 1 起、死亡 0 起；三违 2 人次');
    expect(gateReasons({ award }, 'en')).toBe('en 重伤 1 起、死亡 0 起; en 三违 2 人次');
    const graded = screenAward({
      ...outcome,
      eligible: true,
      gates: [outcome.gates[0] ?? gate(true, '')],
      grade: { id: 'advanced', name: { zh: '先进单位', en: 'Advanced unit' } },
      gradeRank: 1,
    });
    expect(graded).toEqual({ grade: { zh: '先进单位', en: 'Advanced unit' }, failedGates: [] });
    expect(screenAward(null)).toBeNull();
  });
});

describe('a crew’s own rows (around me)', () => {
  it.each([
    ['crew', 'zh', '本班组'],
    ['unit', 'zh', '本单位'],
    ['branch', 'en', 'Our branch'],
    ['person', 'zh', '本班组'],
  ] as const)('tags a %s row as ours (%s): %s', (level, lang, tag) => {
    expect(ownTag(level, lang)).toBe(tag);
  });

  const row = (crewName: string, rank: number | null) => ({ crewName, rank });
  it.each([
    ['unit', 'zh', [row('西湖加油站', 2)], '西湖加油站 第2名 · '],
    ['crew', 'en', [row('West Lake A', 5)], 'West Lake A: #5 · '],
    ['unit', 'zh', [row('西湖加油站', null)], ''],
    ['person', 'zh', [row('张三', 4), row('李四', 2), row('王五', null)], '本班组 3 人 · 最好第2名 · '],
    ['person', 'en', [row('张三', 1)], 'Our crew: 1 person, best #1 · '],
    ['person', 'zh', [row('王五', null)], '本班组 1 人 · '],
    ['person', 'zh', [], ''],
  ] as const)('says where a %s board’s own rows stand (%s)', (level, lang, own, text) => {
    expect(ownSummary(own, level, lang)).toBe(text);
  });
});
