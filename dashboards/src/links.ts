import type { Dashboard, DashboardLink } from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

/** Which competitions a dashboard's 竞赛 lists: every kind, or only Ankang Cups. */
export type CompetitionKinds = 'any' | 'ankang';

export interface LinkScope {
  uid: string;
  title: string;
  variables: readonly string[];
  competitions?: CompetitionKinds;
}

/** Variables that only mean something together with the competition they were chosen for. */
const OF_THE_COMPETITION = new Set(['period', 'closure']);

/**
 * Never carried: a crew is chosen in a table's row link; the entrant level and time zone follow
 * from the competition (hidden, not synced with the URL).
 */
const NOT_CARRIED = new Set(['crew', 'entrants', 'zone']);

/**
 * The variables a link from `source` may carry to `target`: those both dashboards have and whose
 * value is an option there. Grafana keeps a value from the URL even when it is no option of the
 * target's variable, so a labour competition carried to the Ankang dashboard would empty every
 * panel: the competition goes only where every competition the source lists is listed, and a
 * day or closed period only with its competition. Branch and unit mean the same everywhere.
 */
export function carriedVariables(source: LinkScope, target: LinkScope): string[] {
  const competition =
    source.variables.includes('competition') &&
    target.variables.includes('competition') &&
    (target.competitions === 'any' || source.competitions === 'ankang');
  return target.variables.filter((name) => {
    if (!source.variables.includes(name)) return false;
    if (name === 'competition') return competition;
    if (OF_THE_COMPETITION.has(name)) return competition;
    return !NOT_CARRIED.has(name);
  });
}

/** One link per other dashboard, carrying the time range and the variables that make sense there. */
export function dashboardLinks(source: LinkScope, all: readonly LinkScope[]): DashboardLink[] {
  return all
    .filter((target) => target.uid !== source.uid)
    .map((target) => {
      const params = carriedVariables(source, target).map((name) => `\${${name}:queryparam}`);
      return {
        title: target.title,
        type: DashboardLinkType.Link,
        icon: 'dashboard',
        tooltip: `Open ${target.uid}${params.length > 0 ? ` with ${carriedVariables(source, target).join(', ')}` : ''}`,
        url: `/d/${target.uid}${params.length > 0 ? `?${params.join('&')}` : ''}`,
        tags: [],
        asDropdown: false,
        targetBlank: false,
        includeVars: false,
        keepTime: true,
      };
    });
}

/** A dashboard's link scope: its uid, title and variables, and which competitions it lists. */
export function linkScope(dashboard: Dashboard, competitions?: CompetitionKinds): LinkScope {
  return {
    uid: dashboard.uid ?? '',
    title: dashboard.title ?? '',
    variables: (dashboard.templating?.list ?? []).map((v) => v.name),
    ...(competitions ? { competitions } : {}),
  };
}
