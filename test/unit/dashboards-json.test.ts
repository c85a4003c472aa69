import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { alertRulesFile, ALERT_RULES } from '../../dashboards/src/alert-rules.ts';
import { allDashboards, dashboardJson, DASHBOARDS_JSON_DIR } from '../../dashboards/src/all-dashboards.ts';
import { PLUGIN_VERSION } from '../../dashboards/src/clickhouse-query.ts';
import { ANALYSTS_PLAYLIST } from '../../dashboards/src/playlist.ts';
import { ALERTING_FILE, alertingYaml, PLAYLIST_FILE, playlistJson } from '../../dashboards/src/provisioning-files.ts';

const DATASOURCES_DIR = new URL('../../infra/grafana/provisioning/datasources/', import.meta.url);

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: { refId?: string; datasource?: { type?: string; uid?: string }; rawSql?: string }[];
}

const dashboards = allDashboards();
const panelsOf = (d: Dashboard) => (d.panels ?? []) as Panel[];
const variablesOf = (d: Dashboard) =>
  (d.templating?.list ?? []) as {
    name: string;
    type?: string;
    query?: unknown;
    refresh?: number;
    datasource?: { type?: string; uid?: string };
  }[];
const annotationsOf = (d: Dashboard) =>
  (d.annotations?.list ?? []) as unknown as {
    name: string;
    datasource?: { type?: string; uid?: string };
    target?: { rawSql?: string; format?: number; datasource?: { type?: string; uid?: string } };
  }[];
/** Every SQL a dashboard sends: panels, variables, annotations. */
const sqlOf = (d: Dashboard): string[] => [
  ...panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => t.rawSql ?? '')),
  ...variablesOf(d).map((v) => String(v.query)),
  ...annotationsOf(d).map((a) => a.target?.rawSql ?? ''),
];

/** Every datasource Grafana will have: the provisioned ones, by uid and type. */
function provisionedDatasources(): { uid: string; type: string }[] {
  return readdirSync(DATASOURCES_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => {
      const doc = parse(readFileSync(new URL(f, DATASOURCES_DIR), 'utf8')) as {
        apiVersion: number;
        datasources: { uid: string; type: string }[];
      };
      expect(doc.apiVersion).toBe(1);
      return doc.datasources.map((ds) => ({ uid: ds.uid, type: ds.type }));
    });
}

/** Grafana's built-in variables and the plugin's macros: not ours to define. */
const BUILT_IN = /^__/;

interface RenderedPanel extends Panel {
  fieldConfig?: { defaults?: { displayName?: string; thresholds?: { steps?: unknown[] } } };
  options?: { reduceOptions?: { fields?: string }; legend?: { showLegend?: boolean } };
  targets?: (NonNullable<Panel['targets']>[number] & { pluginVersion?: string })[];
}

describe('generated dashboards', () => {
  it('are committed exactly as the code generates them (run `npm run dashboards`)', () => {
    const committed = readdirSync(DASHBOARDS_JSON_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(committed).toEqual(dashboards.map((d) => `${d.uid}.json`).sort());
    for (const d of dashboards) {
      expect(readFileSync(join(DASHBOARDS_JSON_DIR, `${d.uid}.json`), 'utf8'), `${d.uid}.json`).toBe(dashboardJson(d));
    }
  });

  it('are the eight the product promises, with unique uids and Chinese titles', () => {
    expect(dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['ll-standings', '劳动竞赛排行榜'],
      ['ll-ankang', '安康杯排名'],
      ['ll-branches', '分公司对比'],
      ['ll-results', '正式结果'],
      ['ll-improving', '进步榜'],
      ['ll-safety', '安全态势'],
      ['ll-crew', '班组详情'],
      ['ll-pipeline', '数据管道'],
    ]);
  });

  it.each(dashboards.map((d) => [d.uid ?? '', d] as const))('%s is valid Grafana dashboard JSON', (_uid, d) => {
    expect(d.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(d.description).toMatch(/[A-Za-z]/); // English in descriptions
    const panels = panelsOf(d);
    expect(panels.length).toBeGreaterThan(0);
    // Unique panel ids.
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && (id ?? 0) > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Grid positions inside the 24-column grid that do not overlap.
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g, `${p.title}: gridPos`).toBeDefined();
      if (!g) continue;
      expect(g.w > 0 && g.h > 0 && g.x >= 0 && g.y >= 0 && g.x + g.w <= 24, `${p.title}: ${JSON.stringify(g)}`).toBe(
        true,
      );
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          const cell = `${x},${y}`;
          expect(cells.has(cell), `${p.title} overlaps another panel at ${cell}`).toBe(false);
          cells.add(cell);
        }
    }
    // Titles in Chinese, every panel with an English description.
    for (const p of panels) {
      expect(p.title, 'panel title in Chinese').toMatch(/\p{Script=Han}/u);
      expect((p as { description?: string }).description, `${p.title}: English description`).toMatch(/[A-Za-z]{3}/);
    }
  });

  it.each(dashboards.map((d) => [d.uid ?? '', d] as const))(
    '%s: every datasource reference resolves to a provisioned datasource',
    (_uid, d) => {
      const provisioned = provisionedDatasources();
      const refs = [
        ...panelsOf(d).flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
        ...variablesOf(d).map((v) => v.datasource),
        ...annotationsOf(d).flatMap((a) => [a.datasource, a.target?.datasource]),
      ];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(ref, 'datasource reference').toBeDefined();
        expect(provisioned).toContainEqual({ uid: ref?.uid, type: ref?.type });
      }
    },
  );

  it.each(dashboards.map((d) => [d.uid ?? '', d] as const))(
    '%s: SQL uses only defined variables, quoted by Grafana, and links only to dashboards that exist',
    (_uid, d) => {
      const defined = new Set(variablesOf(d).map((v) => v.name));
      for (const sql of sqlOf(d)) {
        for (const m of sql.matchAll(/\$\{?(\w+)/g)) {
          const name = m[1] ?? '';
          if (!BUILT_IN.test(name)) expect(defined, `$${name} in ${sql.slice(0, 60)}…`).toContain(name);
        }
        // A value pasted between quotes by hand is not escaped: ${x:singlequote} is.
        expect(sql).not.toMatch(/'\$\{?\w+/);
        const conditionals = [...sql.matchAll(/\$__conditionalAll\((.*?\)),\s*([^)]*)\)/g)];
        expect(conditionals.length, 'every $__conditionalAll parsed').toBe(sql.split('$__conditionalAll(').length - 1);
        for (const m of conditionals) expect(m[2], 'its second argument is a plain $var').toMatch(/^\$\w+$/);
        // Grafana's ClickHouse user is readonly=1: a query that changes a setting is refused.
        expect(sql, 'no SETTINGS clause').not.toMatch(/\bSETTINGS\b/i);
      }
      const uids = new Set(dashboards.map((x) => x.uid));
      for (const m of JSON.stringify(d).matchAll(/\/d\/([\w-]+)/g)) expect(uids).toContain(m[1]);
    },
  );

  it.each(dashboards.map((d) => [d.uid ?? '', d] as const))(
    '%s: renders as meant in Grafana (bars find their value, colours are chosen, legends and links shown)',
    (_uid, d) => {
      for (const p of panelsOf(d) as RenderedPanel[]) {
        // Grafana matches the reduce fields against display names: a panel-wide displayName
        // renames the value field and leaves the panel with "No data".
        if (p.options?.reduceOptions?.fields) expect(p.fieldConfig?.defaults?.displayName, p.title).toBeUndefined();
        // Grafana's default thresholds turn 80 and more red: each panel says what its colours mean.
        expect(p.fieldConfig?.defaults?.thresholds?.steps?.length, `${p.title}: thresholds`).toBeGreaterThan(0);
        if (p.type === 'timeseries') expect(p.options?.legend?.showLegend, `${p.title}: legend`).toBe(true);
        for (const t of p.targets ?? []) expect(t.pluginVersion, `${p.title}: plugin version`).toBe(PLUGIN_VERSION);
      }
      // The SDK's default placement puts a link in the controls menu instead of the link bar.
      for (const link of d.links ?? []) expect(link).not.toHaveProperty('placement');
    },
  );

  it.each(dashboards.map((d) => [d.uid ?? '', d] as const))(
    '%s: variables refresh with the time range; links carry chosen variables, never all of them',
    (_uid, d) => {
      for (const v of variablesOf(d)) {
        expect(v.type, `$${v.name}`).toBe('query');
        expect(v.refresh, `$${v.name}: refresh on time range change`).toBe(2);
      }
      const links = (d.links ?? []) as { type?: string; url?: string; includeVars?: boolean; keepTime?: boolean }[];
      expect(links.length).toBe(dashboards.length - 1);
      for (const link of links) {
        // includeVars would carry every variable, whether or not it means anything on the target.
        expect(link).toMatchObject({ type: 'link', includeVars: false, keepTime: true });
        for (const m of (link.url ?? '').matchAll(/\$\{(\w+)(?::(\w+))?\}/g)) {
          expect(m[2], `${link.url ?? ''}: as a URL parameter`).toBe('queryparam');
          expect(variablesOf(d).map((v) => v.name)).toContain(m[1]);
        }
      }
      for (const a of annotationsOf(d)) expect(a.target?.format, `${a.name}: table`).toBe(1);
    },
  );

  it('are written for the plugin version the stack installs', () => {
    const compose = readFileSync(new URL('../../infra/docker-compose.yml', import.meta.url), 'utf8');
    expect(compose).toContain(`grafana-clickhouse-datasource@${PLUGIN_VERSION}`);
  });
});

/**
 * Grafana's file provisioning of alert rules (AlertRuleGroupV1 in pkg/services/provisioning/
 * alerting/rules_types.go): what it requires, and what it would silently change. Titles and
 * labels go through environment expansion ($VAR), annotations through ${VAR}; queries do not.
 */
const Duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a Prometheus duration');
const DataQuery = z.object({
  refId: z.string().min(1),
  datasourceUid: z.string().min(1),
  relativeTimeRange: z.object({ from: z.number().int().positive(), to: z.number().int().min(0) }).optional(),
  model: z.record(z.string(), z.unknown()),
});
const Rule = z.object({
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  title: z
    .string()
    .min(1)
    .refine((t) => !t.includes('$'), 'no $ (environment expansion)'),
  condition: z.string().min(1),
  data: z.array(DataQuery).min(1),
  noDataState: z.enum(['NoData', 'Alerting', 'OK', 'KeepLast']),
  execErrState: z.enum(['Error', 'Alerting', 'OK', 'KeepLast']),
  for: Duration,
  annotations: z.record(
    z.string(),
    z.string().refine((a) => !a.includes('${'), 'no ${ (environment expansion)'),
  ),
  labels: z.record(
    z.string(),
    z.string().refine((l) => !l.includes('$'), 'no $ (environment expansion)'),
  ),
  isPaused: z.boolean(),
});
const AlertingFile = z.object({
  apiVersion: z.literal(1),
  groups: z.array(
    z.object({
      orgId: z.number().int().positive(),
      name: z.string().min(1),
      folder: z.string().min(1),
      interval: Duration,
      rules: z.array(Rule).min(1),
    }),
  ),
});

describe('provisioned alert rules', () => {
  const text = readFileSync(ALERTING_FILE, 'utf8');
  const file = AlertingFile.parse(parse(text));
  const rules = file.groups.flatMap((g) => g.rules);
  const provisioned = provisionedDatasources();

  it('are committed exactly as the code generates them (run `npm run dashboards`)', () => {
    expect(text).toBe(alertingYaml(alertRulesFile()));
  });

  it('are the five HQ asked for, with unique uids and titles', () => {
    expect(rules.map((r) => r.uid)).toEqual([
      'll-standings-behind',
      'll-dead-letters',
      'll-no-events',
      'll-partition-stalled',
      'll-late-events',
    ]);
    expect(new Set(rules.map((r) => r.title)).size).toBe(rules.length);
  });

  it.each(rules.map((r) => [r.uid, r] as const))('%s is a rule Grafana can evaluate', (_uid, rule) => {
    const refIds = rule.data.map((q) => q.refId);
    expect(new Set(refIds).size).toBe(refIds.length);
    expect(refIds).toContain(rule.condition);
    for (const q of rule.data) {
      expect(q.model['refId']).toBe(q.refId);
      if (q.datasourceUid === '__expr__') {
        // Expressions refer to queries or expressions of the same rule.
        expect(refIds).toContain(q.model['expression']);
        expect(['threshold', 'reduce', 'math']).toContain(q.model['type']);
        continue;
      }
      expect(provisioned.map((p) => p.uid)).toContain(q.datasourceUid);
      expect(q.relativeTimeRange, `${q.refId}: a time range`).toBeDefined();
      expect(q.model).toMatchObject({ editorType: 'sql', format: 1, pluginVersion: PLUGIN_VERSION });
      const sql = String(q.model['rawSql']);
      // Alerts run in Grafana's backend: no dashboard variable, no front-end macro reaches them.
      expect(sql).not.toMatch(/\$(?!__)\w|\$\{|\$__(conditionalAll|from|to|timezone|interval)\b/);
      expect(sql).not.toMatch(/\bSETTINGS\b/i);
    }
    expect(rule.labels['team']).toBe('leaderboard');
  });

  it('leave the contact point to the operator', () => {
    const document = parse(text) as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual(['apiVersion', 'groups']);
    expect(ALERT_RULES).toHaveLength(rules.length);
  });
});

describe('the analysts’ playlist', () => {
  it('is committed as generated and shows HQ’s dashboards', () => {
    const text = readFileSync(PLAYLIST_FILE, 'utf8');
    expect(text).toBe(playlistJson(ANALYSTS_PLAYLIST));
    const playlist = JSON.parse(text) as typeof ANALYSTS_PLAYLIST;
    expect(playlist).toMatchObject({ apiVersion: 'playlist.grafana.app/v1', kind: 'Playlist' });
    expect(playlist.metadata.name).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(Duration.parse(playlist.spec.interval)).toBe('1m');
    const uids = dashboards.map((d) => d.uid);
    for (const item of playlist.spec.items) {
      expect(item.type).toBe('dashboard_by_uid');
      expect(uids).toContain(item.value);
    }
  });
});
