import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { pino } from 'pino';
import { expect } from 'vitest';
import { allDashboards } from '../../dashboards/src/all-dashboards.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import {
  ANKANG_COMPETITION_ID,
  LABOUR_COMPETITION_ID,
  buildDemoCompetitions,
} from '../../services/demo/demo-competitions.ts';
import { seedDemoIfEmpty } from '../../services/demo/seed-demo.ts';
import {
  resolveVariables,
  runQuery,
  type QueryContext,
  type QueryResult,
  type Target,
  type VariableModel,
  type VariableState,
} from './grafana-clickhouse.ts';
import { interpolate } from './grafana-interpolate.ts';
import { kafkaEnv, testKafka } from './kafka.ts';
import { fixedClock, startTestLeaderboard, waitFor, type TestClock } from './test-leaderboard.ts';

/**
 * The data every dashboard test runs on: the demo loaded through the real Kafka pipeline into
 * the embedded engine (so every table a dashboard reads holds what production would), plus what
 * the demo lacks, on fixed dates: two messages the consumer cannot use, a competition that only
 * has a draft, a draft of the labour competition that renames it and drops its sales target, and
 * a competition with two closed stages and an event that arrived after the first closed.
 */

export const NOW = '2026-11-24T06:30:00Z';
export const TODAY = '2026-11-24';
/** The scenario after the demo is loaded: closings and the late event happen a minute later. */
export const SCENARIO_AT = '2026-11-24T06:31:00Z';
/** The end of the dashboards' time range in the tests. */
export const END = '2026-11-24T06:35:00Z';

export const DRAFT_ONLY_ID = 'draft-only-2026';
export const RESULTS_ID = 'hq-results-2026';
export const LATE_EVENT_ID = 'late-s1-1';

export const thirtyDays = { from: new Date(Date.parse(END) - 30 * 86_400_000), to: new Date(END) };
export const base: Omit<QueryContext, 'variables'> = { range: thirtyDays, intervalMs: 3_600_000 };

export interface DashboardData {
  leaderboard: Leaderboard;
  clock: TestClock;
  /** The labour demo crew the late event belongs to. */
  lateCrewId: string;
  close(): Promise<void>;
}

async function inject(lb: Leaderboard, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const response = await lb.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
  return response.json<unknown>();
}

export async function startDashboardData(): Promise<DashboardData> {
  const clock = fixedClock(NOW);
  const env = kafkaEnv();
  const leaderboard = await startTestLeaderboard(clock, { ...env, STANDINGS_PERSIST_MS: '0' });
  await seedDemoIfEmpty(leaderboard, pino({ level: 'silent' }), clock.now());

  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({
    topic: env.KAFKA_EVENTS_TOPIC ?? '',
    messages: [
      { key: 'C-HZ-BS-1', value: '{"eventId": "broken",' },
      { key: 'C-HZ-BS-1', value: JSON.stringify({ eventId: 'x', crewId: 'C-NB-JB-2', type: 'metric' }) },
    ],
  });
  await producer.disconnect();
  await waitFor(async () => {
    const r = await leaderboard.client.query({
      query: 'SELECT toString(count()) AS n FROM dead_letters',
      format: 'JSONEachRow',
    });
    expect(await r.json()).toEqual([{ n: '2' }]);
  }, 20_000);
  await leaderboard.standings.flush();

  // Demo events are stored at NOW: what happens next happens after them.
  clock.set(SCENARIO_AT);
  const labour = buildDemoCompetitions(TODAY).find((c) => c.id === LABOUR_COMPETITION_ID);
  if (!labour) throw new Error('no labour demo competition');

  // A competition that only has a draft, running today and ending after the demo's: without
  // drafts filtered out it would be every dashboard's default competition.
  await inject(leaderboard, 'POST', `/v1/competitions/${DRAFT_ONLY_ID}/versions`, {
    definition: {
      ...labour.definition,
      name: { zh: '只有草稿的竞赛（草稿）', en: 'Draft only' },
      period: { start: '2026-11-01', end: '2026-12-31' },
    },
    note: 'not published',
  });
  // A draft of the labour competition: renamed, and without the sales target indicator.
  await inject(leaderboard, 'POST', `/v1/competitions/${LABOUR_COMPETITION_ID}/versions`, {
    definition: {
      ...labour.definition,
      name: { zh: '"五比一创"劳动竞赛（草稿）', en: 'Draft' },
      indicators: labour.definition.indicators.filter((i) => i.rule.kind !== 'target'),
    },
    note: 'draft that drops the sales target',
  });

  // A competition with two stages that ended before today, both closed.
  await inject(leaderboard, 'PUT', `/v1/competitions/${RESULTS_ID}`, {
    ...labour.definition,
    name: { zh: '四季度阶段赛', en: 'Q4 stages' },
    period: { start: labour.definition.period.start, end: '2026-12-20' },
    stages: [
      { id: 's1', name: { zh: '第一阶段', en: 'Stage 1' }, start: labour.definition.period.start, end: '2026-11-10' },
      { id: 's2', name: { zh: '第二阶段', en: 'Stage 2' }, start: '2026-11-11', end: '2026-11-20' },
    ],
  });
  await leaderboard.standings.flush();
  await inject(leaderboard, 'POST', `/v1/competitions/${RESULTS_ID}/periods/s1/close`, { note: '第一阶段结算' });
  await inject(leaderboard, 'POST', `/v1/competitions/${RESULTS_ID}/periods/s2/close`, { note: '' });

  // A sale of the first stage's days that arrives after it closed: late, never applied.
  const lateCrewId = 'C-HZ-XH-1';
  await inject(leaderboard, 'POST', '/v1/events', [
    {
      eventId: LATE_EVENT_ID,
      crewId: lateCrewId,
      type: 'sales',
      occurredAt: '2026-11-05T10:00:00+08:00',
      volume: 1000,
      unit: 'litres',
    },
  ]);
  await waitFor(async () => {
    const r = await leaderboard.client.query({
      query: `SELECT toString(count()) AS n FROM events WHERE event_id = '${LATE_EVENT_ID}'`,
      format: 'JSONEachRow',
    });
    expect(await r.json()).toEqual([{ n: '1' }]);
  }, 20_000);
  // The event rewrites the closed days of the competitions it belongs to (not the frozen
  // standings): wait until each has a run computed after it, and the refresher is done.
  const competitions = [LABOUR_COMPETITION_ID, ANKANG_COMPETITION_ID, RESULTS_ID];
  await waitFor(async () => {
    await leaderboard.refresher.flush();
    const r = await leaderboard.client.query({
      query: `SELECT competition_id FROM standings_runs
              WHERE computed_at >= {at:DateTime64(3, 'UTC')} AND competition_id IN {competitions:Array(String)}
              GROUP BY competition_id ORDER BY competition_id`,
      query_params: { at: SCENARIO_AT.replace('T', ' ').replace('Z', ''), competitions },
      format: 'JSONEachRow',
    });
    expect((await r.json<{ competition_id: string }>()).map((x) => x.competition_id)).toEqual([...competitions].sort());
  }, 120_000);
  await leaderboard.refresher.idle();
  await leaderboard.standings.flush();

  return { leaderboard, clock, lateCrewId, close: () => leaderboard.close() };
}

export interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  targets?: { rawSql: string; format: number; refId: string }[];
  fieldConfig?: {
    defaults?: { custom?: Record<string, unknown>; thresholds?: { steps?: { value: number | null; color: string }[] } };
    overrides?: { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] }[];
  };
  options?: { reduceOptions?: { fields?: string } };
  transformations?: { id: string; options: { source?: string } }[];
}

export const panelsOf = (d: Dashboard): PanelJson[] => (d.panels ?? []) as PanelJson[];
export const templating = (d: Dashboard): VariableModel[] => d.templating?.list ?? [];

export function dashboard(uid: string): Dashboard {
  const found = allDashboards().find((d) => d.uid === uid);
  if (!found) throw new Error(`no dashboard ${uid}`);
  return found;
}

export function panel(d: Dashboard, title: string): PanelJson {
  const found = panelsOf(d).find((p) => p.title === title);
  if (!found) throw new Error(`no panel ${title} on ${d.uid ?? ''}`);
  return found;
}

/** The first target of a panel, as the dashboard sends it. */
export function targetOf(p: PanelJson): Target {
  const t = p.targets?.[0];
  if (!t) throw new Error(`panel ${p.title ?? ''} has no target`);
  return { rawSql: t.rawSql, format: t.format };
}

/**
 * Text as Grafana shows it in a title or a field's display name: with the dashboard's variables
 * expanded (the displayName option has expandTemplateVars; titles are interpolated), values raw.
 */
export function shown(text: string, variables: ReadonlyMap<string, VariableState>): string {
  const now = new Date(END);
  return interpolate(text, { variables, from: now, to: now, timeZone: 'Asia/Shanghai' }, (value) =>
    Array.isArray(value) ? value.join(',') : String(value),
  );
}

/** A table panel's column headings by field name (its byName displayName overrides), as shown. */
export function headings(p: PanelJson, variables: ReadonlyMap<string, VariableState>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of p.fieldConfig?.overrides ?? []) {
    const name = o.properties.find((x) => x.id === 'displayName')?.value;
    if (o.matcher.id === 'byName' && typeof name === 'string') out[o.matcher.options] = shown(name, variables);
  }
  return out;
}

/** A field's data links (byName override), as configured. */
export function linksOf(p: PanelJson, field: string): { url: string; title: string }[] {
  const o = p.fieldConfig?.overrides?.find((x) => x.matcher.id === 'byName' && x.matcher.options === field);
  return (o?.properties.find((x) => x.id === 'links')?.value ?? []) as { url: string; title: string }[];
}

export function harness(data: () => DashboardData) {
  const client = () => data().leaderboard.client;
  return {
    variablesOf: (d: Dashboard, chosen: Record<string, string | string[]> = {}, ctx = base) =>
      resolveVariables(client(), templating(d), ctx, chosen),
    run: (target: Target | string, variables: Map<string, VariableState>, ctx = base): Promise<QueryResult> =>
      runQuery(client(), target, { ...ctx, variables }),
    api: async <T>(url: string): Promise<T> => {
      const response = await data().leaderboard.app.inject({ url });
      expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBe(200);
      return response.json<T>();
    },
  };
}
