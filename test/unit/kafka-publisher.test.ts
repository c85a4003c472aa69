import type { Producer, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createKafkaPublisher } from '../../services/ingest/kafka-publisher.ts';
import { toEventMessage } from '../../services/kafka/event-message.ts';
import { UnavailableError } from '../../services/shared/errors.ts';

// The broker's slowness and failures are driven here through a stand-in for the producer's send;
// the real broker's outage is covered by test/integration/kafka-outage.test.ts.
const event = (eventId: string) =>
  ({
    eventId,
    crewId: 'C1',
    type: 'metric',
    occurredAt: '2026-03-10T09:00:00+08:00',
    name: 'units',
    value: 1,
  }) as const;

function producerWith(send: () => Promise<RecordMetadata[]>): { producer: Producer; sent: unknown[] } {
  const sent: unknown[] = [];
  const producer = {
    send: (record: unknown) => {
      sent.push(record);
      return send();
    },
  } as unknown as Producer;
  return { producer, sent };
}

const base = { topic: 'ev', timeoutMs: 50, maxInFlightEvents: 3, now: () => 1_000, toMessage: toEventMessage };

describe('publishing to Kafka', () => {
  it('sends keyed by crew with acks from all in-sync replicas and resolves on acknowledgement', async () => {
    const { producer, sent } = producerWith(() => Promise.resolve([]));
    const publisher = createKafkaPublisher({ ...base, producer });
    await publisher.publish([event('a')]);
    expect(sent).toEqual([
      {
        topic: 'ev',
        acks: -1,
        messages: [
          {
            key: 'C1',
            value: JSON.stringify(event('a')),
            timestamp: '1000',
            headers: { 'content-type': 'application/json' },
          },
        ],
      },
    ]);
    expect(publisher.inFlight()).toBe(0);
  });

  it('splits a large group into sends the broker accepts (one record batch stays under 1 MiB)', async () => {
    const { producer, sent } = producerWith(() => Promise.resolve([]));
    const publisher = createKafkaPublisher({ ...base, maxInFlightEvents: 20_000, producer });
    const events = Array.from({ length: 12_000 }, (_, i) => event(`e${i}`));
    await publisher.publish(events);
    const parts = sent.map((r) => (r as { messages: { value: string }[] }).messages);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flat()).toHaveLength(12_000);
    for (const part of parts) expect(part.reduce((n, m) => n + m.value.length, 0)).toBeLessThan(512 * 1024);
  });

  it.each([
    { name: 'a broker error', send: () => Promise.reject(new Error('leader not available')), reason: 'broker_error' },
    {
      name: 'no acknowledgement in time',
      send: () => new Promise<RecordMetadata[]>(() => undefined),
      reason: 'timeout',
    },
  ])('answers 503 with Retry-After on $name', async ({ send, reason }) => {
    const shed: string[] = [];
    const { producer } = producerWith(send);
    const publisher = createKafkaPublisher({ ...base, producer, onShed: (r) => shed.push(r) });
    const err: unknown = await publisher.publish([event('a')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as UnavailableError).retryAfterSeconds).toBeGreaterThan(0);
    expect(shed).toEqual([reason]);
  });

  it('sheds a request that would pass the in-flight limit, without sending it', async () => {
    let release = (): void => undefined;
    const { producer, sent } = producerWith(
      () => new Promise<RecordMetadata[]>((resolve) => (release = () => resolve([]))),
    );
    const publisher = createKafkaPublisher({ ...base, timeoutMs: 10_000, producer });
    const first = publisher.publish([event('a'), event('b')]);
    expect(publisher.inFlight()).toBe(2);
    await expect(publisher.publish([event('c'), event('d')])).rejects.toBeInstanceOf(UnavailableError);
    expect(sent).toHaveLength(1);
    release();
    await first;
    expect(publisher.inFlight()).toBe(0);
    const third = publisher.publish([event('c'), event('d')]);
    expect(sent).toHaveLength(2);
    release();
    await expect(third).resolves.toBeUndefined();
  });

  it('counts a timed-out send as in flight until Kafka settles it', async () => {
    let release = (): void => undefined;
    const { producer } = producerWith(() => new Promise<RecordMetadata[]>((resolve) => (release = () => resolve([]))));
    const publisher = createKafkaPublisher({ ...base, producer });
    await expect(publisher.publish([event('a')])).rejects.toBeInstanceOf(UnavailableError);
    expect(publisher.inFlight()).toBe(1);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(publisher.inFlight()).toBe(0);
  });
});
