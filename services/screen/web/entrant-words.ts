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
