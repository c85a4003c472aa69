import type { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseConfig } from '../../services/api/config.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { createCorrectionValidateStep, scoreChanges } from '../../services/corrections/correction-steps.ts';
import { createValidateStep } from '../../services/pipeline/validate-step.ts';
import { createConsumerMetrics } from '../../services/scoring/consumer/consumer-metrics.ts';
import { createEventConsumer, type EventConsumer } from '../../services/scoring/consumer/event-consumer.ts';
import { createStoreTracker } from '../../services/storage/store-tracker.ts';
import { uniqueName } from './kafka.ts';
import type { TestClock } from './test-leaderboard.ts';

/**
 * Another scoring consumer on the test leaderboard's storage, as a second instance on a shared
 * ClickHouse server would be (its own group and topic when given).
 */
export function testConsumer(
  lb: Leaderboard,
  kafka: Kafka,
  clock: TestClock,
  env: Record<string, string>,
  { registry = new Registry(), ...extra }: { topologyCheckMs?: number; registry?: Registry } = {},
): EventConsumer {
  const config = parseConfig(env).kafka;
  if (!config) throw new Error('no Kafka config');
  const producer = kafka.producer();
  const validate = createValidateStep({
    crewExists: (id) => lb.catalog.crew(id) !== undefined,
    now: clock.now,
    maxFutureMs: 600_000,
    maxAgeMs: 400 * 86_400_000,
  });
  const consumer = createEventConsumer({
    client: lb.client,
    stores: createStoreTracker(clock.now),
    kafka,
    producer,
    config,
    validate,
    validateCorrection: createCorrectionValidateStep(validate),
    onStored: (records) =>
      lb.refresher.eventsStored(
        scoreChanges(records).map((e) => ({ crewId: e.crewId, occurredAtMs: Date.parse(e.occurredAt) })),
      ),
    metrics: createConsumerMetrics(registry),
    logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
    now: clock.now,
    registryLoaded: () => lb.catalog.orgVersion() > 0,
    member: { storage: 'server', instance: uniqueName('instance'), describe: 'a test instance', startedAt: Date.now() },
    ...extra,
  });
  return {
    ...consumer,
    async start() {
      await producer.connect();
      await consumer.start();
    },
    async stop() {
      await consumer.stop();
      await producer.disconnect();
    },
  };
}
