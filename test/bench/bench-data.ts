import type { CompetitionInput } from '../../schemas/competition.schema.ts';
import type { OrgInput } from '../../schemas/org.schema.ts';

export const BENCH_COMPETITION_ID = 'bench-labour';
/** 个人赛 over the same events: every person of every crew. */
export const BENCH_PERSONS_COMPETITION_ID = 'bench-persons';

/** The id of a crew's k-th person. */
export const personOf = (crewId: string, k: number): string => `P${crewId.slice(1)}-${k}`;

/** 10 branches × 100 stations × 10 crews = 10,000 crews (configurable), and personsPerCrew persons each. */
export function benchOrg(crewsPerUnit = 10, unitsPerBranch = 100, branches = 10, personsPerCrew = 0): OrgInput {
  const org: OrgInput = { groupName: '基准测试集团', branches: [], units: [], crews: [], persons: [], targets: [] };
  for (let b = 0; b < branches; b++) {
    org.branches.push({ id: `B${b}`, name: `第${b + 1}分公司` });
    for (let u = 0; u < unitsPerBranch; u++) {
      const unitId = `U${b}-${u}`;
      org.units.push({
        id: unitId,
        branchId: `B${b}`,
        name: `${b + 1}-${u + 1}号加油站`,
        type: u % 10 === 0 ? 'depot' : 'station',
      });
      for (let c = 0; c < crewsPerUnit; c++) {
        const crewId = `C${b}-${u}-${c}`;
        org.crews.push({ id: crewId, unitId, name: `${b + 1}-${u + 1}站${c + 1}班`, headcount: 4 + (c % 6) });
        for (let k = 0; k < personsPerCrew; k++) {
          org.persons?.push({ id: personOf(crewId, k), crewId, name: `员工${b + 1}-${u + 1}-${c + 1}-${k + 1}` });
        }
        org.targets?.push({
          competitionId: BENCH_COMPETITION_ID,
          crewId,
          metric: 'sales.volume_litres',
          value: 300_000,
        });
      }
    }
  }
  return org;
}

/**
 * The bench's competition. `variant` n > 0 weighs the two sales indicators 1 + n / 1000: many
 * competitions over the same crews judge them by rules of their own (no two give the same points
 * for the same sales), while the safety, 三违, 五小 and rectification rules are the standard ones.
 */
export function benchCompetition(start: string, end: string, variant = 0): CompetitionInput {
  const weight = 1 + variant / 1000;
  return {
    name: { zh: '基准劳动竞赛', en: 'Benchmark labour competition' },
    kind: 'labour',
    period: { start, end },
    rankingGroups: ['overall', 'branch', 'unit_type'],
    indicators: [
      {
        id: 'volume',
        name: { zh: '销量完成率', en: 'Volume' },
        weight,
        rule: {
          kind: 'target',
          metric: 'sales.volume_litres',
          pointsAtTarget: 40,
          pointsPerPercentOver: 0.5,
          bonusCap: 20,
        },
      },
      {
        id: 'amount',
        name: { zh: '销售金额', en: 'Amount' },
        weight,
        rule: { kind: 'sum', metric: 'sales.amount_cny', pointsPerUnit: 0.00001, cap: 20 },
      },
      {
        id: 'innovation',
        name: { zh: '五小', en: 'Innovation' },
        rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } },
      },
      {
        id: 'violations',
        name: { zh: '三违', en: 'Violations' },
        rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5, floor: -20 },
      },
      {
        id: 'safety',
        name: { zh: '安全天数', en: 'Safe days' },
        rule: { kind: 'safety_days', pointsPerDay: 0.5, cap: 15 },
      },
      {
        id: 'rectification',
        name: { zh: '整改率', en: 'Rectification' },
        rule: { kind: 'rectification_rate', pointsAtFullRate: 10 },
      },
    ],
    vetoes: [
      {
        id: 'serious',
        name: { zh: '重大事故否决', en: 'Serious accident' },
        when: { kind: 'incident', severities: ['serious_injury', 'fatality'] },
        effect: { kind: 'disqualify' },
      },
    ],
  };
}

/**
 * One batch as a station system would send it: events of the crews of a few units, spread over
 * the period. Mostly sales, with the safety and innovation events a real stream has.
 * Built as a string directly: the bench measures the server, not JSON.stringify in the client.
 */
/** A person-level competition: own sales, 三违 and 五小 of every person. */
export function benchPersonsCompetition(start: string, end: string): CompetitionInput {
  return {
    name: { zh: '基准岗位明星', en: 'Benchmark post stars' },
    kind: 'labour',
    period: { start, end },
    entrants: 'person',
    rankingGroups: ['overall', 'branch'],
    indicators: [
      {
        id: 'volume',
        name: { zh: '个人销量', en: 'Own sales' },
        rule: { kind: 'sum', metric: 'sales.volume_litres', pointsPerUnit: 0.01 },
      },
      {
        id: 'innovation',
        name: { zh: '五小', en: 'Innovation' },
        rule: { kind: 'innovation', points: { submitted: 1, adopted: 3, awarded: { 1: 20, 2: 10, 3: 5 } } },
      },
      {
        id: 'violations',
        name: { zh: '三违', en: 'Violations' },
        rule: { kind: 'count', event: 'violation', measure: 'persons', pointsEach: -5 },
      },
    ],
  };
}

/** Sales, 三违 and 五小 name one of the crew's persons when personsPerCrew > 0. */
export function benchBatch(
  batchNo: number,
  size: number,
  crewIds: readonly string[],
  dayStartsMs: readonly number[],
  personsPerCrew = 0,
): string {
  const parts: string[] = [];
  let seed = (batchNo * 2654435761) >>> 0;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const first = Math.floor(rand() * crewIds.length);
  for (let i = 0; i < size; i++) {
    // 100 consecutive crews (ten stations) per batch.
    const crewId = crewIds[(first + (i % 100)) % crewIds.length] ?? '';
    const day = dayStartsMs[Math.floor(rand() * dayStartsMs.length)] ?? 0;
    const occurredAt = new Date(day + Math.floor(rand() * 86_000_000)).toISOString();
    const eventId = `b${batchNo}-${i}`;
    const person = personsPerCrew > 0 ? `"personId":"${personOf(crewId, i % personsPerCrew)}",` : '';
    const r = rand();
    if (r < 0.97) {
      const volume = Math.round(20 + rand() * 80);
      parts.push(
        `{"eventId":"${eventId}","crewId":"${crewId}",${person}"type":"sales","occurredAt":"${occurredAt}","volume":${volume},"unit":"litres","product":"92#","amountCny":${volume * 8}}`,
      );
    } else if (r < 0.98) {
      parts.push(
        `{"eventId":"${eventId}","crewId":"${crewId}","type":"hazard_found","occurredAt":"${occurredAt}","hazardId":"h${batchNo}-${i}"}`,
      );
    } else if (r < 0.99) {
      parts.push(
        `{"eventId":"${eventId}","crewId":"${crewId}",${person}"type":"innovation","occurredAt":"${occurredAt}","innovationId":"i${batchNo}-${i}","category":"suggestion","status":"submitted"}`,
      );
    } else if (r < 0.997) {
      parts.push(
        `{"eventId":"${eventId}","crewId":"${crewId}",${person}"type":"violation","occurredAt":"${occurredAt}","kind":"operation","personCount":1}`,
      );
    } else {
      parts.push(
        `{"eventId":"${eventId}","crewId":"${crewId}","type":"incident","occurredAt":"${occurredAt}","severity":"near_miss"}`,
      );
    }
  }
  return `[${parts.join(',')}]`;
}
