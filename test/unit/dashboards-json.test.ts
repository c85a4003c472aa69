import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allDashboards, dashboardJson, DASHBOARDS_JSON_DIR } from '../../dashboards/src/all-dashboards.ts';
import { PLUGIN_VERSION } from '../../dashboards/src/clickhouse-query.ts';

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
  (d.templating?.list ?? []) as { name: string; query?: unknown; datasource?: { type?: string; uid?: string } }[];

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

  it('are the five the product promises, with unique uids and Chinese titles', () => {
    expect(dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['ll-standings', '劳动竞赛排行榜'],
      ['ll-ankang', '安康杯排名'],
      ['ll-branches', '分公司对比'],
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
      const sqls = [
        ...panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => t.rawSql ?? '')),
        ...variablesOf(d).map((v) => String(v.query)),
      ];
      for (const sql of sqls) {
        for (const m of sql.matchAll(/\$\{?(\w+)/g)) {
          const name = m[1] ?? '';
          if (!BUILT_IN.test(name)) expect(defined, `$${name} in ${sql.slice(0, 60)}…`).toContain(name);
        }
        // A value pasted between quotes by hand is not escaped: ${x:singlequote} is.
        expect(sql).not.toMatch(/'\$\{?\w+/);
        const conditionals = [...sql.matchAll(/\$__conditionalAll\((.*?\)),\s*([^)]*)\)/g)];
        expect(conditionals.length, 'every $__conditionalAll parsed').toBe(sql.split('$__conditionalAll(').length - 1);
        for (const m of conditionals) expect(m[2], 'its second argument is a plain $var').toMatch(/^\$\w+$/);
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

  it('are written for the plugin version the stack installs', () => {
    const compose = readFileSync(new URL('../../infra/docker-compose.yml', import.meta.url), 'utf8');
    expect(compose).toContain(`grafana-clickhouse-datasource@${PLUGIN_VERSION}`);
  });
});
