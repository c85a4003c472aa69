import type { EntrantLevel } from '../../../schemas/sheet.schema.ts';
import { builtInScreenId } from '../../screen/default-screen.ts';

/**
 * Every text the work groups read, in one place: titles and bodies in the markdown subset of
 * NotifyFact (## headings, **bold**, "- " lines, [text](url) links, "> " quotes), and the public
 * addresses they link to. Names come from organisers and crews: plain() keeps them from being
 * read as markdown.
 */

/** A name or a reporter's line as literal text: markdown marks become their full-width look-alikes. */
export function plain(text: string): string {
  return text
    .replace(/[\r\n\t]+/gu, ' ')
    .replace(/\*/gu, '＊')
    .replace(/\[/gu, '［')
    .replace(/\]/gu, '］')
    .replace(/`/gu, '＇')
    .replace(/</gu, '＜')
    .replace(/>/gu, '＞')
    .replace(/_/gu, '＿')
    .trim();
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** 2026-12-05 → 12月5日 (with the year: 2026年12月5日). */
export function chineseDay(day: string, withYear = false): string {
  const [year, month, date] = day.split('-').map(Number);
  return `${withYear ? `${String(year)}年` : ''}${String(month)}月${String(date)}日`;
}

/** 2026-10-09 → 10月9日（星期五）. */
export function chineseDayWithWeekday(day: string, withYear = false): string {
  return `${chineseDay(day, withYear)}（${WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()] ?? ''}）`;
}

/** Points as the screens show them: at most two decimals, no trailing zeros. */
export function points(score: number): string {
  return String(Math.round(score * 100) / 100);
}

const ENTRANT_NOUN: Record<EntrantLevel, string> = { crew: '个班组', unit: '个单位', branch: '个分公司', person: '人' };

/** The public addresses a message links to, under PUBLIC_URL. */
export interface PublicLinks {
  /** The competition's own big screen (on a crew's phone: ?crew= shows its neighbourhood). */
  screen(competitionId: string, crewId?: string): string;
  /** The printable 公示 / 表彰名单 page of a closed period. */
  periodResults(competitionId: string, periodId: string, title: 'notice' | 'commendation'): string;
}

export function publicLinks(publicUrl: string): PublicLinks {
  const base = publicUrl.replace(/\/+$/u, '');
  const id = encodeURIComponent;
  return {
    screen: (competitionId, crewId) =>
      `${base}/screens/${id(builtInScreenId(competitionId))}${crewId === undefined ? '' : `?crew=${id(crewId)}`}`,
    periodResults: (competitionId, periodId, title) =>
      `${base}/print/competitions/${id(competitionId)}/periods/${id(periodId)}?title=${title}`,
  };
}

export interface Message {
  title: string;
  markdown: string;
}

/** One ranked line of a standings message. */
export interface RankedLine {
  rank: number | null;
  /** The entrant's name with what tells it apart (a crew's unit, a person's crew). */
  name: string;
  score: number;
  /** Positive: moved up since the comparison day; null: no comparison. */
  rankChange: number | null;
  disqualified: boolean;
}

function movement(change: number | null): string {
  if (change === null || change === 0) return '';
  return change > 0 ? ` ↑${String(change)}` : ` ↓${String(-change)}`;
}

/** An ideographic space between a name and its points: the columns line up better in a chat. */
const GAP = '\u3000';

function rankedLines(rows: readonly RankedLine[]): string[] {
  return rows.map((r) =>
    r.disqualified || r.rank === null
      ? `- ${plain(r.name)}${GAP}一票否决`
      : `- **第${String(r.rank)}名** ${plain(r.name)}${GAP}${points(r.score)}分${movement(r.rankChange)}`,
  );
}

export interface StandingsMessageInput {
  competitionName: string;
  competitionId: string;
  entrants: EntrantLevel;
  total: number;
  rows: readonly RankedLine[];
}

export function dailyStandingsMessage(
  links: PublicLinks,
  input: StandingsMessageInput & { day: string; at: string },
): Message {
  const name = plain(input.competitionName);
  const title = `${name} · ${chineseDay(input.day)}亮晒`;
  const lines = [
    `## ${title}`,
    `截至${chineseDay(input.day)} ${input.at}，共 ${String(input.total)} ${ENTRANT_NOUN[input.entrants]}参赛，前 ${String(input.rows.length)} 名：`,
    '',
    ...(input.rows.length > 0 ? rankedLines(input.rows) : ['- 今天还没有排名']),
    '',
    `[查看大屏排名](${links.screen(input.competitionId)})`,
  ];
  return { title, markdown: lines.join('\n') };
}

export function weeklyRankingMessage(
  links: PublicLinks,
  input: StandingsMessageInput & { from: string; to: string },
): Message {
  const name = plain(input.competitionName);
  const span = `${chineseDay(input.from)}—${chineseDay(input.to)}`;
  const title = `${name} · 本周排名（${span}）`;
  const lines = [
    `## ${title}`,
    `按 ${span} 这 ${String(daysBetween(input.from, input.to) + 1)} 天的成绩排名，共 ${String(input.total)} ${ENTRANT_NOUN[input.entrants]}：`,
    '',
    ...(input.rows.length > 0 ? rankedLines(input.rows) : ['- 本周还没有排名']),
    '',
    `[查看大屏排名](${links.screen(input.competitionId)})`,
  ];
  return { title, markdown: lines.join('\n') };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function leaderChangedMessage(
  links: PublicLinks,
  input: {
    competitionName: string;
    competitionId: string;
    day: string;
    leader: { name: string; score: number };
    previous: { name: string } | undefined;
  },
): Message {
  const name = plain(input.competitionName);
  const leader = plain(input.leader.name);
  const title = `${name} · 领先者变化`;
  const lines = [
    `## ${title}`,
    input.previous
      ? `${chineseDay(input.day)}，**${leader}** 以 ${points(input.leader.score)} 分超过 ${plain(input.previous.name)}，升至第一名。`
      : `${chineseDay(input.day)}，**${leader}** 以 ${points(input.leader.score)} 分领先，位列第一名。`,
    '',
    `[查看大屏排名](${links.screen(input.competitionId)})`,
  ];
  return { title, markdown: lines.join('\n') };
}

export function vetoMessage(
  links: PublicLinks,
  input: {
    competitionName: string;
    competitionId: string;
    day: string;
    entrant: { id: string; name: string };
    veto: { name: string; effect: 'zero_indicator' | 'disqualify'; reason: string };
  },
): Message {
  const name = plain(input.competitionName);
  const entrant = plain(input.entrant.name);
  const title = `${name} · 一票否决：${entrant}`;
  const lines = [
    `## ${title}`,
    `${chineseDay(input.day)}，**${entrant}** 触发「${plain(input.veto.name)}」：${plain(input.veto.reason)}。`,
    input.veto.effect === 'disqualify' ? '> 本次竞赛取消评比资格。' : '> 相关指标得分记为零。',
    '',
    `[查看大屏排名](${links.screen(input.competitionId, input.entrant.id)})`,
  ];
  return { title, markdown: lines.join('\n') };
}

export interface NoticeMessageInput {
  competitionName: string;
  competitionId: string;
  periodId: string;
  periodName: string;
}

export function noticeOpenedMessage(
  links: PublicLinks,
  input: NoticeMessageInput & { startsOn: string; endsOn: string; workingDays: number },
): Message {
  const name = plain(input.competitionName);
  const period = plain(input.periodName);
  const title = `${name} · ${period}结果公示`;
  const lines = [
    `## ${title}`,
    `${period}已结算，结果自${chineseDay(input.startsOn)}起公示 ${String(input.workingDays)} 个工作日，至 **${chineseDayWithWeekday(input.endsOn, true)}**（含）止，节假日不计。`,
    '> 对结果有异议的，请在公示期内实名提出：写明参赛对象、异议内容，附上证据，交竞赛组织者（工会）。',
    '',
    `[查看公示名单](${links.periodResults(input.competitionId, input.periodId, 'notice')})`,
  ];
  return { title, markdown: lines.join('\n') };
}

export function noticeConfirmedMessage(
  links: PublicLinks,
  input: NoticeMessageInput & { confirmedOn: string; objections: number },
): Message {
  const name = plain(input.competitionName);
  const period = plain(input.periodName);
  const title = `${name} · ${period}结果确认`;
  const lines = [
    `## ${title}`,
    `${period}公示期满，${input.objections > 0 ? `${String(input.objections)} 条异议均已处理，` : '无异议，'}结果已于${chineseDay(input.confirmedOn, true)}确认为**正式结果**。`,
    '',
    `[查看正式结果](${links.periodResults(input.competitionId, input.periodId, 'commendation')})`,
  ];
  return { title, markdown: lines.join('\n') };
}

export function hazardOverdueMessage(
  links: PublicLinks,
  input: {
    competitionName: string;
    competitionId: string;
    crewId: string;
    crewName: string;
    unitName: string;
    foundOn: string;
    deadline: string;
    location: string | null;
    description: string | null;
  },
): Message {
  const crew = plain(input.crewName);
  const title = `隐患逾期未整改：${crew}`;
  const lines = [
    `## ${title}`,
    `**${plain(input.unitName)} · ${crew}** ${chineseDay(input.foundOn)}发现的隐患，整改期限${chineseDay(input.deadline)}已过，仍未整改。`,
    ...(input.location ? [`- 地点：${plain(input.location)}`] : []),
    ...(input.description ? [`- 情况：${plain(input.description)}`] : []),
    `> 逾期未整改按「${plain(input.competitionName)}」考核细则扣分，请尽快整改并上报整改情况。`,
    '',
    `[查看班组排名](${links.screen(input.competitionId, input.crewId)})`,
  ];
  return { title, markdown: lines.join('\n') };
}
