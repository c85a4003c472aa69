/**
 * Pure helpers of the landing page: reading the API's lists defensively, which screens show a
 * competition, and the display link remembered per screen in localStorage.
 */
import type { Localized } from './i18n.ts';

export interface CompetitionItem {
  id: string;
  name: Localized;
  kind: 'labour' | 'ankang';
  period: { start: string; end: string };
  links: { standings: string };
}

export interface ScreenItem {
  id: string;
  name: Localized;
  builtIn: boolean;
  competitionIds: string[];
  links: { page: string; definition: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function localized(value: unknown): Localized | null {
  if (!isObject(value)) return null;
  const { zh, en } = value;
  return typeof zh === 'string' && typeof en === 'string' ? { zh, en } : null;
}

export function readCompetitions(body: unknown): CompetitionItem[] {
  if (!isObject(body) || !Array.isArray(body.competitions)) return [];
  const out: CompetitionItem[] = [];
  for (const c of body.competitions) {
    if (!isObject(c) || typeof c.id !== 'string') continue;
    const name = localized(c.name) ?? { zh: c.id, en: c.id };
    const period = isObject(c.period) ? c.period : {};
    const links = isObject(c.links) ? c.links : {};
    out.push({
      id: c.id,
      name,
      kind: c.kind === 'ankang' ? 'ankang' : 'labour',
      period: {
        start: typeof period.start === 'string' ? period.start : '',
        end: typeof period.end === 'string' ? period.end : '',
      },
      links: {
        standings:
          typeof links.standings === 'string'
            ? links.standings
            : `/v1/competitions/${encodeURIComponent(c.id)}/standings`,
      },
    });
  }
  return out;
}

export function readScreens(body: unknown): ScreenItem[] {
  if (!isObject(body) || !Array.isArray(body.screens)) return [];
  const out: ScreenItem[] = [];
  for (const s of body.screens) {
    if (!isObject(s) || typeof s.id !== 'string') continue;
    const links = isObject(s.links) ? s.links : {};
    out.push({
      id: s.id,
      name: localized(s.name) ?? { zh: s.id, en: s.id },
      builtIn: s.builtIn === true,
      competitionIds: Array.isArray(s.competitionIds)
        ? s.competitionIds.filter((id): id is string => typeof id === 'string')
        : [],
      links: {
        page: typeof links.page === 'string' ? links.page : `/screens/${encodeURIComponent(s.id)}`,
        definition: typeof links.definition === 'string' ? links.definition : '',
      },
    });
  }
  return out;
}

/** Screens that show a competition, its built-in screen first. */
export function screensFor(competitionId: string, screens: readonly ScreenItem[]): ScreenItem[] {
  return screens
    .filter((s) => s.competitionIds.includes(competitionId))
    .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.id.localeCompare(b.id));
}

export function kindLabel(kind: CompetitionItem['kind']): Localized {
  return kind === 'ankang' ? { zh: '安康杯', en: 'Ankang Cup' } : { zh: '劳动竞赛', en: 'Labour competition' };
}

/** 2026-10-01 – 2026-12-31 */
export function periodText(period: CompetitionItem['period']): string {
  if (!period.start && !period.end) return '';
  return `${period.start} – ${period.end}`;
}

export function tokenKey(screenId: string): string {
  return `labour-leaderboard:display-link:${screenId}`;
}

export interface StoredLink {
  token: string;
  url: string;
}

/** What localStorage holds for a screen, or null when absent or not ours. */
export function readStoredLink(raw: string | null): StoredLink | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (isObject(value) && typeof value.token === 'string' && typeof value.url === 'string' && value.token) {
      return { token: value.token, url: value.url };
    }
  } catch {
    return null;
  }
  return null;
}

/** The created link's answer (POST /v1/screens/:id/links), or null if it is not one. */
export function readCreatedLink(body: unknown): StoredLink | null {
  if (!isObject(body) || typeof body.token !== 'string' || typeof body.url !== 'string') return null;
  return { token: body.token, url: body.url };
}

/** A stored link is dead when the data endpoint refuses its token; other failures may pass. */
export function linkIsDead(status: number): boolean {
  return status === 401 || status === 403;
}
