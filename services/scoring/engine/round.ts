/**
 * Round to 2 decimals, half away from zero.
 *
 * `Math.round(x * 100) / 100` gets 1.005 wrong because 1.005 * 100 is 100.49999999999999 in binary
 * floating point; trimming the product to 15 significant digits (the precision a double reliably
 * holds) restores the decimal the user meant before rounding. Rounding the magnitude keeps
 * -1.005 -> -1.01 symmetric with 1.005 -> 1.01, and `|| 0` turns -0 into 0 so it never shows as "-0".
 */
export function round2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  const rounded = (Math.sign(x) * Math.round(scaled)) / 100;
  return rounded || 0;
}
