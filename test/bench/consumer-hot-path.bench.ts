/**
 * npm run bench:consumer: the scoring consumer's JavaScript per event, in one process and without
 * Kafka or ClickHouse, so that it is steady on a shared machine where the pipeline bench's CPU per
 * event moves by several µs between runs. Batches of the bench's events as kafkajs hands them over
 * (key, value and header buffers) go through the consumer's own steps: decodeBatch (parse,
 * validate with the real schema, dedupe within the batch, route) and insertConsumedRecords (rows
 * and their serialised insert body), the body drained by a client that stores nothing. Prints the
 * process CPU per event (user + system, the garbage collector's threads included) and the heap.
 * Figures only; nothing here gates CI. BENCH_EVENTS_PER_BATCH (4,000: what a 1 MiB fetch holds),
 * BENCH_BATCHES (25), BENCH_ROUNDS (5).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { createCorrectionValidateStep } from '../../services/corrections/correction-steps.ts';
import { EVENT_MESSAGE_CONTENT_TYPE, EVENT_MESSAGE_HEADERS } from '../../schemas/kafka-message.schema.ts';
import { createValidateStep } from '../../services/pipeline/validate-step.ts';
import { decodeBatch } from '../../services/scoring/consumer/consume-steps.ts';
import { insertConsumedRecords } from '../../services/scoring/consumer/consumed-records.ts';
import { benchBatch, benchOrg } from './bench-data.ts';

const PER_BATCH = Number(process.env['BENCH_EVENTS_PER_BATCH'] ?? 4_000);
const BATCHES = Number(process.env['BENCH_BATCHES'] ?? 25);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

const crewIds = benchOrg().crews.map((c) => c.id);
const crews = new Set(crewIds);
const receivedAt = Date.parse('2026-11-20T08:00:00Z');
const dayStarts = Array.from({ length: 20 }, (_, i) => receivedAt - (i + 1) * 86_400_000);
const validate = createValidateStep({
  crewExists: (id) => crews.has(id),
  now: () => new Date(receivedAt),
  maxFutureMs: 600_000,
  maxAgeMs: 400 * 86_400_000,
});
const validateCorrection = createCorrectionValidateStep(validate);
const headers = { [EVENT_MESSAGE_HEADERS.contentType]: Buffer.from(EVENT_MESSAGE_CONTENT_TYPE) };
const batches = Array.from({ length: BATCHES }, (_, b) =>
  (JSON.parse(benchBatch(b, PER_BATCH, crewIds, dayStarts)) as MetricEvent[]).map((event, i) => ({
    offset: String(b * PER_BATCH + i),
    key: Buffer.from(event.crewId),
    value: Buffer.from(JSON.stringify(event)),
    timestamp: String(receivedAt + b),
    headers,
  })),
);

let bodyChars = 0;
/** Takes the insert's body as ClickHouse would read it, and keeps nothing. */
const drain = {
  async exec({ values }: { values: Readable }) {
    for await (const piece of values) bodyChars += (piece as string).length;
    return { stream: Readable.from([]) };
  },
} as unknown as ClickHouseClient;

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const events = BATCHES * PER_BATCH;
console.log(`${events.toLocaleString()} events in batches of ${PER_BATCH.toLocaleString()}, ${ROUNDS} rounds`);
console.log('| round | decode (parse, validate, dedupe, route) | rows and insert body | total | heap used |');
console.log('| --- | --- | --- | --- | --- |');
for (let round = 1; round <= ROUNDS; round++) {
  let decode = 0;
  let rows = 0;
  for (const messages of batches) {
    const started = cpuMicros();
    const outcomes = decodeBatch(messages, { validate, validateCorrection, partition: 0, crewPartition: () => 0 });
    const decoded = cpuMicros();
    decode += decoded - started;
    const fresh = outcomes.flatMap((o) => (o.kind === 'ok' ? [o] : []));
    await insertConsumedRecords(
      drain,
      fresh,
      { topic: 't', partition: 0 },
      new Map(),
      'bench',
      new Date(receivedAt).toISOString(),
    );
    rows += cpuMicros() - decoded;
  }
  const heap = Math.round(process.memoryUsage().heapUsed / 1_048_576);
  console.log(
    `| ${round} | ${(decode / events).toFixed(2)} µs | ${(rows / events).toFixed(2)} µs | ${((decode + rows) / events).toFixed(2)} µs | ${heap} MB |`,
  );
}
if (bodyChars === 0) throw new Error('no insert body was produced');
