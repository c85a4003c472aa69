import type { Producer } from 'kafkajs';

/**
 * A stream of `metric.units` events produced to the events topic as a station's system would
 * (keyed by crew, acks=-1), remembering what each crew sent per day, so a check can say what the
 * standings of a `sum` indicator (1 point per unit) must show once everything is stored.
 */
export interface UnitStream {
  /** Sends `count` events round the crews; `dayOf(i)` is the day of the i-th event ever sent. */
  produce(count: number, dayOf: (i: number) => string): Promise<void>;
  /** Events sent so far. */
  sent(): number;
  /** A crew's units on days up to `asOf` (inclusive). */
  unitsUpTo(crewId: string, asOf: string): number;
}

export function createUnitStream(producer: Producer, topic: string, crewIds: readonly string[]): UnitStream {
  /** crewId -> day -> units. */
  const units = new Map<string, Map<string, number>>();
  let sent = 0;
  return {
    async produce(count, dayOf) {
      const messages = Array.from({ length: count }, (_, k) => {
        const i = sent + k;
        const crewId = crewIds[i % crewIds.length] ?? '';
        const day = dayOf(i);
        const value = (i % 7) + 1;
        const byDay = units.get(crewId) ?? new Map<string, number>();
        units.set(crewId, byDay.set(day, (byDay.get(day) ?? 0) + value));
        const event = {
          eventId: `e-${String(i)}`,
          crewId,
          type: 'metric',
          occurredAt: `${day}T10:00:00+08:00`,
          name: 'units',
          value,
        };
        return { key: crewId, value: JSON.stringify(event) };
      });
      sent += count;
      for (let from = 0; from < messages.length; from += 2_000) {
        await producer.send({ topic, acks: -1, messages: messages.slice(from, from + 2_000) });
      }
    },
    sent: () => sent,
    unitsUpTo(crewId, asOf) {
      let sum = 0;
      for (const [day, n] of units.get(crewId) ?? []) if (day <= asOf) sum += n;
      return sum;
    },
  };
}
