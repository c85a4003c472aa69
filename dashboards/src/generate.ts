import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allDashboards, dashboardJson, DASHBOARDS_JSON_DIR } from './all-dashboards.ts';

/** Writes every dashboard as dashboards/json/<uid>.json and removes files of dashboards that no longer exist. */
async function main(): Promise<void> {
  await mkdir(DASHBOARDS_JSON_DIR, { recursive: true });
  const written = new Set<string>();
  for (const dashboard of allDashboards()) {
    const file = `${dashboard.uid ?? ''}.json`;
    if (file === '.json') throw new Error(`dashboard "${dashboard.title}" has no uid`);
    await writeFile(join(DASHBOARDS_JSON_DIR, file), dashboardJson(dashboard));
    written.add(file);
  }
  for (const file of await readdir(DASHBOARDS_JSON_DIR)) {
    if (file.endsWith('.json') && !written.has(file)) await rm(join(DASHBOARDS_JSON_DIR, file));
  }
  process.stdout.write(`wrote ${written.size} dashboards to ${DASHBOARDS_JSON_DIR}: ${[...written].join(', ')}\n`);
}

await main();
