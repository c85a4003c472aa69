import { z } from 'zod';
import { FieldErrorSchema } from './api.schema.ts';

/**
 * The events topic's message format, for this service and for anyone producing straight to Kafka
 * (a station's POS connector, kafka-console-producer):
 * - key: the event's crewId, UTF-8. Producers should partition by murmur2 of the key (kafkajs's
 *   and the Java client's default, librdkafka's partitioner=murmur2_random): an event that lands
 *   on another partition is forwarded by the scoring consumer to its crew's partition, where
 *   a crew's events are deduplicated one batch at a time.
 * - value: one event as JSON, exactly the schema of an item of POST /v1/events (MetricEventSchema).
 * - timestamp: when the event was received (the producer's CreateTime); stored as received_at,
 *   and the reference for "occurredAt is not in the future / not too old".
 * - headers: optional; this service sets content-type.
 *
 * A correction (an organiser withdrawing or correcting a stored event, POST /v1/events/{id}/…)
 * travels on the same topic, keyed by the corrected event's crew so it follows that crew's events:
 * content-type CORRECTION_MESSAGE_CONTENT_TYPE, value a CorrectionRecord
 * (schemas/correction.schema.ts). Only the API sends these.
 */
export const EVENT_MESSAGE_HEADERS = {
  contentType: 'content-type',
} as const;

export const EVENT_MESSAGE_CONTENT_TYPE = 'application/json';
export const CORRECTION_MESSAGE_CONTENT_TYPE = 'application/vnd.leaderboard.correction+json';

/** Headers added to a message moved to the dead-letter topic; key, value and other headers stay as they were. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dead-letter.reason',
  topic: 'dead-letter.topic',
  partition: 'dead-letter.partition',
  offset: 'dead-letter.offset',
  failedAt: 'dead-letter.failed-at',
  /** Only on a value cut to fit the broker's limit: the original size in bytes. */
  truncatedFrom: 'dead-letter.truncated-from',
} as const;

/** The JSON in the dead-letter.reason header. */
export const DeadLetterReason = z.object({
  /**
   * insert_refused: valid, but ClickHouse would not store it (the rest of its batch was stored).
   * invalid_correction / correction_target_unknown: a correction that fails its schema, or names
   * an event that is not stored.
   * conflict: the eventId was stored before with other content; the first version stays.
   */
  code: z.enum([
    'malformed_json',
    'invalid_event',
    'key_mismatch',
    'insert_refused',
    'invalid_correction',
    'correction_target_unknown',
    'conflict',
  ]),
  message: z.string(),
  errors: z.array(FieldErrorSchema).optional(),
});
export type DeadLetterReason = z.infer<typeof DeadLetterReason>;
