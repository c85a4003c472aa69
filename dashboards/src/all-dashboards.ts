import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { fileURLToPath } from 'node:url';
import { ankangDashboard } from './ankang.dashboard.ts';
import { branchesDashboard } from './branches.dashboard.ts';
import { crewDashboard } from './crew.dashboard.ts';
import { pipelineDashboard } from './pipeline.dashboard.ts';
import { standingsDashboard } from './standings.dashboard.ts';

/** Where Grafana's file provisioning reads the dashboards (infra/grafana/provisioning/dashboards/). */
export const DASHBOARDS_JSON_DIR = fileURLToPath(new URL('../json/', import.meta.url));

/** Every dashboard, with the file name provisioning reads it from (dashboards/json/<uid>.json). */
export function allDashboards(): Dashboard[] {
  return [standingsDashboard(), ankangDashboard(), branchesDashboard(), crewDashboard(), pipelineDashboard()].map(
    finish,
  );
}

/**
 * What the SDK leaves to us: panel ids, unique within a dashboard, in layout order; and the
 * dashboard links without the SDK's default `placement` (inControlsMenu), which would hide them
 * from the link bar in the controls menu.
 */
function finish(dashboard: Dashboard): Dashboard {
  return {
    ...dashboard,
    panels: (dashboard.panels ?? []).map((panel, i) => ({ ...panel, id: i + 1 })),
    links: (dashboard.links ?? []).map((link) => {
      const shown = { ...link };
      delete shown.placement;
      return shown;
    }),
  };
}

/** The JSON text of a dashboard file, as committed: stable key order, two-space indent. */
export function dashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
