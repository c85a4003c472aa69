import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import type { Gate, GateRule } from '../../schemas/sheet.schema.ts';
import { evaluateGates } from '../../services/scoring/engine/sheet-gates.ts';
import { EMPTY_FACTS } from '../../services/scoring/engine/types.ts';
import { evaluateVetoes } from '../../services/scoring/engine/vetoes.ts';

/**
 * A veto's and a 评优条件 gate's reason names only what happened: "重伤 1 起", never
 * "重伤 1 起、死亡 0 起" (a 0 next to 死亡 on a crew's screen reads as if a death had been looked
 * into). A gate that saw nothing says so ("无重伤、死亡"). Both sides, Chinese and English.
 */
const severities = ['minor_injury', 'serious_injury', 'fatality'] as const;
const competition = Competition.parse({
  name: { zh: '安康杯', en: 'Ankang Cup' },
  kind: 'ankang',
  period: { start: '2026-11-01', end: '2026-11-30' },
  indicators: [
    { id: 'safety', name: { zh: '安全天数', en: 'Safe days' }, rule: { kind: 'safety_days', pointsPerDay: 1 } },
  ],
  vetoes: [
    {
      id: 'v',
      name: { zh: '事故否决', en: 'Accident veto' },
      when: { kind: 'incident', severities: [...severities] },
      effect: { kind: 'disqualify' },
    },
  ],
});
const gate: Gate = {
  id: 'g',
  name: { zh: '未发生轻伤及以上事故', en: 'No injury' },
  rule: { kind: 'no_incident', severities: [...severities] },
};
const facts = (metrics: Record<string, number>) => ({ ...EMPTY_FACTS, metrics });

describe('incident reasons name only what happened', () => {
  it.each<{ metrics: Record<string, number>; zh: string; en: string }>([
    { metrics: { 'incident.serious_injury': 1 }, zh: '重伤 1 起', en: '1 serious injury' },
    { metrics: { 'incident.fatality': 2, 'incident.minor_injury': 0 }, zh: '死亡 2 起', en: '2 fatalities' },
    {
      metrics: { 'incident.minor_injury': 3, 'incident.fatality': 1 },
      zh: '轻伤 3 起、死亡 1 起',
      en: '3 minor injuries, 1 fatality',
    },
    {
      metrics: { 'incident.minor_injury': 1, 'incident.serious_injury': 2, 'incident.fatality': 1 },
      zh: '轻伤 1 起、重伤 2 起、死亡 1 起',
      en: '1 minor injury, 2 serious injuries, 1 fatality',
    },
    // Near misses are not counted by this rule: they never appear in its reason.
    { metrics: { 'incident.near_miss': 4, 'incident.serious_injury': 1 }, zh: '重伤 1 起', en: '1 serious injury' },
  ])('$zh', ({ metrics, zh, en }) => {
    const [veto] = evaluateVetoes(competition, facts(metrics));
    expect(veto?.reason).toEqual({ zh, en });
    const [outcome] = evaluateGates([gate], facts(metrics), null, 0);
    expect(outcome).toMatchObject({ passed: false, reason: { zh, en } });
  });

  it.each<{ rule: GateRule; zh: string; en: string }>([
    { rule: gate.rule, zh: '无轻伤、重伤、死亡', en: 'no minor injuries, serious injuries or fatalities' },
    {
      rule: { kind: 'no_incident', severities: ['serious_injury', 'fatality'] },
      zh: '无重伤、死亡',
      en: 'no serious injuries or fatalities',
    },
    { rule: { kind: 'no_incident', severities: ['fatality'] }, zh: '无死亡', en: 'no fatalities' },
  ])('a passed gate: $zh', ({ rule, zh, en }) => {
    const [outcome] = evaluateGates([{ ...gate, rule }], facts({ 'incident.near_miss': 2 }), null, 0);
    expect(outcome).toMatchObject({ passed: true, reason: { zh, en } });
  });
});
