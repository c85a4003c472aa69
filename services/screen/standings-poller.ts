import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';

export interface StandingsPollerDeps {
  client: ClickHouseClient;
  logger: Logger;
  intervalMs: number;
  /** Poll only while someone watches (open screen streams). */
  watching: () => boolean;
  onChanged: (competitionId: string) => void;
}

/**
 * On a ClickHouse server, standings may be computed by another process (the scoring service).
 * While screens are open, this asks ClickHouse for runs written since the last look, so those
 * reach the screens within about a poll interval of being written.
 */
export function startStandingsPoller(deps: StandingsPollerDeps): { stop(): void } {
  let since: number | undefined;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || !deps.watching()) return;
    busy = true;
    poll()
      .catch((err: unknown) => deps.logger.warn({ err }, 'standings poll failed; trying again'))
      .finally(() => (busy = false));
  }, deps.intervalMs);
  timer.unref();

  async function poll(): Promise<void> {
    const result = await deps.client.query({
      query: `SELECT competition_id, toUnixTimestamp64Milli(max(computed_at)) AS ms FROM standings_runs
              WHERE computed_at > fromUnixTimestamp64Milli({since:Int64}) GROUP BY competition_id`,
      query_params: { since: since ?? 0 },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ competition_id: string; ms: string | number }>();
    const first = since === undefined;
    for (const row of rows) {
      since = Math.max(since ?? 0, Number(row.ms));
      // The first look only learns where "now" is; the screens already have what existed then.
      if (!first) deps.onChanged(row.competition_id);
    }
    since ??= 0;
  }

  return { stop: () => clearInterval(timer) };
}
