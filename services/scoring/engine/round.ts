/**
 * Round to 2 decimals, half away from zero.
 *
 * `Math.round(x * 100) / 100` gets 1.005 wrong because 1.005 * 100 is 100.49999999999999 in binary
 * floating point; nudging the product up by a few units in the last place restores the decimal the
 * user meant before rounding (cheaper than toPrecision, which matters for 10,000 crews). Rounding the magnitude keeps
 * -1.005 -> -1.01 symmetric with 1.005 -> 1.01, and `|| 0` turns -0 into 0 so it never shows as "-0".
 */
export function round2(x: number): number {
  if (!Number.isFinite(x)) return x;
  // A relative nudge of a few ulps lifts 100.49999999999999 (1.005 × 100) back over the half.
  const scaled = Math.abs(x) * 100 * (1 + 4 * Number.EPSILON);
  const rounded = (Math.sign(x) * Math.round(scaled)) / 100;
  return rounded || 0;
}
