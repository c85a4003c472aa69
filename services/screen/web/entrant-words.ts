/**
 * Words that name a board's entrants (班组, 单位, 分公司, 个人) and the line under an entrant's
 * name. Pure so the rules are unit-tested; the rows' layout stays in row-list.ts.
 */
import type { EntrantLevel } from '../../../schemas/sheet.schema.ts';
import type { ScreenRow } from '../../../schemas/screen.schema.ts';
import type { Lang } from './i18n.ts';

const NOUN: Record<EntrantLevel, { zh: string; en: string; ens: string }> = {
  crew: { zh: '班组', en: 'Crew', ens: 'crews' },
  unit: { zh: '单位', en: 'Unit', ens: 'units' },
  branch: { zh: '分公司', en: 'Branch', ens: 'branches' },
  person: { zh: '个人', en: 'Person', ens: 'persons' },
};

/** The entrant column's header: 班组 / 单位 / 分公司 / 个人. */
export function entrantHeader(level: EntrantLevel, lang: Lang): string {
  // A person's row is headed by what it shows: their name.
  if (level === 'person') return lang === 'zh' ? '姓名' : 'Name';
  return lang === 'zh' ? NOUN[level].zh : NOUN[level].en;
}

/** 参赛单位 3 个 · 前10名 · 参赛班组 120 个 / 3 units · top 10 of 120 crews. */
export function entrantTotal(level: EntrantLevel, total: number, limit: number | null, lang: Lang): string {
  const noun = NOUN[level];
  if (lang === 'zh' && level === 'person') return `${limit !== null ? `前${limit}名 · ` : ''}参赛人员 ${total} 人`;
  if (lang === 'zh') return `${limit !== null ? `前${limit}名 · ` : ''}参赛${noun.zh} ${total} 个`;
  const many = total === 1 ? noun.en.toLowerCase() : noun.ens;
  return limit !== null ? `top ${limit} of ${total} ${many}` : `${total} ${many}`;
}

/**
 * The line under the entrant's name: a crew's unit (and branch on a portrait screen, which has no
 * branch column); a unit's branch where no column shows it; nothing for a branch, which is its own.
 */
export function entrantSubline(
  row: Pick<ScreenRow, 'unitName' | 'branchName' | 'personCrewName'>,
  level: EntrantLevel,
  columns: { branch: boolean; branchUnderName: boolean },
): string {
  switch (level) {
    case 'branch':
      return '';
    case 'unit':
      return columns.branch ? '' : row.branchName;
    default: {
      // 个人赛: the person's crew comes first under their name.
      const unit = row.personCrewName === undefined ? row.unitName : `${row.personCrewName} · ${row.unitName}`;
      return columns.branchUnderName ? `${row.branchName} · ${unit}` : unit;
    }
  }
}

const OWN: Record<EntrantLevel, { zh: string; en: string }> = {
  crew: { zh: '本班组', en: 'Our crew' },
  unit: { zh: '本单位', en: 'Our unit' },
  branch: { zh: '本分公司', en: 'Our branch' },
  // 个人赛: the crew's own persons.
  person: { zh: '本班组', en: 'Our crew' },
};

/** The tag on a crew's own rows (around me): its own row, its unit's or branch's, or its persons'. */
export function ownTag(level: EntrantLevel, lang: Lang): string {
  return OWN[level][lang];
}

/**
 * Where a crew stands, before the count under the title of its own screen: 西湖加油站 第2名 · for
 * its row (its own, its unit's or branch's); for a person-level board its persons and the best
 * place among them, 本班组 3 人 · 最好第2名 · . Empty when nothing of it is ranked.
 */
export function ownSummary(
  own: readonly Pick<ScreenRow, 'crewName' | 'rank'>[],
  level: EntrantLevel,
  lang: Lang,
): string {
  const ranks = own.flatMap((r) => (r.rank === null ? [] : [r.rank]));
  if (level === 'person') {
    if (own.length === 0) return '';
    const best = ranks.length > 0 ? Math.min(...ranks) : null;
    if (lang === 'zh') return `本班组 ${own.length} 人${best === null ? '' : ` · 最好第${best}名`} · `;
    return `Our crew: ${own.length} ${own.length === 1 ? 'person' : 'persons'}${best === null ? '' : `, best #${best}`} · `;
  }
  const [me] = own;
  if (me === undefined || me.rank === null) return '';
  return lang === 'zh' ? `${me.crewName} 第${me.rank}名 · ` : `${me.crewName}: #${me.rank} · `;
}
