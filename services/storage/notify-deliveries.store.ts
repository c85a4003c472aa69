import type { ClickHouseClient } from '@clickhouse/client';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export type DeliveryStepKind =
  'enqueued' | 'sending' | 'delivered' | 'attempt_failed' | 'failed' | 'uncertain' | 'retry';

/** One step of a delivery (migration 0037). */
export interface StoredDeliveryStep {
  deliveryId: string;
  seq: number;
  step: DeliveryStepKind;
  at: string;
  competitionId: string;
  channelId: string;
  detail: Record<string, unknown>;
}

interface StepRow {
  delivery_id: string;
  seq: number;
  step: DeliveryStepKind;
  at: string;
  competition_id: string;
  channel_id: string;
  detail: string;
}

/** The steps whose last one leaves the delivery to the worker (waiting, retrying, or sending when it stopped). */
const OPEN_STEPS = ['enqueued', 'sending', 'attempt_failed', 'retry'];

export async function writeDeliverySteps(
  client: ClickHouseClient,
  steps: readonly StoredDeliveryStep[],
): Promise<void> {
  if (steps.length === 0) return;
  await insertRows(
    client,
    'notify_delivery_steps',
    steps.map((s) => ({
      delivery_id: s.deliveryId,
      seq: s.seq,
      step: s.step,
      at: s.at,
      competition_id: s.competitionId,
      channel_id: s.channelId,
      detail: JSON.stringify(s.detail),
    })),
  );
}

function fromRow(row: StepRow): StoredDeliveryStep {
  return {
    deliveryId: row.delivery_id,
    seq: row.seq,
    step: row.step,
    at: fromClickHouseTime(row.at),
    competitionId: row.competition_id,
    channelId: row.channel_id,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

// A step written twice (a retried insert) is one row: the first of equal (delivery_id, seq).
const STEP_COLUMNS = `delivery_id, seq, step, at, competition_id, channel_id, detail`;
const ONE_PER_STEP = `ORDER BY delivery_id, seq, at LIMIT 1 BY delivery_id, seq`;

/** Which of these delivery ids are in the outbox already. */
export async function existingDeliveryIds(
  client: ClickHouseClient,
  deliveryIds: readonly string[],
): Promise<Set<string>> {
  if (deliveryIds.length === 0) return new Set();
  const result = await client.query({
    query: `SELECT DISTINCT delivery_id FROM notify_delivery_steps
            WHERE seq = 0 AND delivery_id IN {ids:Array(String)}`,
    query_params: { ids: deliveryIds },
    format: 'JSONEachRow',
  });
  return new Set((await result.json<{ delivery_id: string }>()).map((r) => r.delivery_id));
}

/** Every step of the deliveries the worker still has to act on, in order. */
export async function loadOpenDeliverySteps(client: ClickHouseClient): Promise<StoredDeliveryStep[]> {
  const result = await client.query({
    query: `SELECT ${STEP_COLUMNS} FROM notify_delivery_steps
            WHERE delivery_id IN (
              SELECT delivery_id FROM notify_delivery_steps
              GROUP BY delivery_id HAVING argMax(step, seq) IN {open:Array(String)})
            ${ONE_PER_STEP}`,
    query_params: { open: OPEN_STEPS },
    format: 'JSONEachRow',
  });
  return (await result.json<StepRow>()).map(fromRow);
}

/** Every step of a competition's deliveries (or of all, or of one delivery), in order. */
export async function loadDeliverySteps(
  client: ClickHouseClient,
  filter: { competitionId?: string; deliveryId?: string },
): Promise<StoredDeliveryStep[]> {
  const result = await client.query({
    query: `SELECT ${STEP_COLUMNS} FROM notify_delivery_steps
            WHERE ({competitionId:String} = '' OR competition_id = {competitionId:String})
              AND ({deliveryId:String} = '' OR delivery_id = {deliveryId:String})
            ${ONE_PER_STEP}`,
    query_params: { competitionId: filter.competitionId ?? '', deliveryId: filter.deliveryId ?? '' },
    format: 'JSONEachRow',
  });
  return (await result.json<StepRow>()).map(fromRow);
}
