import { DASHBOARD_UIDS } from './panels.ts';

/**
 * The analysts' wall screen: HQ's dashboards in turn, in kiosk mode. Grafana has no file
 * provisioning for playlists; this is the resource its playlist API (Grafana 12:
 * /apis/playlist.grafana.app/v1) creates, with a fixed name so the wall's URL never changes
 * (docs/operations.md, "分析大屏"). The crews' TVs stay on the product's own big screens.
 */
export const ANALYSTS_PLAYLIST = {
  apiVersion: 'playlist.grafana.app/v1',
  kind: 'Playlist',
  metadata: { name: 'll-analysts-wall' },
  spec: {
    title: '分析大屏 · Analysts’ wall',
    interval: '1m',
    items: [
      DASHBOARD_UIDS.branches,
      DASHBOARD_UIDS.improving,
      DASHBOARD_UIDS.safety,
      DASHBOARD_UIDS.results,
      DASHBOARD_UIDS.pipeline,
    ].map((uid) => ({ type: 'dashboard_by_uid', value: uid })),
  },
} as const;
