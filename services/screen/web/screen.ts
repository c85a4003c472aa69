/**
 * The big screen (大屏): rotates through the screen's views page by page and keeps them live
 * from the server's event stream. Everything is built once and updated in place, because the
 * page runs for days on a canteen TV: one interval, one stream, no per-update listeners.
 */
import type { ScreenData, ScreenViewData } from '../../../schemas/screen.schema.ts';
import { boardColumns, gridTemplate, type BoardColumns } from './board-layout.ts';
import { createCelebrator } from './celebration.ts';
import { offer, openGate, take, type GateState } from './celebration-gate.ts';
import { phaseOf, type Phase } from './competition-phase.ts';
import {
  heard,
  initialConnection,
  revoke,
  staleAfterSeconds,
  statusAt,
  wentDown,
  type ConnectionStatus,
} from './connection-state.ts';
import { parseLang, pick, t, type Lang } from './i18n.ts';
import { clockDate, clockTime, dayAndTime, formatDay, zonedDay } from './number-format.ts';
import { createRowList, type RowContext, type RowItem } from './row-list.ts';
import { entrantHeader, entrantTotal, ownSummary } from './entrant-words.ts';
import { celebrations, celebrationText, climbs, stillTrue } from './row-motion.ts';
import { reflow } from './reflow.ts';
import { safeColour } from './screen-data-guard.ts';
import { openStream } from './screen-stream.ts';
import {
  advance,
  isDue,
  paginate,
  reconcile,
  rowsPerPage,
  seriesPage,
  type PageRange,
  type Position,
  type ViewSlot,
} from './view-pager.ts';

const LIVE_MOVE_MS = 5000;
const TICK_MS = 500;

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`screen.html lacks #${id}`);
  return node;
}

const ui = {
  body: document.body,
  brandTitle: byId('brand-title'),
  kindTag: byId('kind-tag'),
  competitionName: byId('competition-name'),
  viewTitle: byId('view-title'),
  viewSub: byId('view-sub'),
  clock: byId('clock'),
  date: byId('date'),
  livePill: byId('live-pill'),
  liveText: byId('live-text'),
  stale: byId('stale'),
  notice: byId('notice'),
  board: byId('board'),
  boardHead: byId('board-head'),
  rowsBox: byId('rows-box'),
  probe: byId('row-probe'),
  rows: byId('rows') as HTMLOListElement,
  empty: byId('empty'),
  footLeft: byId('foot-left'),
  viewDots: byId('view-dots'),
  pager: byId('pager'),
  legend: byId('legend'),
  progress: byId('progress'),
  loading: byId('loading'),
  revoked: byId('revoked'),
  revokedCode: byId('revoked-code'),
};

const params = new URLSearchParams(location.search);
let lang: Lang = parseLang(params.get('lang'));
const screenId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');
const apiQuery = new URLSearchParams();
for (const name of ['token', 'crew']) {
  const value = params.get(name);
  if (value) apiQuery.set(name, value);
}
const apiBase = `/v1/screens/${encodeURIComponent(screenId)}`;
const suffix = apiQuery.toString() ? `?${apiQuery.toString()}` : '';

let data: ScreenData | null = null;
let position: Position | null = null;
let capacity = 10;
let connection = initialConnection;
let shownStatus: ConnectionStatus | Phase | null = null;
/** The phase the page was last drawn in: the footer and the empty table say different things in each. */
let drawnPhase: Phase | null = null;
let gate: GateState = openGate;
/**
 * The server's clock minus the TV's: a TV box's own clock is often wrong (no NTP on the plant
 * network), so the clock, the date and "is the competition over" follow the server's time.
 */
let clockOffsetMs = 0;

function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

/**
 * For how long things last (a page's seconds, live marks, the stale check, the one banner a
 * minute): the browser's monotonic clock, which a TV box setting its wall clock back an hour
 * (NTP at last, or someone in the settings) does not move. Date.now() is only for the time shown.
 */
function ticks(): number {
  return performance.now();
}
let shownSecond = -1;
let shownStaleText = '';
let shownHead = '';
/** crewId → places gained and when the mark expires; only crews of the current page. */
const liveMoves = new Map<string, { places: number; until: number }>();
const rowList = createRowList(ui.rows);
const celebrator = createCelebrator(byId('celebration'));

function views(): ScreenViewData[] {
  return data?.views ?? [];
}

function pagesOf(view: ScreenViewData): PageRange[] {
  return paginate(view.rows.length, view.gapsBefore, capacity);
}

function slots(): (ViewSlot & { series: string })[] {
  return views().map((v) => ({ key: v.key, series: v.series, seconds: v.seconds, pages: pagesOf(v).length }));
}

function currentView(): ScreenViewData | undefined {
  return position ? views()[position.index] : undefined;
}

/** Today in the competition's time zone (the page's own zone is the TV's, often UTC). */
function today(view: ScreenViewData, now: number): string {
  return zonedDay(new Date(now), view.timeZone);
}

function phaseNow(view: ScreenViewData | undefined): Phase {
  return view ? phaseOf(view, today(view, serverNow())) : 'live';
}

/**
 * 最后更新: when the standings on screen were computed, the one time the footer and the stale
 * bar both show. A time of another day carries its date.
 */
function lastUpdate(view: ScreenViewData | undefined): string | null {
  const computed = view?.computedAt ? new Date(view.computedAt) : null;
  if (!view || !computed || Number.isNaN(computed.getTime())) return null;
  return zonedDay(computed, view.timeZone) === today(view, serverNow())
    ? clockTime(computed, view.timeZone)
    : dayAndTime(computed, lang, view.timeZone);
}

function measureCapacity(): number {
  const rowHeight = ui.probe.getBoundingClientRect().height;
  return rowsPerPage(ui.rowsBox.clientHeight, rowHeight);
}

function liveMoveMap(): Map<string, number> {
  const out = new Map<string, number>();
  for (const [crewId, move] of liveMoves) out.set(crewId, move.places);
  return out;
}

function setData(name: string, value: string): void {
  if (ui.body.dataset[name] !== value) ui.body.dataset[name] = value;
}

function text(node: HTMLElement, value: string): void {
  if (node.textContent !== value) node.textContent = value;
}

function rowContext(view: ScreenViewData, columns: BoardColumns): RowContext {
  return { lang, view, columns, liveMoves: liveMoveMap() };
}

function currentColumns(view: ScreenViewData): BoardColumns {
  const portrait = window.innerHeight > window.innerWidth;
  return boardColumns(view.kind, view.columns.length, portrait, { group: view.group, frozen: view.closedAt !== null });
}

function renderHead(view: ScreenViewData, columns: BoardColumns): void {
  const head = ui.boardHead;
  head.textContent = '';
  const cell = (label: string, className: string): void => {
    const node = document.createElement('div');
    node.className = `h ${className}`;
    node.textContent = label;
    head.append(node);
  };
  cell(t('rank', lang), 'c-rank');
  if (columns.movement) cell(t('movement', lang), 'c-move');
  cell(entrantHeader(view.entrantLevel, lang), 'c-crew');
  if (columns.branch) cell(t('branch', lang), 'c-branch');
  for (const column of view.columns.slice(0, columns.indicators)) cell(pick(column.name, lang), 'c-ind num');
  if (columns.score) cell(t('score', lang), 'c-score num');
}

function renderChrome(view: ScreenViewData, page: number, pageCount: number): void {
  if (!data) return;
  document.title = `${pick(data.title, lang)} · ${pick(view.title, lang)}`;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  text(ui.brandTitle, pick(data.title, lang));
  text(ui.kindTag, t(view.competitionKind === 'ankang' ? 'ankang' : 'labour', lang));
  ui.kindTag.dataset.kind = view.competitionKind;
  text(ui.competitionName, pick(view.competitionName, lang));
  text(ui.viewTitle, pick(view.title, lang));
  const vars = { total: view.total, limit: view.limit ?? view.total };
  // How many there are, and "top N" when the organiser lists only those.
  const total =
    view.kind === 'innovations'
      ? lang === 'en' && view.total === 1
        ? '1 crew with innovations this month'
        : t('innovationCrews', lang, vars)
      : entrantTotal(view.entrantLevel, view.total, view.limit, lang);
  const own = view.rows.filter((r) => view.highlightIds.includes(r.crewId));
  const mine = ownSummary(own, view.entrantLevel, lang);
  text(ui.viewSub, `${mine}${total}`);
  text(ui.footLeft, footLine(view));

  ui.viewDots.textContent = '';
  const all = views();
  if (all.length > 1) {
    all.forEach((v, i) => {
      const dot = document.createElement('i');
      if (i === position?.index) dot.className = 'on';
      dot.title = pick(v.title, lang);
      ui.viewDots.append(dot);
    });
  }
  // Counted over the series, so each branch page of 各分公司排名 says where it stands too.
  const counter = position ? seriesPage(slots(), { index: position.index, page }) : { page: 1, pages: pageCount };
  text(ui.pager, counter.pages > 1 ? t('pageOf', lang, counter) : '');
  ui.pager.hidden = counter.pages <= 1;

  ui.legend.textContent = '';
  // Frozen final standings have no movement to explain.
  if (view.kind !== 'innovations' && view.closedAt === null) {
    const up = document.createElement('span');
    up.className = 'up';
    up.textContent = t('upLegend', lang);
    const down = document.createElement('span');
    down.className = 'down';
    down.textContent = t('downLegend', lang);
    const since = document.createElement('span');
    // Full-width brackets belong to Chinese text only.
    since.textContent = lang === 'zh' ? `（${t('sinceYesterday', lang)}）` : `(${t('sinceYesterday', lang)})`;
    const live = document.createElement('span');
    live.className = 'legend-live';
    const chip = document.createElement('span');
    chip.className = 'live-chip';
    chip.textContent = '↑n';
    live.append(chip, ` ${t('liveLegend', lang)}`);
    ui.legend.append(up, down, since, live);
  }
}

/**
 * 统计日 and 最后更新 while a competition runs; once its whole period is closed, the period and
 * when it was closed, since the rows are its frozen final standings.
 */
function footLine(view: ScreenViewData): string {
  if (phaseNow(view) === 'upcoming') return t('startsOn', lang, { day: formatDay(view.period.start, lang) });
  if (view.closedAt !== null) {
    const closed = new Date(view.closedAt);
    const when = Number.isNaN(closed.getTime())
      ? ''
      : ` · ${t('closedAtWord', lang)} ${dayAndTime(closed, lang, view.timeZone)}`;
    return `${t('finalResults', lang)} ${formatDay(view.period.start, lang)}–${formatDay(view.period.end, lang)}${when}`;
  }
  const updated = lastUpdate(view);
  return `${t('asOf', lang)} ${formatDay(view.asOf, lang)}${updated ? ` · ${t('lastUpdate', lang)} ${updated}` : ''}`;
}

function restartProgress(seconds: number): void {
  const bar = ui.progress;
  bar.style.animation = 'none';
  reflow(bar);
  bar.style.animation = '';
  bar.style.animationDuration = `${Math.max(3, seconds)}s`;
}

/**
 * Draws the current view and page. `animate`: the same page got new data, so rows glide;
 * otherwise the page changed and rows enter afresh (and the page timer bar restarts).
 */
function render(animate: boolean): void {
  const view = position ? views()[position.index] : undefined;
  if (!data || !view || !position) {
    rowList.render([], emptyContext(), false);
    ui.empty.hidden = false;
    text(ui.empty, t('noRows', lang));
    return;
  }
  const columns = currentColumns(view);
  const template = gridTemplate(columns);
  if (ui.board.style.getPropertyValue('--grid') !== template) ui.board.style.setProperty('--grid', template);
  ui.board.dataset.kind = view.kind;
  // The bar takes room from the rows: when it comes or goes, rows per page are measured again.
  const waiting = showWaiting(view);
  // The columns change with the data too (closing freezes the standings: no movement column).
  const headKey = [view.key, lang, template, String(waiting), ...view.columns.map((c) => pick(c.name, lang))].join(
    '\u0000',
  );
  if (!animate || headKey !== shownHead) {
    shownHead = headKey;
    renderHead(view, columns);
    renderChrome(view, 0, 1);
    // Headings may have wrapped differently for this view: rows per page follow the room left.
    const measured = measureCapacity();
    if (measured !== capacity) {
      capacity = measured;
      position = reconcile(slots(), position, ticks()) ?? position;
    }
  }
  const pages = pagesOf(view);
  const page = Math.min(position.page, pages.length - 1);
  const range = pages[page] ?? { start: 0, end: 0 };
  renderChrome(view, page, pages.length);

  const gaps = new Set(view.gapsBefore);
  const items: RowItem[] = [];
  for (let i = range.start; i < range.end; i++) {
    const row = view.rows[i];
    if (row) items.push({ row, gapBefore: gaps.has(i) && i > 0 });
  }
  rowList.render(items, rowContext(view, columns), animate);
  ui.empty.hidden = items.length > 0;
  if (items.length === 0) text(ui.empty, emptyText(view));

  setData('viewKey', view.key);
  setData('viewKind', view.kind);
  setData('page', String(page + 1));
  setData('pages', String(pages.length));
  setData('lang', lang);
  drawnPhase = phaseNow(view);
  if (!animate) restartProgress(view.seconds);
}

/**
 * What an empty table says: when the competition starts, before it has; that no crew takes part
 * when none does (the roster is imported in the console); else that nothing is ranked yet.
 */
function emptyText(view: ScreenViewData): string {
  if (phaseNow(view) === 'upcoming') return t('startsOnSentence', lang, { day: formatDay(view.period.start, lang) });
  return view.total === 0 && view.kind !== 'innovations' ? t('noEntrants', lang) : t('noRows', lang);
}

/**
 * While a running competition has had no report at all, the scores on screen come from its rules
 * alone (safe days, a full rectification rate): the bar says so, and that the first report is awaited.
 */
function showWaiting(view: ScreenViewData): boolean {
  const waiting = !view.reported && phaseNow(view) === 'live';
  // Once closed, the same bar carries the 公示: until when, awaiting confirmation, or final.
  const notice = view.notice;
  const shown = waiting || notice !== null;
  if (ui.notice.hidden === shown) ui.notice.hidden = !shown;
  ui.notice.dataset['status'] = waiting ? 'waiting' : (notice?.status ?? '');
  if (waiting) text(ui.notice, t('noReports', lang));
  else if (notice) text(ui.notice, t(notice.status, lang, { day: formatDay(notice.endsOn, lang) }));
  return waiting;
}

function emptyContext(): RowContext {
  const view: ScreenViewData = {
    key: '',
    series: '',
    kind: 'ranking',
    title: { zh: '', en: '' },
    ranking: { zh: '', en: '' },
    group: null,
    competitionId: '',
    competitionName: { zh: '', en: '' },
    competitionKind: 'labour',
    entrantLevel: 'crew',
    timeZone: 'Asia/Shanghai',
    period: { start: '', end: '' },
    closedAt: null,
    notice: null,
    asOf: '',
    computedAt: null,
    reported: true,
    seconds: 20,
    columns: [],
    rows: [],
    total: 0,
    limit: null,
    highlightCrewId: null,
    highlightIds: [],
    gapsBefore: [],
  };
  return { lang, view, columns: boardColumns('ranking', 0, false), liveMoves: new Map() };
}

function applyTheme(next: ScreenData): void {
  const root = document.documentElement.style;
  root.setProperty('--primary', safeColour(next.primaryColour, '#b71c1c'));
  root.setProperty('--accent', safeColour(next.accentColour, '#ffc107'));
}

function onData(next: ScreenData): void {
  const previous = data;
  const before = position;
  data = next;
  applyTheme(next);
  ui.loading.hidden = true;
  const now = ticks();
  position = reconcile(slots(), position, now);
  const view = position ? next.views[position.index] : undefined;
  const oldView = view && previous ? previous.views.find((v) => v.key === view.key) : undefined;

  // Live movement marks: crews of the shown view that climbed in this very update.
  if (view) {
    for (const [crewId, places] of climbs(oldView?.rows, view.rows)) {
      liveMoves.set(crewId, { places, until: now + LIVE_MOVE_MS });
    }
    const present = new Set(view.rows.map((r) => r.crewId));
    for (const crewId of liveMoves.keys()) if (!present.has(crewId)) liveMoves.delete(crewId);
  }
  const samePage = before !== null && position !== null && before.key === position.key && before.page === position.page;
  render(samePage && oldView !== undefined);
  showClock();
  // The pill belongs to the data: rows of an ended competition never show under 实时, not even until the next tick.
  showStatus(now);

  // Only news of the ranking on screen, while it runs; the gate shows at most one a minute.
  if (view && next.celebrate && phaseNow(view) === 'live') {
    gate = offer(gate, celebrations(oldView, view), now);
    celebrate(now);
  }
}

function celebrate(now: number): void {
  const taken = take(gate, now, position?.key ?? null, (news) => stillTrue(currentView()?.rows ?? [], news));
  gate = taken.state;
  if (taken.show) celebrator.show(celebrationText(taken.show, lang));
}

function showStatus(now: number): void {
  const staleAfter = staleAfterSeconds(data?.staleAfterSeconds, data?.heartbeatSeconds);
  const status = statusAt(connection, now, staleAfter);
  setData('connection', status);
  // A connected screen says where its competition stands: 实时 only while it runs.
  const view = currentView();
  const phase = phaseNow(view);
  setData('phase', phase);
  // Midnight turns a competition's phase with no new data (its first day begins, its last ends):
  // 统计日 replaces "starts on", in place.
  if (view && drawnPhase !== null && phase !== drawnPhase) render(true);
  const pill = status === 'live' ? phase : status;
  if (pill !== shownStatus) {
    shownStatus = pill;
    ui.livePill.dataset.status = pill;
    text(ui.liveText, t(pill === 'revoked' ? 'stale' : pill, lang));
  }
  const stale = status === 'stale';
  if (ui.stale.hidden === stale) ui.stale.hidden = !stale;
  if (stale) {
    // The same 最后更新 as the footer: when the standings shown were computed.
    const last = lastUpdate(view);
    const line =
      last === null
        ? `${t('stale', lang)} · ${t('never', lang)} · ${t('reconnecting', lang)}…`
        : `${t('stale', lang)} · ${t('lastUpdate', lang)} ${last} · ${t('reconnecting', lang)}…`;
    if (line !== shownStaleText) {
      shownStaleText = line;
      ui.stale.textContent = line;
    }
  }
}

/** The clock waits for the data to say whose time it keeps (the competition's zone). */
function showClock(): void {
  const date = new Date(serverNow());
  const second = Math.floor(date.getTime() / 1000);
  if (second !== shownSecond && data) {
    shownSecond = second;
    text(ui.clock, clockTime(date, data.timeZone));
    text(ui.date, clockDate(date, lang, data.timeZone));
  }
}

function tick(): void {
  const now = ticks();
  showClock();
  showStatus(now);
  if (connection.revoked) return;

  let expired = false;
  for (const [crewId, move] of liveMoves) {
    if (move.until <= now) {
      liveMoves.delete(crewId);
      expired = true;
    }
  }
  const all = slots();
  if (position && all.length > 0 && isDue(all, position, now)) {
    const next = advance(all, position, now);
    const changed = next.key !== position.key || next.page !== position.page;
    // A banner names the ranking it is about: it leaves with that ranking.
    if (next.key !== position.key) celebrator.clear();
    position = next;
    if (changed) {
      // A new page shows fresh rows: old live marks belong to the page that left.
      liveMoves.clear();
      render(false);
      // The pill belongs to the rows: another competition's view brings its own phase at once.
      showStatus(now);
      expired = false;
    }
  }
  if (gate.pending) celebrate(now);
  if (expired) {
    const view = position ? views()[position.index] : undefined;
    if (view) rowList.refreshLiveMoves(rowContext(view, currentColumns(view)));
  }
  if (data) {
    const silentMs = Math.max(data.staleAfterSeconds * 2, data.heartbeatSeconds * 3, 20) * 1000;
    stream.checkSilence(now, connection.lastHeardAt, silentMs);
  }
}

function showRevoked(error: { code: string; message: string } | null): void {
  connection = revoke(connection);
  celebrator.clear();
  // Nothing of the old standings stays on a screen whose link is no longer valid.
  data = null;
  position = null;
  liveMoves.clear();
  rowList.render([], emptyContext(), false);
  ui.loading.hidden = true;
  ui.revoked.hidden = false;
  ui.revokedCode.textContent = error ? `${error.code}${error.message ? ` — ${error.message}` : ''}` : '';
  showStatus(ticks());
  window.clearInterval(timer);
}

const stream = openStream(
  { stream: `${apiBase}/stream${suffix}`, data: `${apiBase}/data${suffix}` },
  {
    data: onData,
    heard(serverTime) {
      const at = serverTime === undefined ? Number.NaN : Date.parse(serverTime);
      if (!Number.isNaN(at)) {
        clockOffsetMs = at - Date.now();
        shownSecond = -1;
        showClock();
      }
      connection = heard(connection, ticks());
      showStatus(ticks());
    },
    down() {
      connection = wentDown(connection);
      showStatus(ticks());
    },
    revoked: showRevoked,
  },
);

const timer = window.setInterval(tick, TICK_MS);
tick();

let resizeTimer: ReturnType<typeof setTimeout> | null = null;
function relayoutSoon(): void {
  if (resizeTimer !== null) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    resizeTimer = null;
    relayout();
  }, 200);
}
window.addEventListener('resize', relayoutSoon);
// The room for rows also changes without a resize: fonts arriving, a long English name wrapping
// in the masthead, a header wrapping to two lines. Rows per page follow it, so none is cut off.
let roomForRows = 0;
new ResizeObserver(() => {
  if (ui.rowsBox.clientHeight === roomForRows) return;
  roomForRows = ui.rowsBox.clientHeight;
  if (measureCapacity() !== capacity) relayoutSoon();
}).observe(ui.rowsBox);

function relayout(): void {
  const measured = measureCapacity();
  capacity = measured;
  position = reconcile(slots(), position, ticks());
  render(false);
}

// `L` switches language without touching the URL bar (a TV has a keyboard only during setup).
window.addEventListener('keydown', (event) => {
  if (event.key !== 'l' && event.key !== 'L') return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  lang = lang === 'zh' ? 'en' : 'zh';
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  history.replaceState(null, '', url.toString());
  shownStatus = null;
  shownStaleText = '';
  shownSecond = -1;
  tick();
  render(false);
});

capacity = measureCapacity();
