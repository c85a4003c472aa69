import { describe, expect, it } from 'vitest';
import { correctionIdFor, replacementIdFor } from '../../services/corrections/correction-ids.ts';
import { createCorrectionValidateStep } from '../../services/corrections/correction-steps.ts';
import { toCorrectionMessage, type ConsumedMessage } from '../../services/kafka/event-message.ts';
import { createValidateStep } from '../../services/pipeline/validate-step.ts';
import {
  decodeBatch,
  decodeMessage,
  dedupeAgainstStored,
  dedupeWithinBatch,
  refusedByStorage,
  routeToCrewPartition,
  type MessageOutcome,
} from '../../services/scoring/consumer/consume-steps.ts';
import type { MetricEvent } from '../../schemas/event.schema.ts';
import { contentOf } from '../../services/storage/event-row.ts';
import { eventKey, type EventSource } from '../../services/storage/events.store.ts';

const received = Date.parse('2026-03-10T12:00:00+08:00');
const validate = createValidateStep({
  crewExists: (id) => ['C1', 'C2'].includes(id),
  // The consumer judges times against the message timestamp, never against now.
  now: () => new Date('2030-01-01T00:00:00Z'),
  maxFutureMs: 10 * 60_000,
  maxAgeMs: 400 * 86_400_000,
});

const validateCorrection = createCorrectionValidateStep(validate);

const event = (eventId: string, crewId = 'C1', extra: Record<string, unknown> = {}) => ({
  eventId,
  crewId,
  type: 'metric',
  occurredAt: '2026-03-10T09:00:00+08:00',
  name: 'units',
  value: 1,
  ...extra,
});

function message(offset: number, key: string | null, value: unknown, timestamp = received): ConsumedMessage {
  return {
    offset: String(offset),
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    timestamp: String(timestamp),
  };
}

const kinds = (outcomes: readonly MessageOutcome[]) =>
  outcomes.map((o) => (o.kind === 'dead-letter' ? `dead-letter:${o.reason.code}` : o.kind));

describe('decodeMessage: parse, then validate as the HTTP API does', () => {
  it.each([
    { name: 'a valid event', msg: message(0, 'C1', event('a')), want: 'ok' },
    { name: 'not JSON', msg: message(0, 'C1', '{"eventId":'), want: 'dead-letter:malformed_json' },
    { name: 'an empty value', msg: message(0, 'C1', ''), want: 'dead-letter:malformed_json' },
    {
      name: 'a wrong field',
      msg: message(0, 'C1', event('a', 'C1', { value: 'x' })),
      want: 'dead-letter:invalid_event',
    },
    { name: 'an unknown crew', msg: message(0, 'C9', event('a', 'C9')), want: 'dead-letter:invalid_event' },
    // Storage refuses these whole batches: they must leave as dead letters, not stall the partition.
    {
      name: 'a lone surrogate in a string',
      msg: message(0, 'C1', {
        ...event('a'),
        type: 'incident',
        severity: 'near_miss',
        name: undefined,
        value: undefined,
        note: 'x\ud800',
      }),
      want: 'dead-letter:invalid_event',
    },
    {
      name: 'a value of 1e308',
      msg: message(0, 'C1', event('a', 'C1', { value: 1e308 })),
      want: 'dead-letter:invalid_event',
    },
    {
      name: 'a misspelt field',
      msg: message(0, 'C1', event('a', 'C1', { vaule: 2 })),
      want: 'dead-letter:invalid_event',
    },
    { name: 'a key that is not the crew', msg: message(0, 'C2', event('a')), want: 'dead-letter:key_mismatch' },
    { name: 'no key', msg: message(0, null, event('a')), want: 'dead-letter:key_mismatch' },
    {
      name: 'in the future of when it was received',
      msg: message(0, 'C1', event('a', 'C1', { occurredAt: '2026-03-10T13:00:00+08:00' })),
      want: 'dead-letter:invalid_event',
    },
  ])('$name -> $want', ({ msg, want }) => {
    expect(kinds([decodeMessage(msg, validate, validateCorrection)])).toEqual([want]);
  });

  it('names the field of an invalid event', () => {
    const outcome = decodeMessage(message(0, 'C1', event('a', 'C1', { value: 'x' })), validate, validateCorrection);
    expect(outcome.kind === 'dead-letter' && outcome.reason.errors?.map((e) => e.path)).toEqual(['value']);
  });
});

/** A correction of event `a` of C1 as the API publishes it. */
function correctionMessage(offset: number, extra: Record<string, unknown> = {}): ConsumedMessage {
  const record = {
    type: 'correction' as const,
    correctionId: correctionIdFor('C1', 'a'),
    action: 'withdraw' as const,
    crewId: 'C1',
    eventId: 'a',
    occurredAt: '2026-03-10T09:00:00+08:00',
    reason: '重复上报 / reported twice',
    author: 'hq',
    authorTokenId: '',
    requestedAt: '2026-03-10T11:00:00+08:00',
    ...extra,
  };
  const m = toCorrectionMessage(record, received);
  return {
    offset: String(offset),
    key: Buffer.from('C1'),
    value: Buffer.from(String(m.value)),
    timestamp: String(received),
    headers: { 'content-type': Buffer.from(String(m.headers?.['content-type'])) },
  };
}

describe('decodeMessage: corrections, by their content type', () => {
  it.each([
    { name: 'a withdrawal', msg: correctionMessage(0), want: 'ok' },
    {
      name: 'a correction with its replacement',
      msg: correctionMessage(0, {
        action: 'correct',
        replacement: event(replacementIdFor('C1', 'a'), 'C2', { value: 3 }),
      }),
      want: 'ok',
    },
    {
      name: 'an id not derived from the event',
      msg: correctionMessage(0, { correctionId: 'corr-x' }),
      want: 'dead-letter:invalid_correction',
    },
    {
      name: 'a replacement with another id',
      msg: correctionMessage(0, { action: 'correct', replacement: event('b', 'C2') }),
      want: 'dead-letter:invalid_correction',
    },
    {
      name: 'a replacement for a crew not in the registry',
      msg: correctionMessage(0, { action: 'correct', replacement: event(replacementIdFor('C1', 'a'), 'C9') }),
      want: 'dead-letter:invalid_correction',
    },
    {
      name: 'a correct without its replacement',
      msg: correctionMessage(0, { action: 'correct' }),
      want: 'dead-letter:invalid_correction',
    },
    { name: 'no reason', msg: correctionMessage(0, { reason: '  ' }), want: 'dead-letter:invalid_correction' },
  ])('$name -> $want', ({ msg, want }) => {
    expect(kinds([decodeMessage(msg, validate, validateCorrection)])).toEqual([want]);
  });

  it('keeps a correction apart from the event it corrects in the batch', () => {
    const outcomes = [message(0, 'C1', event('a')), correctionMessage(1), correctionMessage(2)].map((m) =>
      decodeMessage(m, validate, validateCorrection),
    );
    expect(kinds(dedupeWithinBatch(outcomes))).toEqual(['ok', 'ok', 'duplicate']);
  });

  it('names the replacement field of an invalid correction', () => {
    const outcome = decodeMessage(
      correctionMessage(0, {
        action: 'correct',
        replacement: event(replacementIdFor('C1', 'a'), 'C1', { value: 'x' }),
      }),
      validate,
      validateCorrection,
    );
    expect(outcome.kind === 'dead-letter' && outcome.reason.errors?.map((e) => e.path)).toEqual(['replacement.value']);
  });
});

describe('dedupeWithinBatch', () => {
  it('keeps the first message of an event and marks the later ones', () => {
    const outcomes = [
      message(0, 'C1', event('a')),
      message(1, 'C2', event('a', 'C2')),
      message(2, 'C1', event('a')),
      message(3, 'C1', 'junk'),
    ].map((m) => decodeMessage(m, validate, validateCorrection));
    expect(kinds(dedupeWithinBatch(outcomes))).toEqual(['ok', 'ok', 'duplicate', 'dead-letter:malformed_json']);
  });

  it('dead-letters a later message of the same event with other content as a conflict', () => {
    const outcomes = [message(0, 'C1', event('a')), message(1, 'C1', event('a', 'C1', { value: 2 }))].map((m) =>
      decodeMessage(m, validate, validateCorrection),
    );
    const [, second] = dedupeWithinBatch(outcomes);
    expect(second).toMatchObject({
      kind: 'dead-letter',
      reason: { code: 'conflict', errors: [{ path: 'value' }] },
    });
  });
});

describe('dedupeAgainstStored', () => {
  const extent = { topic: 'ev', partition: 1, firstOffset: 100, firstTimestamp: received, lastOffset: 102 };
  const batch = [message(100, 'C1', event('a')), message(101, 'C1', event('b')), message(102, 'C1', event('c'))].map(
    (m) => decodeMessage(m, validate, validateCorrection),
  );
  const src = (offset: number, partition = 1, topic = 'ev'): EventSource => ({ topic, partition, offset });
  it.each([
    { name: 'nothing stored', stored: {}, resending: false, want: ['ok', 'ok', 'ok'] },
    {
      name: 'stored from an earlier offset',
      stored: { a: [src(7)] },
      resending: false,
      want: ['duplicate', 'ok', 'ok'],
    },
    {
      name: 'stored by an unfinished attempt of this batch: sent again',
      stored: { a: [src(100)], b: [src(101)] },
      resending: true,
      want: ['ok', 'ok', 'ok'],
    },
    {
      name: 'the same rows when this batch is not a resend (e.g. replayed by another group): duplicates',
      stored: { a: [src(100)] },
      resending: false,
      want: ['duplicate', 'ok', 'ok'],
    },
    {
      name: 'stored from another partition or topic during a resend: duplicates',
      stored: { a: [src(100, 2)], b: [src(101, 1, 'other')] },
      resending: true,
      want: ['duplicate', 'duplicate', 'ok'],
    },
    {
      name: 'stored without Kafka (HTTP API)',
      stored: { c: [src(-1, -1, '')] },
      resending: true,
      want: ['ok', 'ok', 'duplicate'],
    },
  ])('$name', ({ stored, resending, want }) => {
    const map = new Map(Object.entries(stored).map(([id, sources]) => [eventKey('C1', id), sources]));
    expect(kinds(dedupeAgainstStored(batch, map, extent, resending))).toEqual(want);
  });

  it('tells a resend from another event stored under the same id by the stored content', () => {
    const map = new Map([
      [eventKey('C1', 'a'), [src(7)]],
      [eventKey('C1', 'b'), [src(8)]],
    ]);
    const contents = new Map([
      [eventKey('C1', 'a'), contentOf(event('a') as MetricEvent)],
      [eventKey('C1', 'b'), contentOf(event('b', 'C1', { name: 'other', value: 5 }) as MetricEvent)],
    ]);
    const outcomes = dedupeAgainstStored(batch, map, extent, false, contents);
    expect(kinds(outcomes)).toEqual(['duplicate', 'dead-letter:conflict', 'ok']);
    expect(outcomes[1]).toMatchObject({ reason: { errors: [{ path: 'name' }, { path: 'value' }] } });
  });
});

describe('routeToCrewPartition', () => {
  const home: Record<string, number> = { C1: 0, C2: 3 };
  it('keeps events of crews whose partition this is, forwards the others, leaves the rest alone', () => {
    const outcomes = [message(0, 'C1', event('a')), message(1, 'C2', event('b', 'C2')), message(2, 'C1', 'junk')].map(
      (m) => decodeMessage(m, validate, validateCorrection),
    );
    const routed = routeToCrewPartition(outcomes, 0, (crewId) => home[crewId] ?? -1);
    expect(kinds(routed)).toEqual(['ok', 'reroute', 'dead-letter:malformed_json']);
    expect(routed[1]?.kind === 'reroute' && routed[1].toPartition).toBe(3);
  });

  it('routes a correction by the corrected event’s crew, as that crew’s events', () => {
    const outcome = decodeMessage(correctionMessage(0), validate, validateCorrection);
    expect(kinds(routeToCrewPartition([outcome], 0, () => 0))).toEqual(['ok']);
    const routed = routeToCrewPartition([outcome], 0, () => 2);
    expect(routed[0]?.kind === 'reroute' && routed[0].toPartition).toBe(2);
  });
});

describe('decodeBatch', () => {
  it('decodes, dedupes within the batch and routes in one pass, as the three steps in turn do', () => {
    const home: Record<string, number> = { C1: 0, C2: 3 };
    const crewPartition = (crewId: string) => home[crewId] ?? -1;
    const messages = [
      message(0, 'C1', event('a')),
      message(1, 'C2', event('b', 'C2')),
      message(2, 'C1', event('a')),
      message(3, 'C1', event('a', 'C1', { value: 2 })),
      message(4, 'C1', 'junk'),
      message(5, 'C2', event('b', 'C2')),
    ];
    const oneByOne = routeToCrewPartition(
      dedupeWithinBatch(messages.map((m) => decodeMessage(m, validate, validateCorrection))),
      0,
      crewPartition,
    );
    const together = decodeBatch(messages, { validate, validateCorrection, partition: 0, crewPartition });
    expect(together).toEqual(oneByOne);
    expect(kinds(together)).toEqual([
      'ok',
      'reroute',
      'duplicate',
      'dead-letter:conflict',
      'dead-letter:malformed_json',
      'duplicate',
    ]);
  });
});

describe('refusedByStorage', () => {
  it("is a dead letter with ClickHouse's reason", () => {
    const outcome = refusedByStorage(message(5, 'C1', event('a')), 'Cannot parse escape sequence');
    expect(outcome.kind === 'dead-letter' && outcome.reason).toEqual({
      code: 'insert_refused',
      message: 'ClickHouse refused the event although it passed validation: Cannot parse escape sequence',
    });
  });
});
