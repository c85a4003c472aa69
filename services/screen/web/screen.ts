/**
 * The big screen (大屏): rotates through the screen's views page by page and keeps them live
 * from the server's event stream. Everything is built once and updated in place, because the
 * page runs for days on a canteen TV: one interval, one stream, no per-update listeners.
 */
import type { ScreenData, ScreenViewData } from '../../../schemas/screen.schema.ts';
import { boardColumns, gridTemplate, type BoardColumns } from './board-layout.ts';
import { createCelebrator } from './celebration.ts';
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
import { clockDate, clockTime, formatDay } from './number-format.ts';
import { createRowList, type RowContext, type RowItem } from './row-list.ts';
import { celebrations, celebrationText, climbs } from './row-motion.ts';
import { reflow } from './reflow.ts';
import { safeColour } from './screen-data-guard.ts';
import { openStream } from './screen-stream.ts';
import {
  advance,
  isDue,
  paginate,
  reconcile,
  rowsPerPage,
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
let shownStatus: ConnectionStatus | null = null;
let shownSecond = -1;
let shownStaleText = '';
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

function slots(): ViewSlot[] {
  return views().map((v) => ({ key: v.key, seconds: v.seconds, pages: pagesOf(v).length }));
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
  return boardColumns(view.kind, view.columns.length, portrait);
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
  cell(t('crew', lang), 'c-crew');
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
  const me = view.highlightCrewId ? view.rows.find((r) => r.crewId === view.highlightCrewId) : undefined;
  // The innovations board counts the crews with an innovation this month, not every crew.
  const innovations = view.kind === 'innovations';
  const total =
    lang === 'zh'
      ? `${innovations ? '本月有创新成果的班组' : t('crewsInGroup', lang)} ${view.total} 个`
      : `${view.total} ${view.total === 1 ? 'crew' : 'crews'}${innovations ? ' with innovations this month' : ''}`;
  const mine =
    me && me.rank !== null
      ? lang === 'zh'
        ? `${me.crewName} 第${me.rank}名 · `
        : `${me.crewName}: #${me.rank} · `
      : '';
  text(ui.viewSub, `${mine}${total}`);

  const computed = view.computedAt ? new Date(view.computedAt) : null;
  const updated =
    computed && !Number.isNaN(computed.getTime()) ? ` · ${t('lastUpdate', lang)} ${clockTime(computed)}` : '';
  text(ui.footLeft, `${t('asOf', lang)} ${formatDay(view.asOf, lang)}${updated}`);

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
  text(
    ui.pager,
    pageCount > 1 ? (lang === 'zh' ? `第 ${page + 1}/${pageCount} 页` : `Page ${page + 1}/${pageCount}`) : '',
  );
  ui.pager.hidden = pageCount <= 1;

  ui.legend.textContent = '';
  if (view.kind !== 'innovations') {
    const up = document.createElement('span');
    up.className = 'up';
    up.textContent = t('upLegend', lang);
    const down = document.createElement('span');
    down.className = 'down';
    down.textContent = t('downLegend', lang);
    const since = document.createElement('span');
    // Full-width brackets belong to Chinese text only.
    since.textContent = lang === 'zh' ? `（${t('sinceYesterday', lang)}）` : `(${t('sinceYesterday', lang)})`;
    ui.legend.append(up, down, since);
  }
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
  if (!animate) {
    renderHead(view, columns);
    renderChrome(view, 0, 1);
    // Headings may have wrapped differently for this view: rows per page follow the room left.
    const measured = measureCapacity();
    if (measured !== capacity) {
      capacity = measured;
      position = reconcile(slots(), position, Date.now()) ?? position;
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
  if (items.length === 0) text(ui.empty, t('noRows', lang));

  setData('viewKey', view.key);
  setData('viewKind', view.kind);
  setData('page', String(page + 1));
  setData('pages', String(pages.length));
  setData('lang', lang);
  if (!animate) restartProgress(view.seconds);
}

function emptyContext(): RowContext {
  const view: ScreenViewData = {
    key: '',
    kind: 'ranking',
    title: { zh: '', en: '' },
    competitionId: '',
    competitionName: { zh: '', en: '' },
    competitionKind: 'labour',
    asOf: '',
    computedAt: null,
    seconds: 20,
    columns: [],
    rows: [],
    total: 0,
    highlightCrewId: null,
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
  const now = Date.now();
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

  for (const c of celebrations(previous, next)) celebrator.show(celebrationText(c, lang));
}

function showStatus(now: number): void {
  const staleAfter = staleAfterSeconds(data?.staleAfterSeconds, data?.heartbeatSeconds);
  const status = statusAt(connection, now, staleAfter);
  setData('connection', status);
  if (status !== shownStatus) {
    shownStatus = status;
    ui.livePill.dataset.status = status;
    text(
      ui.liveText,
      status === 'live' ? t('live', lang) : status === 'connecting' ? t('connecting', lang) : t('stale', lang),
    );
  }
  const stale = status === 'stale';
  if (ui.stale.hidden === stale) ui.stale.hidden = !stale;
  if (stale) {
    const last = connection.lastHeardAt === null ? t('never', lang) : clockTime(new Date(connection.lastHeardAt));
    const line =
      connection.lastHeardAt === null
        ? `${t('stale', lang)} · ${last} · ${t('reconnecting', lang)}…`
        : `${t('stale', lang)} · ${t('lastUpdate', lang)} ${last} · ${t('reconnecting', lang)}…`;
    if (line !== shownStaleText) {
      shownStaleText = line;
      ui.stale.textContent = line;
    }
  }
}

function tick(): void {
  const now = Date.now();
  const date = new Date(now);
  const second = Math.floor(now / 1000);
  if (second !== shownSecond) {
    shownSecond = second;
    text(ui.clock, clockTime(date));
    text(ui.date, clockDate(date, lang));
  }
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
    position = next;
    if (changed) {
      // A new page shows fresh rows: old live marks belong to the page that left.
      liveMoves.clear();
      render(false);
      expired = false;
    }
  }
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
  showStatus(Date.now());
  window.clearInterval(timer);
}

const stream = openStream(
  { stream: `${apiBase}/stream${suffix}`, data: `${apiBase}/data${suffix}` },
  {
    data: onData,
    heard() {
      connection = heard(connection, Date.now());
      showStatus(Date.now());
    },
    down() {
      connection = wentDown(connection);
      showStatus(Date.now());
    },
    revoked: showRevoked,
  },
);

const timer = window.setInterval(tick, TICK_MS);
tick();

let resizeTimer: ReturnType<typeof setTimeout> | null = null;
window.addEventListener('resize', () => {
  if (resizeTimer !== null) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    resizeTimer = null;
    relayout();
  }, 200);
});

function relayout(): void {
  const measured = measureCapacity();
  capacity = measured;
  position = reconcile(slots(), position, Date.now());
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
