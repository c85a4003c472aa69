import type { DeadLetterReason } from '../../../schemas/kafka-message.schema.ts';
import type { IngestRecord, ValidateCorrection } from '../../corrections/correction-steps.ts';
import { isCorrectionMessage, type ConsumedMessage } from '../../kafka/event-message.ts';
import { repeatOf } from '../../pipeline/dedupe-step.ts';
import type { ValidateStep } from '../../pipeline/validate-step.ts';
import type { BatchExtent } from '../../storage/consumer-batches.store.ts';
import { contentOf, type EventContent } from '../../storage/event-row.ts';
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

/**
 * A repeat of an event: a duplicate, or a conflict when its content differs. A conflict goes to
 * the dead-letter topic: its sender was answered long ago (by the ingest service, or by Kafka),
 * so the dead letter (and the dead_letters table the pipeline dashboard shows) is where its bug is
 * seen, with the message as sent; the first version stays.
 */
function repeatOutcome(outcome: MessageOutcome & { kind: 'ok' }, earlier: IngestRecord | EventContent): MessageOutcome {
  const { event } = outcome;
  const earlierContent = isContent(earlier) ? earlier : earlier.type === 'correction' ? undefined : contentOf(earlier);
  // Corrections carry no content to compare: a repeat is their retry.
  if (event.type === 'correction' || earlierContent === undefined)
    return { kind: 'duplicate', message: outcome.message };
  const result = repeatOf(event, earlierContent);
  if (result.kind !== 'conflict') return { kind: 'duplicate', message: outcome.message };
  const { crewId, eventId } = event;
  return {
    kind: 'dead-letter',
    message: outcome.message,
    reason: {
      code: 'conflict',
      message: `crew "${crewId}" event "${eventId}" was stored with other content (${result.fields.join(', ')}); the first version stays: a new event needs a new eventId`,
      errors: result.fields.map((path) => ({ path, message: 'differs from the event stored under this eventId' })),
    },
  };
}

const isContent = (x: IngestRecord | EventContent): x is EventContent => Array.isArray(x);

/** The first message of a (crewId, eventId) in the batch is the event; later ones repeat it. */
export function dedupeWithinBatch(outcomes: readonly MessageOutcome[]): MessageOutcome[] {
  const seen = new Map<string, IngestRecord>();
  return outcomes.map((outcome) => firstInBatch(outcome, seen));
}

function firstInBatch(outcome: MessageOutcome, seen: Map<string, IngestRecord>): MessageOutcome {
  if (outcome.kind !== 'ok') return outcome;
  const key = recordKey(outcome.event);
  const first = seen.get(key);
  if (first) return repeatOutcome(outcome, first);
  seen.set(key, outcome.event);
  return outcome;
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
  return outcomes.map((outcome) => routed(outcome, partition, crewPartition));
}

function routed(outcome: MessageOutcome, partition: number, crewPartition: (crewId: string) => number): MessageOutcome {
  if (outcome.kind !== 'ok') return outcome;
  const home = crewPartition(outcome.event.crewId);
  return home === partition
    ? outcome
    : { kind: 'reroute', message: outcome.message, event: outcome.event, toPartition: home };
}

/**
 * decodeMessage, dedupeWithinBatch and routeToCrewPartition in one pass over a fetched batch:
 * the consumer's hot path, one outcome per message and no intermediate lists.
 */
export function decodeBatch(
  messages: readonly ConsumedMessage[],
  steps: {
    validate: ValidateStep;
    validateCorrection: ValidateCorrection;
    partition: number;
    crewPartition: (crewId: string) => number;
  },
): MessageOutcome[] {
  const seen = new Map<string, IngestRecord>();
  const out = new Array<MessageOutcome>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const decoded = decodeMessage(messages[i] as ConsumedMessage, steps.validate, steps.validateCorrection);
    out[i] = routed(firstInBatch(decoded, seen), steps.partition, steps.crewPartition);
  }
  return out;
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
 * or a conflict when `contents` has the stored event's content and it differs, with one
 * exception: when an earlier attempt of this very batch may have stored part of it and
 * died before it was acknowledged (`resendingOwnRows`), the rows it stored are sent again
 * unchanged, so the retried insert is identical and ClickHouse's deduplication completes it.
 */
export function dedupeAgainstStored(
  outcomes: readonly MessageOutcome[],
  stored: ReadonlyMap<string, readonly EventSource[]>,
  extent: BatchExtent,
  resendingOwnRows: boolean,
  contents: ReadonlyMap<string, EventContent> = new Map(),
): readonly MessageOutcome[] {
  // The usual batch: nothing of it was stored before (the key filter asked storage about none).
  if (stored.size === 0) return outcomes;
  return outcomes.map((outcome) => {
    if (outcome.kind !== 'ok') return outcome;
    const key = recordKey(outcome.event);
    const sources = stored.get(key);
    if (!sources || sources.length === 0) return outcome;
    if (resendingOwnRows && sources.every((s) => within(s, extent))) return outcome;
    const content = contents.get(key);
    return content ? repeatOutcome(outcome, content) : { kind: 'duplicate', message: outcome.message };
  });
}
