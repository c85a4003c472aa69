/**
 * npm run bench:dashboards: loads 10,000 crews, BENCH_EVENTS events (default 1 million) and a
 * standings snapshot for each of 30 days into embedded ClickHouse, then runs every dashboard
 * panel's SQL as Grafana would send it (variables resolved, macros expanded) and prints how long
 * each takes (median of BENCH_RUNS). Figures only; nothing here gates CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { allDashboards } from '../../dashboards/src/all-dashboards.ts';
import { parseConfig } from '../../services/api/config.ts';
import { createLeaderboard } from '../../services/api/leaderboard.ts';
import { addDays, dayInZone, daysFrom, startOfDay } from '../../services/shared/calendar.ts';
import { resolveVariables, runQuery } from '../support/grafana-clickhouse.ts';
import { BENCH_COMPETITION_ID, benchBatch, benchCompetition, benchOrg } from './bench-data.ts';

const TOTAL = Number(process.env['BENCH_EVENTS'] ?? 1_000_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const BATCH = 5_000;
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-dash-bench-'));

async function inject(
  lb: Awaited<ReturnType<typeof createLeaderboard>>,
  method: 'PUT' | 'POST',
  url: string,
  payload: string,
) {
  const res = await lb.app.inject({ method, url, payload, headers: { 'content-type': 'application/json' } });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

try {
  const config = parseConfig({ DATA_DIR: dataDir, DEMO: 'off', STANDINGS_PERSIST_MS: '0', LOG_LEVEL: 'warn' });
  const lb = await createLeaderboard(config, pino({ level: 'warn' }));
  const today = dayInZone(new Date(), 'Asia/Shanghai');
  const start = addDays(today, -29);
  const org = benchOrg();
  await inject(lb, 'PUT', '/v1/org', JSON.stringify(org));
  await inject(
    lb,
    'PUT',
    `/v1/competitions/${BENCH_COMPETITION_ID}`,
    JSON.stringify(benchCompetition(start, addDays(today, 30))),
  );
  const crewIds = org.crews.map((c) => c.id);
  const dayStarts = daysFrom(start, addDays(today, -1)).map((d) => startOfDay(d, 'Asia/Shanghai').getTime());
  const loadStarted = performance.now();
  for (let n = 0; n * BATCH < TOTAL; n++) {
    await inject(lb, 'POST', '/v1/events', benchBatch(n, Math.min(BATCH, TOTAL - n * BATCH), crewIds, dayStarts));
  }
  await lb.refresher.flush();
  for (const day of daysFrom(start, today)) await lb.standings.recompute(BENCH_COMPETITION_ID, day);
  await lb.standings.flush();
  console.log(
    `loaded ${crewIds.length.toLocaleString()} crews, ${TOTAL.toLocaleString()} events and 30 days of standings in ${Math.round((performance.now() - loadStarted) / 1000)} s`,
  );

  const to = new Date();
  const range = { from: new Date(to.getTime() - 30 * 86_400_000), to };
  const base = { range, intervalMs: 3_600_000 };
  console.log(`\nmedian of ${RUNS} runs per panel query (ms), rows returned:`);
  for (const d of allDashboards()) {
    const templating = (d.templating?.list ?? []) as Parameters<typeof resolveVariables>[1];
    const t0 = performance.now();
    const variables = await resolveVariables(lb.client, templating, base);
    console.log(`\n${d.title} (${d.uid}): variables ${Math.round(performance.now() - t0)} ms`);
    for (const panel of (d.panels ?? []) as { title?: string; targets?: { rawSql: string; format?: number }[] }[]) {
      for (const target of panel.targets ?? []) {
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          rows = (await runQuery(lb.client, target, { ...base, variables })).rows.length;
          times.push(performance.now() - started);
        }
        console.log(
          `  ${String(Math.round(median(times))).padStart(6)}  ${String(rows).padStart(6)}  ${panel.title ?? ''}`,
        );
      }
    }
  }
  await lb.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
