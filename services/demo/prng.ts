/**
 * A tiny seeded PRNG so demo data and tests are reproducible without a dependency.
 * mulberry32 is fast and good enough for picking demo numbers; it is not for anything secret.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight, e.g. [['92#', 55], ['95#', 20], ['0#', 25]]. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** Approximately normal (Box-Muller), for volumes that wobble around a mean. */
  normal(mean: number, sd: number): number;
}

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes seed parts (numbers and strings) into one 32-bit seed (FNV-1a over the parts),
 * so a sub-stream such as "crew X on day D" is stable however many other crews or days exist.
 */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    const text = `${typeof part}:${String(part)}\u0000`;
    for (let i = 0; i < text.length; i += 1) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return hash >>> 0;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);

  const float = (min: number, max: number): number => min + (max - min) * next();

  const int = (min: number, max: number): number => {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need integers with min <= max`);
    }
    return min + Math.floor(next() * (max - min + 1));
  };

  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    // The index is in range, so the element exists; noUncheckedIndexedAccess cannot see that.
    return items[Math.floor(next() * items.length)] as T;
  };

  const weighted = <T>(entries: readonly (readonly [T, number])[]): T => {
    const total = entries.reduce((sum, [, weight]) => sum + Math.max(0, weight), 0);
    if (!(total > 0)) throw new RangeError('weighted() needs at least one positive weight');
    let roll = next() * total;
    for (const [value, weight] of entries) {
      roll -= Math.max(0, weight);
      if (roll < 0) return value;
    }
    // Floating-point rounding can leave roll at exactly 0; the last positive entry is the right answer then.
    const last = entries.findLast(([, weight]) => weight > 0);
    if (last === undefined) throw new RangeError('weighted() needs at least one positive weight');
    return last[0];
  };

  const normal = (mean: number, sd: number): number => {
    // 1 - next() is in (0, 1], which keeps log() finite.
    const u = 1 - next();
    const v = next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };

  return { next, float, int, chance: (p) => next() < p, pick, weighted, normal };
}
