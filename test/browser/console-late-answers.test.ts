import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { startConsoleWorld, stopConsoleWorld, type ConsoleWorld } from '../support/console-world.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock } from '../support/test-leaderboard.ts';

/**
 * What an organiser types while a page's lists are still on their way stays typed. The competition
 * editor is shown at once from its template; when the list of competitions answered later (a slow
 * line, a loaded server), it put the template's values back over what had been typed, and the id
 * too. A new screen set waits for the competitions it offers before it shows its form.
 */

const clock = fixedClock('2026-03-10T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

let world: ConsoleWorld | undefined;
let leaderboard: Leaderboard;
let base: string;
let page: Page;
let problems: string[];
const admin = () => world?.admin ?? '';
const LIST = '**/v1/competitions?drafts=true';

/** Holds the page's requests to `url` until released, as a slow line would. */
async function hold(url: string): Promise<{ held: () => number; release: () => Promise<void> }> {
  const waiting: Route[] = [];
  await page.route(url, (route) => {
    waiting.push(route);
  });
  return {
    held: () => waiting.length,
    release: async () => {
      await Promise.all(waiting.map((route) => route.continue()));
      await page.unroute(url);
    },
  };
}

beforeAll(async () => {
  // The Ankang template suggests ankang-2026-03: taken, so the list's answer changes the suggestion.
  world = await startConsoleWorld(clock, async (call) => {
    await call('PUT', '/v1/org', { ...smallOrg, targets: [] });
    await call('PUT', '/v1/competitions/labour-m3', labourCompetition);
    await call('PUT', '/v1/competitions/ankang-2026-03', {
      ...labourCompetition,
      name: { zh: '已有的安康杯', en: 'Taken' },
    });
  });
  ({ leaderboard, base, page, problems } = world);
}, 120_000);

afterAll(() => stopConsoleWorld(world));

describe('a list answering after the organiser started typing', () => {
  it('leaves the competition editor’s typed fields as typed; only an id not typed follows the list', async () => {
    const list = await hold(LIST);
    await page.goto(`${base}/console/competitions/new?template=ankang`);
    await page.waitForSelector('[data-testid="sheet-card"]');
    await expect.poll(list.held).toBeGreaterThan(0);
    expect(await page.inputValue('[data-testid="competition-id"]')).toBe('ankang-2026-03');
    await page.fill('#noticeWorkingDays', '7');
    await list.release();
    // The list shows the suggested id taken: the suggestion moves on (so the list was applied)…
    await expect.poll(() => page.inputValue('[data-testid="competition-id"]')).not.toBe('ankang-2026-03');
    expect(await page.inputValue('[data-testid="competition-id"]')).toMatch(/^ankang-2026-03-/);
    // …and the number typed meanwhile is still there (the template's 5 was put back before).
    expect(await page.inputValue('#noticeWorkingDays')).toBe('7');

    // An id typed before the list answered is the organiser's: it stays.
    const again = await hold(LIST);
    await page.goto(`${base}/console/competitions/new?template=ankang`);
    await page.waitForSelector('[data-testid="sheet-card"]');
    await expect.poll(again.held).toBeGreaterThan(0);
    await page.fill('[data-testid="competition-id"]', 'ankang-west-lake');
    const answered = page.waitForResponse((r) => r.url().includes('/v1/competitions?drafts=true'));
    await again.release();
    await answered;
    // Nothing on screen shows the list was applied when the id stays; React applies an answer
    // within a few frames, and a wrong id would show by then.
    await page.waitForTimeout(1_000);
    expect(await page.inputValue('[data-testid="competition-id"]')).toBe('ankang-west-lake');
    expect(problems).toEqual([]);
  });

  it('says under a new competition’s id that it is taken, and saving under it is refused', async () => {
    await page.goto(`${base}/console/competitions/new?template=ankang`);
    await page.waitForSelector('[data-testid="sheet-card"]');
    await page.fill('[data-testid="competition-id"]', 'ankang-2026-03');
    const idItem = page.locator('.ant-form-item', { has: page.locator('[data-testid="competition-id"]') });
    await idItem.getByText('编号已被竞赛「已有的安康杯」使用，请换一个；用它保存会被拒绝').waitFor();
    const before = leaderboard.catalog.versions('ankang-2026-03')?.length;
    await page.click('[data-testid="save-draft"]');
    const refused = page.locator('[data-testid="editor-problems"]', {
      hasText: '编号 "ankang-2026-03" 已被竞赛「已有的安康杯」使用',
    });
    await refused.waitFor();
    // In the console's language only.
    expect(await refused.textContent()).not.toContain('is taken');
    // The other competition is as it was: no version of the template was saved into it.
    expect(leaderboard.catalog.versions('ankang-2026-03')?.length).toBe(before);
    expect(leaderboard.catalog.competition('ankang-2026-03')?.definition.name.zh).toBe('已有的安康杯');
    await page.screenshot({ path: '.tmp/screenshots/console-id-taken.png' });
    expect(problems).toEqual([]);
  });

  it('says under a new screen set’s id that it is taken, and saving under it leaves the other set alone', async () => {
    const hall = {
      name: { zh: '集团大厅', en: 'HQ hall' },
      views: [{ kind: 'ranking', competitionId: 'labour-m3', limit: 10, seconds: 20 }],
    };
    const put = await fetch(`${base}/v1/screens/hall`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin()}`, 'content-type': 'application/json' },
      body: JSON.stringify(hall),
    });
    expect(put.status, await put.text()).toBe(200);
    await page.goto(`${base}/console/screens/new`);
    await page.fill('[data-testid="screen-name"]', '营业厅大屏');
    await page.fill('[data-testid="screen-id"]', 'hall');
    const idItem = page.locator('.ant-form-item', { has: page.locator('[data-testid="screen-id"]') });
    await idItem.getByText('编号已被大屏「集团大厅」使用，请换一个；用它保存会被拒绝').waitFor();
    await page.click('[data-testid="save-screen"]');
    await page.locator('.ant-alert', { hasText: '大屏编号 "hall" 已被大屏「集团大厅」使用' }).waitFor();
    const stored = (await (await fetch(`${base}/v1/screens/hall`)).json()) as { version: number; definition: unknown };
    expect(stored).toMatchObject({ version: 1, definition: { name: { zh: '集团大厅' } } });
    expect(problems).toEqual([]);
  });

  it('shows a new screen set’s form once the competitions it offers have answered', async () => {
    const list = await hold(LIST);
    await page.goto(`${base}/console/screens/new`);
    await expect.poll(list.held).toBeGreaterThan(0);
    await page.waitForSelector('.ant-skeleton');
    expect(await page.locator('[data-testid="screen-name"]').count()).toBe(0);
    await list.release();
    await page.fill('[data-testid="screen-name"]', '营业厅大屏');
    await page.waitForSelector('[data-testid="screen-view"]');
    expect(await page.inputValue('[data-testid="screen-name"]')).toBe('营业厅大屏');
    expect(problems).toEqual([]);
  });
});
