-- The daily rollup summed Float64: a sum of decimal fractions in binary floating point drifts
-- (a year of 999999.999 L events missed the exact total), and one huge value absorbed every
-- later event of its crew, day and metric (1e308 + 4200 = 1e308). Events are now bounded
-- (schemas/common.schema.ts LIMITS), and the rollup keeps an exact sum beside the old one:
-- each row's value as a decimal to 6 places, rounded half away from zero (a Float64 → Decimal
-- cast truncates: 0.29 would become 0.289999), summed by the SummingMergeTree like value.
-- The MV keeps writing value; this column is filled from it per inserted row. Decimal(38, 6)
-- holds 10^32, far beyond a year of maximal events (366,000 × 10,000,000 ≈ 3.7 × 10^12).
-- Rows stored before this migration get their own sum rounded; a row holding a sum no bounded
-- event can reach (not finite, or 10^20 and more, only possible before the bounds) counts as 0:
-- the events themselves stay in the events table.
ALTER TABLE crew_daily
    ADD COLUMN IF NOT EXISTS value_exact Decimal(38, 6)
    DEFAULT if(isFinite(value) AND abs(value) < 1e20, toDecimal128(value + if(value < 0, -5e-7, 5e-7), 6), toDecimal128(0, 6));

ALTER TABLE crew_daily MATERIALIZE COLUMN value_exact;
