import type { IHeaders, Message } from 'kafkajs';
import type { CorrectionRecord } from '../../schemas/correction.schema.ts';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import {
  CORRECTION_MESSAGE_CONTENT_TYPE,
  DEAD_LETTER_HEADERS,
  EVENT_MESSAGE_CONTENT_TYPE,
  EVENT_MESSAGE_HEADERS,
  type DeadLetterReason,
} from '../../schemas/kafka-message.schema.ts';

/** An event as a message of the events topic (schemas/kafka-message.schema.ts). */
export function toEventMessage(event: MetricEvent, receivedAtMs: number): Message {
  return {
    key: event.crewId,
    value: JSON.stringify(event),
    timestamp: String(receivedAtMs),
    headers: { [EVENT_MESSAGE_HEADERS.contentType]: EVENT_MESSAGE_CONTENT_TYPE },
  };
}

/** A correction as a message of the events topic, keyed by the corrected event's crew. */
export function toCorrectionMessage(record: CorrectionRecord, receivedAtMs: number): Message {
  return {
    key: record.crewId,
    value: JSON.stringify(record),
    timestamp: String(receivedAtMs),
    headers: { [EVENT_MESSAGE_HEADERS.contentType]: CORRECTION_MESSAGE_CONTENT_TYPE },
  };
}

/** What the scoring service reads of a consumed message. */
export interface ConsumedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: IHeaders;
}

/** Whether a consumed message carries a correction rather than an event. */
export function isCorrectionMessage(message: Pick<ConsumedMessage, 'headers'>): boolean {
  const header = message.headers?.[EVENT_MESSAGE_HEADERS.contentType];
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && value.toString() === CORRECTION_MESSAGE_CONTENT_TYPE;
}

export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

/** A dead letter must fit the broker's 1 MiB with its headers: larger values are cut here. */
const MAX_DEAD_LETTER_VALUE_BYTES = 900 * 1024;

/** The message as it was, plus where it came from and why it could not be scored. */
export function toDeadLetter(
  message: ConsumedMessage,
  source: SourcePosition,
  reason: DeadLetterReason,
  failedAt: Date,
): Message {
  const value = message.value;
  const cut = value !== null && value.length > MAX_DEAD_LETTER_VALUE_BYTES;
  return {
    key: message.key,
    value: cut ? value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES) : value,
    timestamp: message.timestamp,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.reason]: JSON.stringify(reason),
      [DEAD_LETTER_HEADERS.topic]: source.topic,
      [DEAD_LETTER_HEADERS.partition]: String(source.partition),
      [DEAD_LETTER_HEADERS.offset]: source.offset,
      [DEAD_LETTER_HEADERS.failedAt]: failedAt.toISOString(),
      ...(cut ? { [DEAD_LETTER_HEADERS.truncatedFrom]: String(value.length) } : {}),
    },
  };
}

/** Bytes per send: kafkajs puts a send's messages for one partition into one record batch, and
 * the broker refuses a batch over message.max.bytes (1 MiB by default). */
export const MAX_SEND_BYTES = 512 * 1024;

function sizeOf(message: Message): number {
  const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 0);
  let size = 64 + bytes(message.key) + bytes(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += name.length + bytes(value);
  return size;
}

/** Splits messages into sends of at most maxBytes each (a single larger message goes alone). */
export function inParts(messages: readonly Message[], maxBytes = MAX_SEND_BYTES): Message[][] {
  const parts: Message[][] = [];
  let part: Message[] = [];
  let size = 0;
  for (const message of messages) {
    const next = sizeOf(message);
    if (part.length > 0 && size + next > maxBytes) {
      parts.push(part);
      part = [];
      size = 0;
    }
    part.push(message);
    size += next;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
