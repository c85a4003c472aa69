import { z } from 'zod';
import { Id, LIMITS, LocalizedName, boundedNumber, strictObject } from './common.schema.ts';
import { IncidentSeverity, ViolationKind } from './event.schema.ts';

/** 考核细则: a points sheet in categories, with a bonus section, veto items, gates and grades. */

const positive = boundedNumber(0, LIMITS.points, { exclusiveMin: true });
const nonNegative = boundedNumber(0, LIMITS.points);

/**
 * How findings (发现问题) of an item cost points. per_finding: "每发现一处扣 N 分"; fixed: "未建立台账扣 3 分"
 * (once, however many findings); escalating: the 1st, 2nd, … finding in the period cost steps[0],
 * steps[1], …, and every further one the last step (−1, −3 警告, −5 黄牌).
 */
export const SheetDeduction = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('per_finding'), points: positive.describe('每处扣分') }),
  strictObject({ kind: z.literal('fixed'), points: positive.describe('有问题即扣分（只扣一次）') }),
  strictObject({
    kind: z.literal('escalating'),
    steps: z.array(positive).min(1).max(20).describe('第 1、2、3… 处的扣分; the last repeats'),
  }),
]);
export type SheetDeduction = z.infer<typeof SheetDeduction>;

/**
 * Events an item counts as findings besides the inspections recorded against it: "三违一人次扣5分"
 * counts violation person-times, "轻伤一人次扣10分" minor injuries.
 */
export const ItemCounts = z.discriminatedUnion('event', [
  strictObject({
    event: z.literal('violation'),
    violationKinds: z.array(ViolationKind).min(1).optional().describe('default all three 三违'),
    measure: z.enum(['events', 'persons']).default('persons').describe('persons: 人次'),
  }),
  strictObject({ event: z.literal('incident'), severities: z.array(IncidentSeverity).min(1) }),
]);
export type ItemCounts = z.infer<typeof ItemCounts>;

/**
 * 考核项目: loses its deductions, at most its maxPoints (never below zero). Findings are the
 * inspections recorded against the item's id (assessment events), plus the events it counts.
 */
export const SheetItem = strictObject({
  id: Id,
  name: LocalizedName,
  maxPoints: positive.describe('分值 (the most this item can cost)'),
  deduction: SheetDeduction.describe('扣分标准'),
  counts: ItemCounts.optional().describe('events counted as findings, e.g. 三违 person-times'),
});
export type SheetItem = z.infer<typeof SheetItem>;

/**
 * 考核类别 (e.g. 安全管理 35 分). Items alone start at maxPoints and lose their deductions (an item
 * loses at most its own maxPoints; items may share the category's points, like "安全事故管理 25 分"
 * with a rule each for 三违, 轻伤 and 非伤事故). Items beside indicators start at the sum of their
 * own maxima (which must leave the indicators some of the category), lose their deductions down
 * to 0, and the indicators' points add. Without items it is the sum of its indicators. Either way
 * it stays within [0, maxPoints].
 */
export const SheetCategory = strictObject({
  id: Id,
  name: LocalizedName,
  maxPoints: positive,
  items: z.array(SheetItem).max(100).default([]),
  indicatorIds: z
    .array(Id)
    .max(50)
    .default([])
    .describe("the competition's indicators whose points count in this category (capped by it)"),
});
export type SheetCategory = z.infer<typeof SheetCategory>;

/** 鼓励项 (加分项): points awarded by inspections, per item up to its maximum, in all up to the cap. */
export const BonusItem = strictObject({
  id: Id,
  name: LocalizedName,
  maxPoints: positive,
  pointsEach: nonNegative.default(0).describe('points per finding (e.g. per honour); events may also give points'),
});

export const SheetBonus = strictObject({
  cap: positive.describe('鼓励项最多加分, e.g. 4'),
  items: z.array(BonusItem).min(1).max(50),
});

/** 否决项: one finding recorded against it disqualifies the entrant (一票否决). */
export const VetoItem = strictObject({ id: Id, name: LocalizedName });

export const Sheet = strictObject({
  categories: z.array(SheetCategory).min(1).max(20),
  bonus: SheetBonus.optional(),
  vetoItems: z.array(VetoItem).max(20).default([]),
});
export type Sheet = z.infer<typeof Sheet>;

/** 评优条件: an entrant failing a gate keeps its points and rank but gets no grade. */
export const GateRule = z.discriminatedUnion('kind', [
  strictObject({
    kind: z.literal('no_incident'),
    severities: z.array(IncidentSeverity).min(1).default(['serious_injury', 'fatality']),
  }),
  strictObject({ kind: z.literal('min_total'), points: nonNegative.describe('总分不低于') }),
  strictObject({
    kind: z.literal('min_category_rate'),
    percent: boundedNumber(0, 100).describe('每个类别得分率不低于 (%)'),
  }),
  strictObject({ kind: z.literal('no_violations').describe('零三违') }),
]);
export type GateRule = z.infer<typeof GateRule>;

export const Gate = strictObject({ id: Id, name: LocalizedName, rule: GateRule });
export type Gate = z.infer<typeof Gate>;

export const Grade = strictObject({ id: Id, name: LocalizedName });

/**
 * 评定等级 of the entrants that pass every gate. thresholds: the first level (highest minTotal)
 * reached, else `otherwise`; places: the first `count` ranks, then the next …; share: the first
 * `percent` % (rounded down) of the eligible entrants, then the next … Places and shares go by
 * rank, so entrants tied on a boundary share the better grade.
 */
export const GradeRule = z.discriminatedUnion('kind', [
  strictObject({
    kind: z.literal('thresholds'),
    levels: z
      .array(strictObject({ ...Grade.shape, minTotal: nonNegative }))
      .min(1)
      .max(20),
    otherwise: Grade.optional().describe('below every threshold, e.g. 未达标'),
  }),
  strictObject({
    kind: z.literal('places'),
    levels: z
      .array(strictObject({ ...Grade.shape, count: boundedNumber(1, LIMITS.count, { int: true }) }))
      .min(1)
      .max(20),
  }),
  strictObject({
    kind: z.literal('share'),
    levels: z
      .array(strictObject({ ...Grade.shape, percent: boundedNumber(0, 100, { exclusiveMin: true }) }))
      .min(1)
      .max(20),
  }),
]);
export type GradeRule = z.infer<typeof GradeRule>;

export const EntrantLevel = z.enum(['crew', 'unit', 'branch', 'person']);
export type EntrantLevel = z.infer<typeof EntrantLevel>;

type Issue = { path: (string | number)[]; message: string };

/**
 * Problems across a sheet, its gates and grades, each at its path: ids used twice, categories
 * naming an unknown indicator (or one placed twice), thresholds out of order. Defensive about
 * shapes: it runs even when other fields failed, so every problem is reported at once.
 */
export function sheetProblems(
  sheet: unknown,
  gates: unknown,
  grades: unknown,
  indicatorIds: ReadonlySet<string>,
): Issue[] {
  const problems: Issue[] = [];
  const s = sheet as Partial<Sheet> | undefined;
  if (s && typeof s === 'object') {
    const ids = new Map<string, string>();
    const claim = (id: unknown, path: (string | number)[]) => {
      if (typeof id !== 'string') return;
      const first = ids.get(id);
      if (first !== undefined)
        problems.push({ path, message: `考核项目编号 "${id}" 重复（已用于 ${first}）/ id "${id}" is used twice` });
      else ids.set(id, path.join('.'));
    };
    const placed = new Map<string, string>();
    (Array.isArray(s.categories) ? s.categories : []).forEach((category, c) => {
      claim(category?.id, ['sheet', 'categories', c, 'id']);
      (Array.isArray(category?.items) ? category.items : []).forEach((item, i) =>
        claim(item?.id, ['sheet', 'categories', c, 'items', i, 'id']),
      );
      const items = Array.isArray(category?.items) ? category.items : [];
      const itemsMax = items.reduce((acc, item) => acc + (typeof item?.maxPoints === 'number' ? item.maxPoints : 0), 0);
      if (
        items.length > 0 &&
        Array.isArray(category?.indicatorIds) &&
        category.indicatorIds.length > 0 &&
        typeof category.maxPoints === 'number' &&
        itemsMax >= category.maxPoints
      ) {
        problems.push({
          path: ['sheet', 'categories', c, 'items'],
          message:
            `类别满分 ${category.maxPoints}，考核项目分值合计 ${itemsMax}，没有给指标留下分数：指标得分要计入这个类别，考核项目分值合计须小于类别满分（减去指标的分值）` +
            ` / the items' maxima add up to ${itemsMax} of the category's ${category.maxPoints}, leaving nothing for its indicators: make them add up to less (the category's points less the indicators')`,
        });
      }
      (Array.isArray(category?.indicatorIds) ? category.indicatorIds : []).forEach((id, i) => {
        const path = ['sheet', 'categories', c, 'indicatorIds', i];
        if (!indicatorIds.has(id)) problems.push({ path, message: `未知的指标 / unknown indicator "${id}"` });
        else if (placed.has(id))
          problems.push({
            path,
            message: `指标 "${id}" 已在类别 ${placed.get(id)} 中 / indicator already in a category`,
          });
        else placed.set(id, category.id);
      });
    });
    (Array.isArray(s.bonus?.items) ? s.bonus.items : []).forEach((item, i) =>
      claim(item?.id, ['sheet', 'bonus', 'items', i, 'id']),
    );
    (Array.isArray(s.vetoItems) ? s.vetoItems : []).forEach((item, i) =>
      claim(item?.id, ['sheet', 'vetoItems', i, 'id']),
    );
    for (const id of indicatorIds) {
      if (!placed.has(id) && Array.isArray(s.categories)) {
        problems.push({
          path: ['sheet', 'categories'],
          message: `指标 "${id}" 不在任何类别中：有考核细则时每个指标都要归入一个类别 / indicator "${id}" is in no category`,
        });
      }
    }
  }
  if (Array.isArray(gates)) {
    const gateIds = new Set<string>();
    gates.forEach((gate: { id?: unknown } | undefined, g) => {
      if (typeof gate?.id !== 'string') return;
      if (gateIds.has(gate.id)) problems.push({ path: ['gates', g, 'id'], message: `duplicate gate id "${gate.id}"` });
      gateIds.add(gate.id);
    });
  }
  const g = grades as { kind?: unknown; levels?: unknown; otherwise?: { id?: unknown } } | undefined;
  if (g && Array.isArray(g.levels)) {
    const gradeIds = new Set<string>();
    const levels = g.levels as ({ id?: unknown; minTotal?: unknown; percent?: unknown } | undefined)[];
    [...levels, g.otherwise].forEach((level, l) => {
      if (typeof level?.id !== 'string') return;
      const path = l < levels.length ? ['grades', 'levels', l, 'id'] : ['grades', 'otherwise', 'id'];
      if (gradeIds.has(level.id)) problems.push({ path, message: `duplicate grade id "${level.id}"` });
      gradeIds.add(level.id);
    });
    levels.forEach((level, l) => {
      const previous = levels[l - 1];
      if (
        g.kind === 'thresholds' &&
        typeof level?.minTotal === 'number' &&
        typeof previous?.minTotal === 'number' &&
        level.minTotal >= previous.minTotal
      ) {
        problems.push({
          path: ['grades', 'levels', l, 'minTotal'],
          message: `等级按分数线从高到低排列 / levels go from the highest minTotal down (${level.minTotal} ≥ ${previous.minTotal})`,
        });
      }
    });
    if (g.kind === 'share') {
      const sum = levels.reduce((acc, level) => acc + (typeof level?.percent === 'number' ? level.percent : 0), 0);
      if (sum > 100)
        problems.push({
          path: ['grades', 'levels'],
          message: `比例合计 ${sum}% 超过 100% / shares add up to over 100%`,
        });
    }
  }
  return problems;
}

const Reason = z.object({ zh: z.string(), en: z.string() });

/** What a sheet made of one entrant's period: every item's findings and points, gates, grade. */
export const SheetOutcome = z
  .object({
    total: z.number().describe('categories plus the bonus (capped), 2 decimals; 0 when disqualified'),
    categories: z.array(
      z.object({
        categoryId: z.string(),
        points: z.number(),
        maxPoints: z.number(),
        rate: z.number().describe('得分率 in percent, 2 decimals'),
        items: z.array(
          z.object({
            itemId: z.string(),
            findings: z.number().describe('inspections’ findings plus the events the item counts'),
            deducted: z.number().describe('points the item lost (at most its maxPoints)'),
            points: z.number().describe('maxPoints − deducted'),
          }),
        ),
        indicators: z.array(z.object({ indicatorId: z.string(), points: z.number() })),
      }),
    ),
    bonus: z
      .object({
        points: z.number().describe('at most the cap'),
        uncapped: z.number(),
        items: z.array(z.object({ itemId: z.string(), findings: z.number(), points: z.number() })),
      })
      .nullable(),
    gates: z.array(z.object({ gateId: z.string(), name: LocalizedName, passed: z.boolean(), reason: Reason })),
    eligible: z.boolean().describe('passed every gate and not disqualified'),
    grade: z.object({ id: z.string(), name: LocalizedName }).nullable().describe('null when not eligible'),
    gradeRank: z
      .number()
      .int()
      .nullable()
      .describe('rank among the entrants of the same grade, by total then the tie rule'),
  })
  .describe('考核细则 result');
export type SheetOutcome = z.infer<typeof SheetOutcome>;
