import type { DeadLetterReason } from '../../../schemas/kafka-message.schema.ts';
import type { IngestRecord, ValidateCorrection } from '../../corrections/correction-steps.ts';
import { isCorrectionMessage, type ConsumedMessage } from '../../kafka/event-message.ts';
import type { ValidateStep } from '../../pipeline/validate-step.ts';
import type { BatchExtent } from '../../storage/consumer-batches.store.ts';
import { eventKey, type EventSource } from '../../storage/events.store.ts';

/** What the consume pipeline decides about one message. */
export type MessageOutcome =
  | { kind: 'ok'; message: ConsumedMessage; event: IngestRecord; receivedAtMs: number }
  | { kind: 'dead-letter'; message: ConsumedMessage; reason: DeadLetterReason }
  | { kind: 'duplicate'; message: ConsumedMessage }
  /** A valid event on another partition than its crew's: forwarded there, stored by that partition's reader. */
  | { kind: 'reroute'; message: ConsumedMessage; event: IngestRecord; toPartition: number };

/**
 * A record's key in the batch and in storage: an event's (crewId, eventId), and for a correction
 * the corrected event's key in the corrections' own key space.
 */
export function recordKey(record: IngestRecord): string {
  const key = eventKey(record.crewId, record.eventId);
  return record.type === 'correction' ? `${key}\u0000correction` : key;
}

/**
 * parse -> validate, as strictly as the HTTP API: the same schema, the same registry check, the
 * time judged against when the event was received (the message timestamp). The key must be the
 * crew id, or a crew's events could sit in two partitions and two instances could store both.
 * A message with the correction content type is a correction, validated as the API validates one.
 */
export function decodeMessage(
  message: ConsumedMessage,
  validate: ValidateStep,
  validateCorrection: ValidateCorrection,
): MessageOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch (err) {
    return {
      kind: 'dead-letter',
      message,
      reason: {
        code: 'malformed_json',
        message: `the message value is not JSON: ${err instanceof Error ? err.message : String(err)}`,
      },
    };
  }
  const receivedAtMs = Number(message.timestamp);
  const at = Number.isFinite(receivedAtMs) && receivedAtMs > 0 ? receivedAtMs : undefined;
  const correction = isCorrectionMessage(message);
  const result = correction ? validateCorrection(raw, at) : validate(raw, at);
  if (result.kind === 'reject') {
    return {
      kind: 'dead-letter',
      message,
      reason: {
        code: correction ? 'invalid_correction' : 'invalid_event',
        message: `the ${correction ? 'correction' : 'event'} does not meet its schema: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        errors: result.errors,
      },
    };
  }
  if (result.kind !== 'ok') return { kind: 'duplicate', message };
  const event = result.value;
  const key = message.key?.toString('utf8');
  if (key !== event.crewId) {
    return {
      kind: 'dead-letter',
      message,
      reason: {
        code: 'key_mismatch',
        message: `the message key must be the event's crewId "${event.crewId}" (got ${key === undefined ? 'no key' : `"${key}"`}), so that a crew's events share one partition`,
      },
    };
  }
  return { kind: 'ok', message, event, receivedAtMs: Number(message.timestamp) };
}

/** The first message of a (crewId, eventId) in the batch is the event; later ones repeat it. */
export function dedupeWithinBatch(outcomes: readonly MessageOutcome[]): MessageOutcome[] {
  const seen = new Set<string>();
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'ok') return outcome;
    const key = recordKey(outcome.event);
    if (seen.has(key)) return { kind: 'duplicate', message: outcome.message };
    seen.add(key);
    return outcome;
  });
}

/**
 * A crew's events are stored only by the reader of the crew's partition (crewPartition, murmur2
 * of the key): that reader takes one batch at a time, so it sees every copy of an event in turn
 * and stores the first. An event that arrived elsewhere (a producer with another partitioner,
 * kcat's CRC32; a topic that gained partitions) is forwarded to that partition instead of being
 * stored beside it, so two partitions can never both store one event.
 */
export function routeToCrewPartition(
  outcomes: readonly MessageOutcome[],
  partition: number,
  crewPartition: (crewId: string) => number,
): MessageOutcome[] {
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'ok') return outcome;
    const home = crewPartition(outcome.event.crewId);
    return home === partition
      ? outcome
      : { kind: 'reroute', message: outcome.message, event: outcome.event, toPartition: home };
  });
}

/** A row ClickHouse refused (found by splitting the insert): a dead letter with ClickHouse's reason. */
export function refusedByStorage(message: ConsumedMessage, error: string): MessageOutcome {
  return {
    kind: 'dead-letter',
    message,
    reason: {
      code: 'insert_refused',
      message: `ClickHouse refused the event although it passed validation: ${error}`,
    },
  };
}

function within(source: EventSource, extent: BatchExtent): boolean {
  return (
    source.topic === extent.topic &&
    source.partition === extent.partition &&
    source.offset >= extent.firstOffset &&
    source.offset <= extent.lastOffset
  );
}

/**
 * An event already stored is a duplicate (an HTTP client's retry, a producer's retry, a replay),
 * with one exception: when an earlier attempt of this very batch may have stored part of it and
 * died before it was acknowledged (`resendingOwnRows`), the rows it stored are sent again
 * unchanged, so the retried insert is identical and ClickHouse's deduplication completes it.
 */
export function dedupeAgainstStored(
  outcomes: readonly MessageOutcome[],
  stored: ReadonlyMap<string, readonly EventSource[]>,
  extent: BatchExtent,
  resendingOwnRows: boolean,
): MessageOutcome[] {
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'ok') return outcome;
    const sources = stored.get(recordKey(outcome.event));
    if (!sources || sources.length === 0) return outcome;
    if (resendingOwnRows && sources.every((s) => within(s, extent))) return outcome;
    return { kind: 'duplicate', message: outcome.message };
  });
}
