import type { InnovationCategory, MetricEventInput, ViolationKind } from '../../schemas/event.schema.ts';
import type { Crew, Org, UnitType } from '../../schemas/org.schema.ts';
import { addDays, dayInZone, daysFrom, startOfDay } from '../shared/calendar.ts';
import { dayOfWeek, toShanghaiIso } from './calendar.ts';
import { expectedDailyLitres } from './demo-org.ts';
import { createRng, hashSeed, type Rng } from './prng.ts';

export const DEFAULT_DEMO_SEED = 20_261_103;

interface CrewContext {
  crew: Crew;
  unitType: UnitType;
  /** 0 甲班 08:00-16:00, 1 乙班 16:00-24:00, 2 丙班 00:00-08:00 (三班倒). */
  shift: number;
  dailyLitres: number;
}

/** An event plus its instant, so filtering and sorting do not re-parse occurredAt. */
interface Draft {
  instant: number;
  event: MetricEventInput;
}

const HOUR = 3600;
const SHIFT_SECONDS = 8 * HOUR;

// Daily per-crew probabilities, tuned so a crew sees ~3 hazards a month and the whole demo org
// sees a handful of violations, near misses and innovations a week.
const P_HAZARD = 0.1;
const P_RECTIFIED = 0.88;
const P_NEAR_MISS = 0.012;
const P_VIOLATION = 0.012;
const P_INNOVATION = 0.025;
const P_ADOPTED = 0.55;
const P_AWARDED = 0.45;

/** Pump prices in CNY per litre; they keep amountCny within 7.5-8.5 × volume. */
const PRICE_PER_LITRE: Readonly<Record<string, number>> = { '92#': 7.62, '95#': 8.15, '0#': 7.55 };
const STATION_PRODUCTS = [
  ['92#', 55],
  ['95#', 20],
  ['0#', 25],
] as const;
const DEPOT_PRODUCTS = [
  ['92#', 45],
  ['95#', 10],
  ['0#', 45],
] as const;

const HAZARD_NOTES = [
  '灭火器压力不足',
  '加油机静电接地线松动',
  '卸油口防溢帽缺失',
  '安全警示标识破损',
  '配电箱未上锁',
  '消防沙池沙量不足',
  '员工未穿防静电工作服',
  '油罐区杂草未及时清理',
  '应急照明灯不亮',
  '可燃气体报警器未按期校验',
] as const;
const NEAR_MISS_NOTES = [
  '顾客车辆未熄火即开始加油，员工及时制止',
  '卸油时静电接地夹脱落，发现后立即停止作业',
  '车辆倒车险些撞上加油机',
  '顾客在加油区使用手机，员工及时劝阻',
] as const;
const MINOR_INJURY_NOTES = ['员工搬运润滑油时扭伤手腕', '加油枪回弹擦伤手背'] as const;
const SERIOUS_INJURY_NOTE = '卸油作业中员工从油罐车梯子坠落，腿部骨折';

const VIOLATION_KINDS: readonly (readonly [ViolationKind, number])[] = [
  ['operation', 6],
  ['discipline', 3],
  ['command', 1],
];
const INNOVATION_CATEGORIES: readonly (readonly [InnovationCategory, number])[] = [
  ['suggestion', 40],
  ['renovation', 25],
  ['design', 15],
  ['creation', 10],
  ['invention', 10],
];

const roundCents = (value: number): number => Math.round(value * 100) / 100;
const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
const compactDate = (date: string): string => date.replaceAll('-', '');

const contextCache = new WeakMap<Org, readonly CrewContext[]>();

function crewContexts(org: Org): readonly CrewContext[] {
  const cached = contextCache.get(org);
  if (cached !== undefined) return cached;
  const unitTypes = new Map(org.units.map((unit) => [unit.id, unit.type]));
  const positionInUnit = new Map<string, number>();
  const contexts = org.crews.map((crew): CrewContext => {
    const position = positionInUnit.get(crew.unitId) ?? 0;
    positionInUnit.set(crew.unitId, position + 1);
    const unitType = unitTypes.get(crew.unitId) ?? 'other';
    return { crew, unitType, shift: position % 3, dailyLitres: expectedDailyLitres(crew.id, unitType) };
  });
  contextCache.set(org, contexts);
  return contexts;
}

/** A second of the day inside the crew's shift, away from the handover minutes. */
function inShift(ctx: CrewContext, rng: Rng): number {
  return ctx.shift * SHIFT_SECONDS + rng.int(15 * 60, SHIFT_SECONDS - 15 * 60);
}

/** Whole minutes look like what people type into a reporting app. */
function draftAt(date: string, second: number): { instant: number; occurredAt: string } {
  const instant = startOfDay(date, 'Asia/Shanghai').getTime() + Math.floor(second / 60) * 60_000;
  return { instant, occurredAt: toShanghaiIso(instant) };
}

interface Plan {
  /** Skill contest days (技能比武), the same for every crew. */
  contestDays: readonly string[];
  /** Incidents placed on purpose, keyed `${crewId}|${date}`, so the demo always shows the veto. */
  injected: ReadonlyMap<string, readonly ('minor_injury' | 'serious_injury')[]>;
}

/**
 * Plans what must not depend on chance per crew-day. Everything is anchored to `from` and the seed,
 * never to `to` or `now`, so re-seeding tomorrow with a longer range re-sends the same events (the
 * API de-duplicates them) instead of adding a second serious injury on another day.
 */
function planPeriod(contexts: readonly CrewContext[], from: string, seed: number): Plan {
  const rng = createRng(hashSeed(seed, 'plan', from));
  const contestDays = [addDays(from, rng.int(8, 12)), addDays(from, rng.int(22, 26))];
  const injected = new Map<string, ('minor_injury' | 'serious_injury')[]>();
  if (contexts.length > 0) {
    // Within the first three weeks, so a demo history of four weeks always shows them.
    for (const severity of ['serious_injury', 'minor_injury', 'minor_injury'] as const) {
      const key = `${rng.pick(contexts).crew.id}|${addDays(from, rng.int(3, 20))}`;
      injected.set(key, [...(injected.get(key) ?? []), severity]);
    }
  }
  return { contestDays, injected };
}

/**
 * Everything one crew reports on one day, including follow-ups (rectification, adoption, award) dated
 * later. Each crew-day has its own random stream, so widening the range keeps earlier events and ids.
 */
function crewDay(ctx: CrewContext, date: string, seed: number, plan: Plan): Draft[] {
  const rng = createRng(hashSeed(seed, ctx.crew.id, date));
  const crewId = ctx.crew.id;
  const stem = `${crewId}-${compactDate(date)}`;
  let counter = 0;
  const nextId = (): string => `demo-${stem}-${(counter += 1)}`;
  const drafts: Draft[] = [];
  const push = (day: string, second: number, fields: DistributiveOmit<MetricEventInput, 'crewId' | 'occurredAt'>) => {
    const { instant, occurredAt } = draftAt(day, second);
    drafts.push({ instant, event: { ...fields, crewId, occurredAt } });
  };

  // Sales: weekends are a little busier; the weekday factor keeps the weekly mean at dailyLitres,
  // which the crew targets in the demo org are sized from.
  const weekend = [0, 6].includes(dayOfWeek(date));
  const dayLitres = ctx.dailyLitres * (weekend ? 1.08 : 0.968) * clamp(rng.normal(1, 0.1), 0.6, 1.5);
  // Often the shift reports gasoline and diesel separately, so one or two reports a day.
  const first = rng.chance(0.6) ? rng.float(0.5, 0.75) : 1;
  const parts = first === 1 ? [1] : [first, 1 - first];
  const products = ctx.unitType === 'depot' ? DEPOT_PRODUCTS : STATION_PRODUCTS;
  for (const share of parts) {
    const product = rng.weighted(products);
    const volume = Math.round(dayLitres * share);
    const price = (PRICE_PER_LITRE[product] ?? 8) + rng.float(-0.05, 0.05);
    push(date, inShift(ctx, rng), {
      eventId: nextId(),
      type: 'sales',
      volume,
      unit: 'litres',
      product,
      amountCny: roundCents(volume * price),
    });
  }

  if (rng.chance(P_HAZARD)) {
    const hazardId = `hazard-${stem}-${counter + 1}`;
    const note = rng.pick(HAZARD_NOTES);
    push(date, inShift(ctx, rng), { eventId: nextId(), type: 'hazard_found', hazardId, note });
    if (rng.chance(P_RECTIFIED)) {
      // A later day, so the rectification is always after the finding.
      const delay = rng.weighted([
        [1, 35],
        [2, 30],
        [3, 20],
        [4, 10],
        [5, 5],
      ] as const);
      push(addDays(date, delay), inShift(ctx, rng), {
        eventId: nextId(),
        type: 'hazard_rectified',
        hazardId,
        note: `已整改：${note}`,
      });
    }
  }

  if (rng.chance(P_NEAR_MISS)) {
    const note = rng.pick(NEAR_MISS_NOTES);
    push(date, inShift(ctx, rng), { eventId: nextId(), type: 'incident', severity: 'near_miss', note });
  }

  if (rng.chance(P_VIOLATION)) {
    push(date, inShift(ctx, rng), {
      eventId: nextId(),
      type: 'violation',
      kind: rng.weighted(VIOLATION_KINDS),
      personCount: rng.chance(0.8) ? 1 : 2,
    });
  }

  if (rng.chance(P_INNOVATION)) {
    const innovationId = `inno-${stem}-${counter + 1}`;
    const category = rng.weighted(INNOVATION_CATEGORIES);
    push(date, inShift(ctx, rng), {
      eventId: nextId(),
      type: 'innovation',
      innovationId,
      category,
      status: 'submitted',
    });
    if (rng.chance(P_ADOPTED)) {
      const awardLevel = rng.chance(P_AWARDED)
        ? rng.weighted([
            [3, 60],
            [2, 30],
            [1, 10],
          ] as const)
        : undefined;
      // Award tiers follow money saved (创效): 三等奖 > 10k, 二等奖 > 50k, 一等奖 > 200k CNY.
      const benefitCny =
        awardLevel === 1
          ? rng.int(200_000, 500_000)
          : awardLevel === 2
            ? rng.int(50_000, 200_000)
            : awardLevel === 3
              ? rng.int(10_000, 50_000)
              : rng.int(1_000, 10_000);
      const adoptedOn = addDays(date, rng.int(3, 10));
      push(adoptedOn, inShift(ctx, rng), {
        eventId: nextId(),
        type: 'innovation',
        innovationId,
        category,
        status: 'adopted',
        benefitCny,
      });
      if (awardLevel !== undefined) {
        push(addDays(adoptedOn, rng.int(5, 14)), inShift(ctx, rng), {
          eventId: nextId(),
          type: 'innovation',
          innovationId,
          category,
          status: 'awarded',
          awardLevel,
          benefitCny,
        });
      }
    }
  }

  const contest = plan.contestDays.indexOf(date);
  // Every crew enters the first contest; about half also enter the second, so once or twice each.
  if (contest === 0 || (contest > 0 && rng.chance(0.5))) {
    const score = clamp(Math.round(rng.normal(82, 9) * 2) / 2, 60, 100);
    push(date, rng.int(9 * HOUR, 11 * HOUR), {
      eventId: nextId(),
      type: 'metric',
      name: 'skill_contest',
      value: score,
    });
  }

  // Injected incidents use their own id suffix so they do not shift the ids of the crew-day's other events.
  (plan.injected.get(`${crewId}|${date}`) ?? []).forEach((severity, index) => {
    const note = severity === 'serious_injury' ? SERIOUS_INJURY_NOTE : rng.pick(MINOR_INJURY_NOTES);
    push(date, inShift(ctx, rng), { eventId: `demo-${stem}-x${index + 1}`, type: 'incident', severity, note });
  });

  return drafts;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface DemoEventOptions {
  org: Org;
  /** First day, YYYY-MM-DD in Asia/Shanghai. */
  from: string;
  /** Last day (inclusive), YYYY-MM-DD in Asia/Shanghai. */
  to: string;
  seed?: number;
  /** Events after this instant are left out (default: the current time). */
  now?: Date;
}

/**
 * History for the demo: per crew per day one or two sales reports, plus occasional hazards (most
 * rectified a few days later), violations, near misses, innovations moving through their lifecycle,
 * two skill contests, two minor injuries and exactly one serious injury (on a day 3-20 days after
 * `from`, so it shows once the range and `now` reach that day). Deterministic for (org, from, seed):
 * a longer `to` or a later `now` only adds events, with the same ids for the ones already there.
 * Sorted by occurredAt.
 */
export function generateDemoEvents(opts: DemoEventOptions): MetricEventInput[] {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const now = opts.now ?? new Date();
  const days = daysFrom(opts.from, opts.to);
  const contexts = crewContexts(opts.org);
  const plan = planPeriod(contexts, opts.from, seed);
  const today = dayInZone(now, 'Asia/Shanghai');
  const last = today < opts.to ? today : opts.to;

  const drafts: Draft[] = [];
  for (const ctx of contexts) {
    for (const date of days) {
      // Days after `now` can only produce events after `now`; skip the work.
      if (date > last) break;
      for (const draft of crewDay(ctx, date, seed, plan)) {
        const day = draft.event.occurredAt.slice(0, 10);
        if (day <= opts.to && draft.instant <= now.getTime()) drafts.push(draft);
      }
    }
  }
  drafts.sort((a, b) => a.instant - b.instant || (a.event.eventId < b.event.eventId ? -1 : 1));
  return drafts.map((draft) => draft.event);
}

export interface LiveEventOptions {
  org: Org;
  at: Date;
  count: number;
  rng: Rng;
  /**
   * Hazards reported earlier and not yet rectified. When given, the generator appends the hazards it
   * reports and rectifies the oldest ones later, so live rectification rates stay realistic.
   */
  openHazards?: { crewId: string; hazardId: string }[];
}

/** Typical size of one live sales event: a car fill-up at a station, a tanker load at a depot. */
const LIVE_SALE_LITRES = { station: 40, depot: 20_000 } as const;

function liveSaleSize(unitType: UnitType): number {
  return unitType === 'depot' ? LIVE_SALE_LITRES.depot : LIVE_SALE_LITRES.station;
}

/**
 * Events as they would arrive right now: mostly single sales transactions, sometimes a hazard,
 * rectification, near miss, violation or innovation. Ids mix the time and random digits so runs
 * of the simulator never collide with each other or with the demo history.
 */
export function generateLiveEvents(opts: LiveEventOptions): MetricEventInput[] {
  const { org, at, count, rng, openHazards } = opts;
  const contexts = crewContexts(org);
  if (contexts.length === 0 || count <= 0) return [];
  // Crews sell in proportion to their volume; depots make few but large dispatches.
  const salesWeights = contexts.map((ctx) => [ctx, ctx.dailyLitres / liveSaleSize(ctx.unitType)] as const);
  const stamp = at.getTime().toString(36);
  const events: MetricEventInput[] = [];

  for (let i = 0; i < count; i += 1) {
    const eventId = `live-${stamp}-${rng.int(0, 36 ** 6 - 1).toString(36)}-${i}`;
    const occurredAt = toShanghaiIso(at.getTime() - rng.int(0, 5_000));
    const kind = rng.weighted([
      ['sales', 90],
      ['hazard_found', 3],
      ['hazard_rectified', openHazards !== undefined && openHazards.length > 0 ? 2 : 0],
      ['near_miss', 1],
      ['violation', 1],
      ['innovation', 3],
    ] as const);

    if (kind === 'hazard_rectified') {
      const open = openHazards?.shift();
      if (open !== undefined) {
        events.push({ eventId, crewId: open.crewId, occurredAt, type: 'hazard_rectified', hazardId: open.hazardId });
        continue;
      }
    }
    if (kind === 'sales' || kind === 'hazard_rectified') {
      const ctx = rng.weighted(salesWeights);
      const product = rng.weighted(ctx.unitType === 'depot' ? DEPOT_PRODUCTS : STATION_PRODUCTS);
      const size = liveSaleSize(ctx.unitType);
      const volume = roundCents(clamp(rng.normal(size, size * 0.3), size * 0.25, size * 2.5));
      const price = PRICE_PER_LITRE[product] ?? 8;
      events.push({
        eventId,
        crewId: ctx.crew.id,
        occurredAt,
        type: 'sales',
        volume,
        unit: 'litres',
        product,
        amountCny: roundCents(volume * price),
      });
      continue;
    }

    const crewId = rng.pick(contexts).crew.id;
    switch (kind) {
      case 'hazard_found': {
        const hazardId = `hazard-${eventId}`;
        events.push({ eventId, crewId, occurredAt, type: 'hazard_found', hazardId, note: rng.pick(HAZARD_NOTES) });
        openHazards?.push({ crewId, hazardId });
        break;
      }
      case 'near_miss':
        events.push({
          eventId,
          crewId,
          occurredAt,
          type: 'incident',
          severity: 'near_miss',
          note: rng.pick(NEAR_MISS_NOTES),
        });
        break;
      case 'violation':
        events.push({
          eventId,
          crewId,
          occurredAt,
          type: 'violation',
          kind: rng.weighted(VIOLATION_KINDS),
          personCount: rng.chance(0.8) ? 1 : 2,
        });
        break;
      case 'innovation':
        events.push({
          eventId,
          crewId,
          occurredAt,
          type: 'innovation',
          innovationId: `inno-${eventId}`,
          category: rng.weighted(INNOVATION_CATEGORIES),
          status: 'submitted',
        });
        break;
    }
  }
  return events;
}
