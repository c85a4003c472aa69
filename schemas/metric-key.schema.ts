import { z } from 'zod';

/**
 * Metric keys are what events add up to in the daily per-crew rollup (see
 * services/storage/migrations/0001_events.sql, which expands events into these keys).
 * Indicators and targets refer to them.
 */
export const BUILTIN_METRICS = [
  'sales.volume_litres',
  'sales.volume_tonnes',
  'sales.amount_cny',
  'incident.near_miss',
  'incident.minor_injury',
  'incident.serious_injury',
  'incident.fatality',
  'hazard.found',
  'hazard.rectified',
  'violation.command.events',
  'violation.command.persons',
  'violation.operation.events',
  'violation.operation.persons',
  'violation.discipline.events',
  'violation.discipline.persons',
] as const;

export const MetricName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case letters, digits and _ (start with a letter), at most 64 characters');

const builtin = new Set<string>(BUILTIN_METRICS);

export const MetricKey = z
  .string()
  .refine((key) => builtin.has(key) || /^metric\.[a-z][a-z0-9_]{0,63}$/.test(key), {
    error: (issue) =>
      `unknown metric "${String(issue.input)}": use one of ${BUILTIN_METRICS.join(', ')} or metric.<name> for a generic metric event`,
  })
  .describe('A rollup metric key, e.g. sales.volume_litres or metric.skill_contest');
export type MetricKey = z.infer<typeof MetricKey>;
