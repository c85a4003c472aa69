import type { CompressionTypes, Message, Producer } from 'kafkajs';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { inParts } from '../kafka/event-message.ts';
import { UnavailableError } from '../shared/errors.ts';

export interface PublisherDeps<T = MetricEvent> {
  producer: Producer;
  /** The message a record travels as: toEventMessage for events. */
  toMessage: (record: T, receivedAtMs: number) => Message;
  topic: string;
  /** Wait at most this long for the brokers' acknowledgement; then the sender gets a 503. */
  timeoutMs: number;
  /** Events sent and not yet acknowledged; a request that would pass it is refused at once. */
  maxInFlightEvents: number;
  now: () => number;
  compression?: CompressionTypes;
  /** Seconds from send to acknowledgement, and refusals by reason. */
  onPublished?: (seconds: number) => void;
  onShed?: (reason: 'overload' | 'timeout' | 'broker_error') => void;
}

export interface Publisher<T = MetricEvent> {
  publish: (events: readonly T[]) => Promise<void>;
  inFlight: () => number;
}

/**
 * Publishes accepted events to the events topic, keyed by crew, with acks from all in-sync
 * replicas (the producer is idempotent, so its own retries are not duplicated). The caller's
 * answer waits for the acknowledgement. Memory stays bounded: events waiting for the brokers are
 * counted, and beyond the limit requests are shed with a 503 instead of queued.
 */
export function createKafkaPublisher<T = MetricEvent>(deps: PublisherDeps<T>): Publisher<T> {
  let inFlight = 0;
  return {
    inFlight: () => inFlight,
    async publish(events) {
      if (inFlight + events.length > deps.maxInFlightEvents && inFlight > 0) {
        deps.onShed?.('overload');
        throw new UnavailableError(
          `the event stream is busy (${inFlight} events waiting for Kafka); resend the batch shortly`,
          1,
        );
      }
      const receivedAt = deps.now();
      inFlight += events.length;
      const started = performance.now();
      // The send goes on after a timeout (kafkajs retries inside); its events stay counted until
      // it settles, so a broker outage fills the limit and sheds load rather than memory.
      const messages = events.map((e) => deps.toMessage(e, receivedAt));
      // A group of up to 50,000 events goes as several sends the broker accepts.
      const sends = inParts(messages).map((part) =>
        deps.producer.send({ topic: deps.topic, acks: -1, messages: part, compression: deps.compression }),
      );
      // Counted until every part settled, even when one failed early.
      const send = Promise.allSettled(sends).then((results) => {
        inFlight -= events.length;
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), deps.timeoutMs)),
      );
      try {
        const result = await Promise.race([send, timeout]);
        if (result === 'timeout') {
          // Kafka may still take them; a resend is recognised as a duplicate when scored.
          send.catch(() => undefined);
          deps.onShed?.('timeout');
          throw new UnavailableError(
            `Kafka did not acknowledge the events within ${deps.timeoutMs} ms; resend the batch (events stored meanwhile are counted once)`,
            2,
          );
        }
        deps.onPublished?.((performance.now() - started) / 1000);
      } catch (err) {
        if (err instanceof UnavailableError) throw err;
        deps.onShed?.('broker_error');
        throw new UnavailableError('Kafka did not take the events; resend the batch', 2, { cause: err });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
