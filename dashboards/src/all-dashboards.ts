import type { Dashboard, DashboardLink } from '@grafana/grafana-foundation-sdk/dashboard';
import { fileURLToPath } from 'node:url';
import { ankangDashboard } from './ankang.dashboard.ts';
import { branchesDashboard } from './branches.dashboard.ts';
import { crewDashboard } from './crew.dashboard.ts';
import { improvingDashboard } from './improving.dashboard.ts';
import { dashboardLinks, linkScope, type CompetitionKinds } from './links.ts';
import { pipelineDashboard } from './pipeline.dashboard.ts';
import { resultsDashboard } from './results.dashboard.ts';
import { safetyDashboard } from './safety.dashboard.ts';
import { standingsDashboard } from './standings.dashboard.ts';

/** Where Grafana's file provisioning reads the dashboards (infra/grafana/provisioning/dashboards/). */
export const DASHBOARDS_JSON_DIR = fileURLToPath(new URL('../json/', import.meta.url));

/** Every dashboard, in the order of the link bar, with the competitions its 竞赛 lists. */
const DASHBOARDS: readonly { build: () => Dashboard; competitions?: CompetitionKinds }[] = [
  { build: standingsDashboard, competitions: 'any' },
  { build: ankangDashboard, competitions: 'ankang' },
  { build: branchesDashboard, competitions: 'any' },
  { build: resultsDashboard, competitions: 'any' },
  { build: improvingDashboard, competitions: 'any' },
  { build: safetyDashboard, competitions: 'any' },
  { build: crewDashboard, competitions: 'any' },
  { build: pipelineDashboard },
];

/** Every dashboard, with the file name provisioning reads it from (dashboards/json/<uid>.json). */
export function allDashboards(): Dashboard[] {
  const built = DASHBOARDS.map((d) => ({ dashboard: d.build(), competitions: d.competitions }));
  const scopes = built.map((b) => linkScope(b.dashboard, b.competitions));
  return built.map((b, i) => finish(b.dashboard, dashboardLinks(scopes[i] ?? linkScope(b.dashboard), scopes)));
}

/**
 * What the SDK leaves to us: panel ids, unique within a dashboard, in layout order; the links to
 * the other dashboards; and no SDK default `placement` (inControlsMenu) on annotations, which
 * would hide their toggles in the controls menu.
 */
function finish(dashboard: Dashboard, links: DashboardLink[]): Dashboard {
  const annotations = dashboard.annotations?.list?.map((a) => {
    const shown = { ...a };
    delete shown.placement;
    return shown;
  });
  return {
    ...dashboard,
    panels: (dashboard.panels ?? []).map((panel, i) => ({ ...panel, id: i + 1 })),
    links,
    ...(annotations ? { annotations: { list: annotations } } : {}),
  };
}

/** The JSON text of a dashboard file, as committed: stable key order, two-space indent. */
export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
