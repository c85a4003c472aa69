import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chooseOption, consoleShot, fieldErrors, settled } from '../support/console-page.ts';
import { startConsoleWorld, stopConsoleWorld, type ConsoleWorld } from '../support/console-world.ts';
import { labourCompetition, smallOrg } from '../support/fixtures.ts';
import { fixedClock } from '../support/test-leaderboard.ts';
import { assessmentSheetWorkbook } from '../support/workbooks.ts';

/**
 * The API's errors under a list's fields (考核细则 items, a screen set's views) when the organiser
 * removes an item before the one they are about: they stay under the item they were about, go when
 * it is corrected, and the count above the form follows. Before, the errors' marks kept their old
 * places: the item that moved into one was taken for a correction, and the error went from the
 * item it was about, uncorrected.
 */

const clock = fixedClock('2026-03-10T10:00:00+08:00');
vi.setConfig({ testTimeout: 120_000 });

let world: ConsoleWorld | undefined;
let base: string;
let page: Page;
let problems: string[];

const item = (category: number, index: number) =>
  `[data-testid="category-${category}"] [data-testid="sheet-item"] >> nth=${index}`;
const errorsOf = (selector: string) => fieldErrors(page, selector).allTextContents();
const itemNames = () =>
  page
    .locator('[data-testid="category-0"] [data-testid="item-name"]')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
const problemsShown = async () =>
  (await page.locator('[data-testid="editor-problems"]').count()) === 0
    ? ''
    : ((await page.textContent('[data-testid="editor-problems"]')) ?? '');

beforeAll(async () => {
  world = await startConsoleWorld(clock, async (call) => {
    await call('PUT', '/v1/org', { ...smallOrg, targets: [] });
    await call('PUT', '/v1/competitions/labour-m3', labourCompetition);
  });
  ({ base, page, problems } = world);
}, 120_000);

afterAll(() => stopConsoleWorld(world));

describe("the API's errors under a list's items", () => {
  it('stay under the item they are about when an item before it is removed, and go when it is corrected', async () => {
    await page.goto(`${base}/console/competitions/new?template=ankang-crew`);
    await page.waitForSelector('[data-testid="sheet-card"]');
    await page.fill('[data-testid="competition-id"]', 'list-errors');
    // 二级以上非伤事故, the third item of 安全事故管理: steps the API cannot read.
    const accident = '二级以上非伤事故（每起扣10分）';
    expect((await itemNames())[2]).toBe(accident);
    await chooseOption(page, `${item(0, 2)} >> [data-testid="item-deduction"]`, '逐次加重');
    await page.fill(`${item(0, 2)} >> [data-testid="item-steps"]`, '1, 3, x');
    await page.click('[data-testid="save-draft"]');
    await page.waitForSelector('[data-testid="editor-problems"]');
    await expect.poll(() => errorsOf(`${item(0, 2)} >> [data-testid="item-steps"]`)).toEqual(['必须是数字']);
    expect(await problemsShown()).toContain('1 个字段有问题');

    // The first item goes: the accidents item is now the second, with its error and its count.
    await page.locator(`${item(0, 0)} >> button[aria-label="删除"]`).click();
    await settled(page);
    expect(await itemNames()).toEqual([expect.stringContaining('轻伤'), accident]);
    expect(await errorsOf(`${item(0, 1)} >> [data-testid="item-steps"]`)).toEqual(['必须是数字']);
    expect(await problemsShown()).toContain('1 个字段有问题');
    await page.locator('[data-testid="category-0"]').scrollIntoViewIfNeeded();
    await page.screenshot(consoleShot('list-errors-after-removal'));

    // Corrected: its error goes, and with it the count above the form.
    await page.fill(`${item(0, 1)} >> [data-testid="item-steps"]`, '1, 3, 5');
    await expect.poll(() => errorsOf(`${item(0, 1)} >> [data-testid="item-steps"]`)).toEqual([]);
    expect(await problemsShown()).not.toContain('个字段有问题');

    // An item whose error goes with it: removed, nothing is left counted.
    await page.fill(`${item(0, 1)} >> [data-testid="item-steps"]`, '2, x');
    await page.click('[data-testid="save-draft"]');
    await expect.poll(() => errorsOf(`${item(0, 1)} >> [data-testid="item-steps"]`)).toEqual(['必须是数字']);
    await page.locator(`${item(0, 1)} >> button[aria-label="删除"]`).click();
    await settled(page);
    expect(await itemNames()).toEqual([expect.stringContaining('轻伤')]);
    // Gone once antd's error list has played its leave (it keeps a cleared error a moment).
    await expect.poll(() => page.locator('[data-testid="sheet-card"] .ant-form-item-explain-error').count()).toBe(0);
    expect(await problemsShown()).not.toContain('个字段有问题');
    expect(problems).toEqual([]);
  });

  it('go with their field when another kind replaces it, and when a sheet is imported over them', async () => {
    // The one item left, 逐次加重 with steps the API cannot read.
    await chooseOption(page, `${item(0, 0)} >> [data-testid="item-deduction"]`, '逐次加重');
    await page.fill(`${item(0, 0)} >> [data-testid="item-steps"]`, '1, x');
    await page.click('[data-testid="save-draft"]');
    await expect.poll(() => errorsOf(`${item(0, 0)} >> [data-testid="item-steps"]`)).toEqual(['必须是数字']);
    expect(await problemsShown()).toContain('1 个字段有问题');
    // 每处扣分 instead: the points field shows nothing of the steps' error, and nothing is counted.
    await chooseOption(page, `${item(0, 0)} >> [data-testid="item-deduction"]`, '每处扣分');
    expect(await errorsOf(`${item(0, 0)} >> [data-testid="item-points"]`)).toEqual([]);
    await expect.poll(problemsShown).not.toContain('个字段有问题');

    // Errors again, then a sheet imported from Excel over the items they were about.
    await chooseOption(page, `${item(0, 0)} >> [data-testid="item-deduction"]`, '逐次加重');
    await page.fill(`${item(0, 0)} >> [data-testid="item-steps"]`, '2, y');
    await page.click('[data-testid="save-draft"]');
    await expect.poll(problemsShown).toContain('1 个字段有问题');
    await page.click('[data-testid="sheet-import"]');
    await page.setInputFiles('.ant-modal .ant-upload input[type=file]', {
      name: '考核细则.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await assessmentSheetWorkbook(),
    });
    await page.waitForSelector('[data-testid="sheet-import-preview"] .ant-table-row');
    await page.click('[data-testid="sheet-import-apply"]');
    await page.waitForSelector('[data-testid="category-2"]');
    await expect.poll(problemsShown).not.toContain('个字段有问题');
    // Gone once antd's error list has played its leave (it keeps a cleared error a moment).
    await expect.poll(() => page.locator('[data-testid="sheet-card"] .ant-form-item-explain-error').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("do the same in a screen set's views", async () => {
    await page.goto(`${base}/console/screens/new`);
    await page.waitForSelector('[data-testid="screen-view"]');
    await page.fill('[data-testid="screen-name"]', '班组大屏');
    // A second view: 五小 innovations, top 300 (the API takes at most 200).
    await page.click('[data-testid="add-view"]');
    const view = (n: number) => `[data-testid="screen-view"] >> nth=${n}`;
    await chooseOption(page, `${view(1)} >> [data-testid="view-kind"]`, '“五小”创新月榜');
    await page.fill(`${view(1)} >> [data-testid="view-limit"]`, '300');
    await page.click('[data-testid="save-screen"]');
    await expect.poll(() => errorsOf(`${view(1)} >> [data-testid="view-limit"]`)).not.toEqual([]);
    const said = await errorsOf(`${view(1)} >> [data-testid="view-limit"]`);
    // The ranking view before it goes: the innovations view is the first, its error with it.
    await page.locator(`${view(0)} >> button:has-text("删除")`).click();
    await settled(page);
    expect(await page.locator('[data-testid="screen-view"]').count()).toBe(1);
    expect(await errorsOf(`${view(0)} >> [data-testid="view-limit"]`)).toEqual(said);
    await page.fill(`${view(0)} >> [data-testid="view-limit"]`, '50');
    await expect.poll(() => errorsOf(`${view(0)} >> [data-testid="view-limit"]`)).toEqual([]);
    await page.click('[data-testid="save-screen"]');
    await page.waitForURL(/\/console\/screens\/screen-/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1) ?? '');
    const saved = (await (
      await fetch(`${base}/v1/screens/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${world?.admin ?? ''}` },
      })
    ).json()) as { definition: { views: unknown[] } };
    expect(saved.definition.views).toEqual([expect.objectContaining({ kind: 'innovations', limit: 50 })]);
    expect(problems).toEqual([]);
  });
});
