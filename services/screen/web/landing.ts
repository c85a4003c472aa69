/**
 * The landing page (GET /): competitions with their standings JSON and the screens that show
 * them. "打开大屏 / Open screen" reuses this browser's display link for the screen or creates one.
 */
import {
  kindLabel,
  linkIsDead,
  periodText,
  readCompetitions,
  readCreatedLink,
  readScreens,
  readStoredLink,
  screensFor,
  tokenKey,
  type CompetitionItem,
  type ScreenItem,
  type StoredLink,
} from './landing-model.ts';
import { t, type WordKey } from './i18n.ts';

const LABEL = '本机浏览器 / this browser';

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`landing.html lacks #${id}`);
  return node;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

function bilingual(zh: string, en: string): HTMLSpanElement {
  return el('span', 'bi', zh, ' ', el('span', 'en', en));
}

function bilingualWord(key: WordKey): HTMLSpanElement {
  return bilingual(t(key, 'zh'), t(key, 'en'));
}

function linkButton(href: string, key: WordKey, primary: boolean): HTMLAnchorElement {
  const link = el('a', primary ? 'open' : 'open secondary', bilingualWord(key));
  link.href = href;
  return link;
}

/** What an empty list says: what to do next, and the console page and handbook section that do it. */
function emptyStart(testId: string, sentence: WordKey, section: string): HTMLElement {
  const box = el(
    'div',
    'empty-start',
    el('p', '', bilingualWord(sentence)),
    el(
      'p',
      'actions',
      linkButton('/console', 'openConsole', true),
      ' ',
      linkButton(`/handbook#${section}`, 'handbook', false),
    ),
  );
  box.dataset.testid = testId;
  return box;
}

function showError(zh: string, en: string): void {
  const box = byId('error');
  box.textContent = '';
  box.append(bilingual(zh, en));
  box.hidden = false;
}

const API_TOKEN_KEY = 'leaderboard.apiToken';

/**
 * Fetches with the API token this tab was given. With access control on, reads may need a viewer
 * token and creating a display link an organiser token: on 401/403 the page asks for one once,
 * keeps it for this tab only (sessionStorage) and tries again.
 */
async function fetchWithToken(url: string, init: RequestInit = {}): Promise<Response> {
  const send = (token: string | null) => {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(url, { ...init, headers });
  };
  let session: Storage | null = null;
  try {
    session = window.sessionStorage;
  } catch {
    // Storage may be forbidden: the token is then asked for on each action.
  }
  const response = await send(session?.getItem(API_TOKEN_KEY) ?? null);
  if (response.status !== 401 && response.status !== 403) return response;
  const token = window.prompt('此操作需要 API 令牌（组织者或查看者）/ This needs an API token (organiser or viewer):');
  if (!token) return response;
  session?.setItem(API_TOKEN_KEY, token.trim());
  return send(token.trim());
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetchWithToken(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Private modes may forbid storage: a fresh link each time still works.
    return null;
  }
}

async function createLink(screenId: string): Promise<StoredLink> {
  const response = await fetchWithToken(`/v1/screens/${encodeURIComponent(screenId)}/links`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label: LABEL }),
  });
  const link = readCreatedLink(await response.json().catch(() => null));
  if (!response.ok || !link) throw new Error(`create display link: HTTP ${response.status}`);
  storage()?.setItem(tokenKey(screenId), JSON.stringify(link));
  return link;
}

async function stillValid(screenId: string, link: StoredLink): Promise<boolean> {
  try {
    const response = await fetch(
      `/v1/screens/${encodeURIComponent(screenId)}/data?token=${encodeURIComponent(link.token)}`,
      { headers: { accept: 'application/json' }, cache: 'no-store' },
    );
    return !linkIsDead(response.status);
  } catch {
    return true;
  }
}

async function openScreen(screen: ScreenItem, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const stored = readStoredLink(storage()?.getItem(tokenKey(screen.id)) ?? null);
    const link = stored && (await stillValid(screen.id, stored)) ? stored : await createLink(screen.id);
    location.assign(link.url);
  } catch {
    button.disabled = false;
    showError('无法创建大屏链接，请稍后重试。', 'Could not create a display link; try again.');
  }
}

function screenButton(screen: ScreenItem): HTMLElement {
  const button = el('button', 'open', bilingual('打开大屏', 'Open screen'));
  button.type = 'button';
  button.dataset.screenId = screen.id;
  button.addEventListener('click', () => void openScreen(screen, button));
  const tag = screen.builtIn ? el('span', 'tag', '默认 default') : el('span', 'tag custom', '自定义 custom');
  const name = el('span', 'screen-name', el('span', 'screen-zh', screen.name.zh), ' ', tag);
  const sub = el('span', 'screen-en', screen.name.en);
  return el('div', 'screen-item', el('span', 'screen-names', name, sub), button);
}

function competitionCard(c: CompetitionItem, screens: readonly ScreenItem[]): HTMLElement {
  const kind = kindLabel(c.kind);
  const head = el(
    'div',
    'card-head',
    el('span', `kind kind-${c.kind}`, `${kind.zh} · ${kind.en}`),
    el('span', 'period', periodText(c.period)),
  );
  const title = el('h3', '', c.name.zh, el('span', 'en', c.name.en));
  const standings = el('a', 'json', bilingual('排名数据 JSON', 'Standings JSON'));
  standings.href = c.links.standings;
  const list = el('div', 'screen-list');
  const mine = screensFor(c.id, screens);
  if (mine.length === 0) list.append(el('p', 'muted', '暂无大屏 · No screen yet'));
  for (const s of mine) list.append(screenButton(s));
  const card = el('article', 'card', head, title, el('div', 'links', standings), list);
  card.dataset.competitionId = c.id;
  return card;
}

async function main(): Promise<void> {
  const competitionsBox = byId('competitions');
  const screensBox = byId('screens');
  let competitions: CompetitionItem[];
  let screens: ScreenItem[];
  try {
    const [c, s] = await Promise.all([getJson('/v1/competitions'), getJson('/v1/screens').catch(() => null)]);
    competitions = readCompetitions(c);
    screens = readScreens(s);
  } catch {
    competitionsBox.textContent = '';
    showError('无法读取竞赛列表，请检查服务是否运行。', 'Could not load the competitions; is the server running?');
    return;
  }
  competitionsBox.textContent = '';
  if (competitions.length === 0) {
    competitionsBox.append(emptyStart('no-competitions', 'landingNoCompetitions', 'first-run'));
  }
  for (const c of competitions) competitionsBox.append(competitionCard(c, screens));

  screensBox.textContent = '';
  if (screens.length === 0) screensBox.append(emptyStart('no-screens', 'landingNoScreens', 'screens'));
  for (const s of screens) screensBox.append(screenButton(s));
}

void main();
