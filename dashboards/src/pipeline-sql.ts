import { sql } from './clickhouse-query.ts';
import { REGISTRY_CREWS } from './annotations.ts';
import { CURRENT_COMPETITIONS } from './competitions-sql.ts';
import { ZONE } from './variables.ts';

/** Late: received after the calendar day it happened on had closed, so closed days' standings were rewritten. */
export const LATE = `toDate(received_at, '${ZONE}') > toDate(occurred_at, '${ZONE}')`;

/**
 * Per published competition, how long the oldest event its standings do not reflect yet has
 * waited, as of the end of the time range: events of its entrants (those of its newest run) for a
 * day of its period, stored after that run was computed. An event counts for the entrant of the
 * competition's level: its crew, the crew's unit or branch (current registry), or its person, so
 * unit-, branch- and person-level competitions (whose rows hold those ids) are measured too.
 * Standings are recomputed after events arrive (within seconds), not on a clock, so their age
 * alone would alarm every quiet night; events waiting behind them is what "stale" means. No row
 * for a competition that is current.
 */
export const STANDINGS_BEHIND = sql`
  WITH latest_runs AS (
    SELECT competition_id, argMax(as_of, computed_at) AS as_of, max(computed_at) AS last_run
    FROM standings_runs
    WHERE computed_at <= $__toTime
    GROUP BY competition_id
  )
  SELECT
    p.competition_id AS competition_id,
    count() AS waiting_events,
    dateDiff('second', min(e.stored_at), $__toTime) AS waiting_seconds
  FROM (
    SELECT stored_at, occurred_at, entrant.1 AS level, entrant.2 AS entrant_id
    FROM (
      SELECT ev.stored_at AS stored_at, ev.occurred_at AS occurred_at,
             arrayJoin([('crew', ev.crew_id), ('unit', o.unit_id), ('branch', o.branch_id), ('person', ev.person_id)]) AS entrant
      FROM events AS ev
      LEFT JOIN (
        ${REGISTRY_CREWS}
      ) AS o ON o.crew_id = ev.crew_id
      -- Only events newer than some competition's newest run can be waiting.
      WHERE ev.stored_at > (SELECT min(last_run) FROM latest_runs) AND ev.stored_at <= $__toTime
    )
  ) AS e
  INNER JOIN (
    SELECT s.competition_id AS competition_id, s.crew_id AS entrant_id, r.last_run AS last_run,
           if(JSONExtractString(c.definition, 'entrants') = '', 'crew', JSONExtractString(c.definition, 'entrants')) AS level,
           c.period_start AS period_start, c.period_end AS period_end
    FROM standings AS s
    INNER JOIN latest_runs AS r ON r.competition_id = s.competition_id AND r.as_of = s.as_of AND r.last_run = s.computed_at
    INNER JOIN (
      ${CURRENT_COMPETITIONS}
    ) AS c ON c.competition_id = s.competition_id
  ) AS p ON p.level = e.level AND p.entrant_id = e.entrant_id
  WHERE e.stored_at > p.last_run
    AND toDate(e.occurred_at, '${ZONE}') BETWEEN p.period_start AND p.period_end
  GROUP BY p.competition_id`;

/**
 * Per partition the scoring consumer read in the last day: how long since it last stored a
 * batch, how long a batch it recorded before inserting has waited for the insert (0 when none
 * waits), and `stalled_seconds`: the wait, or, while another partition of the topic stored
 * within the last 5 minutes, how much longer this one has been silent than the topic. A stuck
 * insert or a partition left behind by a moving topic is not progressing; a quiet night is not.
 */
export const PARTITION_PROGRESS = sql`
  SELECT
    topic,
    partition,
    silent_seconds,
    pending_seconds,
    greatest(pending_seconds, if(topic_silent_seconds <= 300, silent_seconds - topic_silent_seconds, 0)) AS stalled_seconds
  FROM (
    SELECT
      topic,
      partition,
      silent_seconds,
      pending_seconds,
      min(silent_seconds) OVER (PARTITION BY topic) AS topic_silent_seconds
    FROM (
      SELECT
        topic,
        toString(partition) AS partition,
        dateDiff('second', maxIf(first_recorded, was_stored = 1), $__toTime) AS silent_seconds,
        if(countIf(was_stored = 0) = 0, 0, dateDiff('second', minIf(first_recorded, was_stored = 0), $__toTime)) AS pending_seconds
      FROM (
        SELECT topic, partition, first_offset, max(stored) AS was_stored, min(recorded_at) AS first_recorded
        FROM consumer_batches
        WHERE recorded_at <= $__toTime AND recorded_at > $__toTime - INTERVAL 1 DAY
        GROUP BY topic, partition, first_offset
      )
      GROUP BY topic, partition
    )
  )`;
