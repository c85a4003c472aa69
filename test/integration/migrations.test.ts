import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { createClickHouse } from '../../services/storage/clickhouse-client.ts';
import {
  EVENT_COLUMNS,
  findStoredEventKeys,
  insertEventRows,
  toEventValues,
} from '../../services/storage/events.store.ts';
import { insertRows } from '../../services/storage/insert-rows.ts';
import { loadMetricSums } from '../../services/scoring/facts.query.ts';
import { readLatestPage } from '../../services/scoring/standings.store.ts';
import { loadMigrations, migrate } from '../../services/storage/migrate.ts';
import { testDataDir } from '../support/test-leaderboard.ts';

// A database written by an earlier release (migrations 0001-0003) is upgraded in place.
let client: ClickHouseClient;

const before: MetricEvent[] = [
  {
    eventId: 's1',
    crewId: 'C1',
    type: 'sales',
    occurredAt: '2026-03-02T23:30:00+08:00',
    volume: 6000,
    unit: 'litres',
    product: '92#',
    amountCny: 48000,
  },
  {
    eventId: 'v1',
    crewId: 'C1',
    type: 'violation',
    occurredAt: '2026-03-03T09:00:00+08:00',
    kind: 'operation',
    personCount: 2,
  },
  { eventId: 'i1', crewId: 'C2', type: 'incident', occurredAt: '2026-03-03T10:00:00+08:00', severity: 'minor_injury' },
  { eventId: 'm1', crewId: 'C2', type: 'metric', occurredAt: '2026-03-04T10:00:00+08:00', name: 'drills', value: 3 },
];

async function rows<T>(query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

beforeAll(async () => {
  client = createClickHouse({ mode: 'embedded', dataDir: testDataDir() });
  const all = await loadMigrations();
  await migrate(
    client,
    all.filter((m) => m.version <= 3),
  );
  // The columns of the release before 0016 (person and assessment columns came then).
  const columns = EVENT_COLUMNS.slice(0, EVENT_COLUMNS.indexOf('person_id'));
  await insertRows(
    client,
    'events',
    before.map((e) => toEventValues(e, '2026-03-05T00:00:00Z').slice(0, columns.length)),
    columns,
  );
  // A standings snapshot of the earlier release, which kept no facts.
  await client.command({
    query: `INSERT INTO standings (competition_id, as_of, computed_at, crew_id, crew_name, score, rank)
            VALUES ('old', '2026-03-04', '2026-03-04 12:00:00', 'C1', '一班', 12.5, 1)`,
  });
  await client.command({
    query: `INSERT INTO standings_runs (competition_id, as_of, computed_at, crews)
            VALUES ('old', '2026-03-04', '2026-03-04 12:00:00', 1)`,
  });
});
afterAll(async () => {
  await client.close();
});

describe('upgrading a database in place', () => {
  it('applies only the new migrations, keeps every stored event, and changes the rare fields to String', async () => {
    expect(await migrate(client)).toEqual({
      applied: [
        '0004_events_plain_strings.sql',
        '0005_merge_selector.sql',
        '0006_kafka_consumer.sql',
        '0007_standings_facts.sql',
        '0008_dead_letters.sql',
        '0009_screens.sql',
        '0010_organisers.sql',
        '0011_events_stored_at.sql',
        '0012_crew_daily_exact.sql',
        '0013_event_corrections.sql',
        '0014_deleted_drafts.sql',
        '0015_standings_runs_events_stored_before.sql',
        '0016_assessments_and_persons.sql',
        '0017_standings_sheet.sql',
        '0022_display_link_short_codes.sql',
        '0023_person_daily.sql',
        '0024_standings_person.sql',
        '0029_final_standing_crews.sql',
        '0030_reports.sql',
        '0032_api_tokens_crew_ids.sql',
        '0033_evidence_uploads.sql',
        '0034_period_notices.sql',
        '0035_notify_channels.sql',
        '0036_notify_subscriptions.sql',
        '0037_notify_deliveries.sql',
        '0038_consumer_insert_groups.sql',
        '0039_person_rollups_deduplication.sql',
      ],
    });
    expect(
      await rows<{ event_id: string; unit: string; product: string; severity: string; violation_kind: string }>(
        `SELECT event_id, unit, product, severity, violation_kind FROM events ORDER BY event_id`,
      ),
    ).toEqual([
      { event_id: 'i1', unit: '', product: '', severity: 'minor_injury', violation_kind: '' },
      { event_id: 'm1', unit: '', product: '', severity: '', violation_kind: '' },
      { event_id: 's1', unit: 'litres', product: '92#', severity: '', violation_kind: '' },
      { event_id: 'v1', unit: '', product: '', severity: '', violation_kind: 'operation' },
    ]);
    expect(
      await rows(
        `SELECT DISTINCT source_topic, source_partition, toString(source_offset) AS source_offset FROM events`,
      ),
    ).toEqual([{ source_topic: '', source_partition: -1, source_offset: '-1' }]);
    expect(
      await rows<{ name: string; type: string }>(
        `SELECT name, type FROM system.columns
         WHERE database = currentDatabase() AND table = 'events' AND name IN ('crew_id', 'severity', 'unit')
         ORDER BY name`,
      ),
    ).toEqual([
      { name: 'crew_id', type: 'LowCardinality(String)' },
      { name: 'severity', type: 'String' },
      { name: 'unit', type: 'String' },
    ]);
  });

  it('reads a snapshot stored before facts were kept as facts unknown (null), not as zeros', async () => {
    const page = await readLatestPage(client, {
      competitionId: 'old',
      asOf: '2026-03-04',
      groupBy: 'overall',
      groupKey: '',
      limit: 10,
      offset: 0,
    });
    expect(page?.rows.map((r) => [r.crewId, r.score, r.facts])).toEqual([['C1', 12.5, null]]);
  });

  it('sets the merge selector of the rollup and the raw events', async () => {
    const tables = await rows<{ name: string; engine_full: string }>(
      `SELECT name, engine_full FROM system.tables
       WHERE database = currentDatabase() AND name IN ('crew_daily', 'events') ORDER BY name`,
    );
    expect(tables.map((t) => [t.name, /merge_selector_base = 10\b/.test(t.engine_full)])).toEqual([
      ['crew_daily', true],
      ['events', true],
    ]);
  });

  it('keeps the daily rollup fed: events stored after the upgrade add to the sums from before it', async () => {
    await insertEventRows(client, [
      toEventValues(
        {
          eventId: 's2',
          crewId: 'C1',
          type: 'sales',
          occurredAt: '2026-03-02T08:00:00+08:00',
          volume: 500,
          unit: 'litres',
        },
        '2026-03-05T00:00:01Z',
      ),
      toEventValues(
        {
          eventId: 'v2',
          crewId: 'C1',
          type: 'violation',
          occurredAt: '2026-03-03T11:00:00+08:00',
          kind: 'operation',
          personCount: 1,
        },
        '2026-03-05T00:00:01Z',
      ),
    ]);
    expect(
      await rows<{ day: string; crew_id: string; metric: string; value: number }>(
        `SELECT toString(day) AS day, crew_id, metric, sum(value) AS value FROM crew_daily
         GROUP BY day, crew_id, metric ORDER BY day, crew_id, metric`,
      ),
    ).toEqual([
      { day: '2026-03-02', crew_id: 'C1', metric: 'sales.amount_cny', value: 48000 },
      { day: '2026-03-02', crew_id: 'C1', metric: 'sales.volume_litres', value: 6500 },
      { day: '2026-03-03', crew_id: 'C1', metric: 'violation.operation.events', value: 2 },
      { day: '2026-03-03', crew_id: 'C1', metric: 'violation.operation.persons', value: 3 },
      { day: '2026-03-03', crew_id: 'C2', metric: 'incident.minor_injury', value: 1 },
      { day: '2026-03-04', crew_id: 'C2', metric: 'metric.drills', value: 3 },
    ]);
    // The exact sums (0012) count the rows stored before the upgrade and the ones after it alike.
    expect((await loadMetricSums(client, '2026-03-01', '2026-03-31')).get('C1')?.metrics).toEqual({
      'sales.amount_cny': 48000,
      'sales.volume_litres': 6500,
      'violation.operation.events': 2,
      'violation.operation.persons': 3,
    });
    const keys = await findStoredEventKeys(client, [
      { crewId: 'C1', eventId: 's1' },
      { crewId: 'C1', eventId: 's2' },
      { crewId: 'C2', eventId: 's1' },
    ]);
    expect([...keys].sort()).toEqual(['C1\u0000s1', 'C1\u0000s2']);
  });
});
