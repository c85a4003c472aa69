import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alertRulesFile } from './alert-rules.ts';
import { allDashboards, dashboardJson, DASHBOARDS_JSON_DIR } from './all-dashboards.ts';
import { ALERTING_FILE, alertingYaml, PLAYLIST_FILE, playlistJson } from './provisioning-files.ts';
import { ANALYSTS_PLAYLIST } from './playlist.ts';

/**
 * Writes every dashboard as dashboards/json/<uid>.json (removing files of dashboards that no
 * longer exist), the alert rules' provisioning file and the analysts' playlist.
 */
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
  await writeFile(ALERTING_FILE, alertingYaml(alertRulesFile()));
  await writeFile(PLAYLIST_FILE, playlistJson(ANALYSTS_PLAYLIST));
  process.stdout.write(
    `wrote ${written.size} dashboards to ${DASHBOARDS_JSON_DIR}: ${[...written].join(', ')}\nwrote ${ALERTING_FILE}\nwrote ${PLAYLIST_FILE}\n`,
  );
}

await main();
