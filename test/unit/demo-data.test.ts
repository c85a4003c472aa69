import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { MetricEventSchema, type MetricEventInput } from '../../schemas/event.schema.ts';
import { Org } from '../../schemas/org.schema.ts';
import { addDays, dayInZone } from '../../services/shared/calendar.ts';
import { buildDemoCompetitions, demoPeriod } from '../../services/demo/demo-competitions.ts';
import { buildDemoOrg } from '../../services/demo/demo-org.ts';
import { generateDemoEvents, generateLiveEvents } from '../../services/demo/generate-events.ts';
import { createRng } from '../../services/demo/prng.ts';

const TODAY = '2026-11-20';
// 15:30 in Shanghai: today's afternoon and night shifts have not reported yet.
const NOW = new Date('2026-11-20T15:30:00+08:00');
const period = demoPeriod(TODAY);
const org = buildDemoOrg();

function history(seed = 7): MetricEventInput[] {
  return generateDemoEvents({ org, from: period.start, to: TODAY, seed, now: NOW });
}

describe('demo org', () => {
  it('parses with the Org schema and has the promised shape', () => {
    const parsed = Org.parse(org);
    expect(parsed.branches).toHaveLength(3);
    expect(parsed.crews).toHaveLength(36);
    expect(parsed.units.filter((u) => u.type === 'station').length).toBeGreaterThan(parsed.units.length / 2);
    for (const crew of parsed.crews) {
      expect(crew.headcount).toBeGreaterThanOrEqual(4);
      expect(crew.headcount).toBeLessThanOrEqual(12);
    }
  });

  it('gives every crew a sales volume target for the labour competition', () => {
    const targets = org.targets.filter((t) => t.competitionId === 'wbyc-2026q4' && t.metric === 'sales.volume_litres');
    expect(new Set(targets.map((t) => t.crewId))).toEqual(new Set(org.crews.map((c) => c.id)));
  });

  it('is the same on every call', () => {
    expect(buildDemoOrg()).toEqual(org);
  });
});

describe('demo competitions', () => {
  const competitions = buildDemoCompetitions(TODAY);

  it('parses with the Competition schema', () => {
    expect(competitions.map((c) => c.id)).toEqual(['wbyc-2026q4', 'ankang-2026']);
    for (const { definition } of competitions) {
      const parsed = Competition.parse(definition);
      expect(parsed.period.start).toBe(addDays(TODAY, -27));
      expect(parsed.period.start <= TODAY && TODAY <= parsed.period.end).toBe(true);
    }
  });
});

describe('generateDemoEvents', () => {
  const events = history();

  it('produces events that parse with MetricEventSchema', () => {
    expect(events.length).toBeGreaterThan(1000);
    for (const event of events) MetricEventSchema.parse(event);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(history()).toEqual(events);
    expect(history(8)).not.toEqual(events);
  });

  it('uses unique event ids', () => {
    expect(new Set(events.map((e) => `${e.crewId}\u0000${e.eventId}`)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it('keeps earlier events unchanged when the range or now grows, so a re-seed only adds', () => {
    const longer = generateDemoEvents({ org, from: period.start, to: period.end, seed: 7, now: NOW });
    expect(longer).toEqual(events);
    const tomorrow = generateDemoEvents({
      org,
      from: period.start,
      to: addDays(TODAY, 1),
      seed: 7,
      now: new Date(NOW.getTime() + 24 * 3600 * 1000),
    });
    const byId = new Map(tomorrow.map((e) => [e.eventId, e]));
    for (const event of events) expect(byId.get(event.eventId)).toEqual(event);
    expect(tomorrow.length).toBeGreaterThan(events.length);
  });

  it('contains exactly one serious injury', () => {
    const serious = events.filter((e) => e.type === 'incident' && e.severity === 'serious_injury');
    expect(serious).toHaveLength(1);
  });

  it('keeps every event inside the range and not after now', () => {
    for (const event of events) {
      const day = dayInZone(new Date(event.occurredAt), 'Asia/Shanghai');
      expect(day >= period.start && day <= TODAY, event.eventId).toBe(true);
      expect(event.occurredAt.endsWith('+08:00')).toBe(true);
      expect(new Date(event.occurredAt).getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
  });

  it('rectifies only hazards the same crew found earlier', () => {
    const found = new Map<string, { crewId: string; at: number }>();
    for (const event of events) {
      if (event.type === 'hazard_found')
        found.set(event.hazardId, { crewId: event.crewId, at: Date.parse(event.occurredAt) });
    }
    const rectified = events.filter((e) => e.type === 'hazard_rectified');
    expect(rectified.length).toBeGreaterThan(0);
    for (const event of rectified) {
      const origin = found.get(event.hazardId);
      expect(origin, event.hazardId).toBeDefined();
      expect(origin?.crewId).toBe(event.crewId);
      expect(Date.parse(event.occurredAt)).toBeGreaterThan(origin?.at ?? Infinity);
    }
  });

  it('has one or two sales reports per crew per past day, priced at 7.5-8.5 CNY a litre', () => {
    const perCrewDay = new Map<string, number>();
    for (const event of events) {
      if (event.type !== 'sales') continue;
      const key = `${event.crewId}|${event.occurredAt.slice(0, 10)}`;
      perCrewDay.set(key, (perCrewDay.get(key) ?? 0) + 1);
      const price = (event.amountCny ?? 0) / event.volume;
      expect(price).toBeGreaterThanOrEqual(7.5);
      expect(price).toBeLessThanOrEqual(8.5);
    }
    const yesterday = addDays(TODAY, -1);
    for (const crew of org.crews) {
      const count = perCrewDay.get(`${crew.id}|${yesterday}`) ?? 0;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(2);
    }
  });

  it('moves innovations forward in time and awards them with a level', () => {
    const lastStatus = new Map<string, { status: string; at: number }>();
    const order = ['submitted', 'adopted', 'awarded'];
    for (const event of events) {
      if (event.type !== 'innovation') continue;
      const previous = lastStatus.get(event.innovationId);
      if (previous !== undefined) {
        expect(order.indexOf(event.status)).toBe(order.indexOf(previous.status) + 1);
        expect(Date.parse(event.occurredAt)).toBeGreaterThan(previous.at);
      } else {
        expect(event.status).toBe('submitted');
      }
      lastStatus.set(event.innovationId, { status: event.status, at: Date.parse(event.occurredAt) });
    }
    expect(lastStatus.size).toBeGreaterThan(0);
  });

  it('sizes targets so some crews beat them over the whole period and some do not', () => {
    const all = generateDemoEvents({ org, from: period.start, to: period.end, seed: 7, now: new Date('2030-01-01') });
    const volume = new Map<string, number>();
    for (const event of all) {
      if (event.type === 'sales') volume.set(event.crewId, (volume.get(event.crewId) ?? 0) + event.volume);
    }
    const completion = org.targets.map((t) => (volume.get(t.crewId) ?? 0) / t.value);
    expect(completion.some((c) => c >= 1)).toBe(true);
    expect(completion.some((c) => c < 1)).toBe(true);
    expect(Math.min(...completion)).toBeGreaterThan(0.75);
    expect(Math.max(...completion)).toBeLessThan(1.3);
  });
});

describe('generateLiveEvents', () => {
  it('makes valid events with fresh ids, mostly sales', () => {
    const rng = createRng(42);
    const openHazards: { crewId: string; hazardId: string }[] = [];
    const at = new Date('2026-11-20T10:00:00+08:00');
    const first = generateLiveEvents({ org, at, count: 500, rng, openHazards });
    const second = generateLiveEvents({ org, at, count: 500, rng, openHazards });
    const events = [...first, ...second];
    expect(events).toHaveLength(1000);
    for (const event of events) {
      MetricEventSchema.parse(event);
      expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(at.getTime());
    }
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    expect(events.filter((e) => e.type === 'sales').length).toBeGreaterThan(800);
  });
});
