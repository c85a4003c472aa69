import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_RULES, ALERT_SETTINGS } from '../../dashboards/src/alert-rules.ts';
import { allDashboards } from '../../dashboards/src/all-dashboards.ts';
import { branchesSql } from '../../dashboards/src/branches.dashboard.ts';
import { improvingSql } from '../../dashboards/src/improving.dashboard.ts';
import { resultsSql } from '../../dashboards/src/results.dashboard.ts';
import { safetySql } from '../../dashboards/src/safety.dashboard.ts';
import { ANKANG_COMPETITION_ID, demoPeriod, LABOUR_COMPETITION_ID } from '../../services/demo/demo-competitions.ts';
import { addDays } from '../../services/shared/calendar.ts';
import {
  base,
  dashboard,
  END,
  harness,
  RESULTS_ID,
  SCENARIO_AT,
  startDashboardData,
  TODAY,
  type DashboardData,
} from '../support/dashboard-harness.ts';
import { runRendered, type Frame, type QueryResult } from '../support/grafana-clickhouse.ts';
import { wallClockToEpoch } from '../support/grafana-frames.ts';
import { expandBackendMacros } from '../support/grafana-macros.ts';

// HQ's dashboards (official results, who is improving, branches in depth, safety), their
// annotations and the alert rules, on the demo plus drafts, closed periods and a late event.

let data: DashboardData;
const { variablesOf, run, api } = harness(() => data);

beforeAll(async () => {
  data = await startDashboardData();
}, 300_000);

afterAll(async () => {
  await data?.close();
});

interface ApiRow {
  rank: number | null;
  crewId: string;
  crewName: string;
  unitId: string;
  unitType: string;
  branchId: string;
  branchName: string;
  headcount: number;
  score: number;
  disqualified: boolean;
  vetoes: { name: { zh: string }; reason: { zh: string } }[];
  indicators: { indicatorId: string; name: { zh: string }; points: number }[];
  facts: {
    safetyDays: number;
    hazardsFound: number;
    hazardsRectified: number;
    violationPersons: number;
    targets: { metric: string; actual: number; target: number }[];
  };
}

const standings = (competition: string, asOf?: string, group = 'overall') =>
  api<{ asOf: string; rows: ApiRow[] }>(
    `/v1/competitions/${competition}/standings?${new URLSearchParams({ limit: '10000', group, ...(asOf ? { asOf } : {}) }).toString()}`,
  );

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const avg = (xs: number[]): number => sum(xs) / xs.length;
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const byKey = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const row of rows) out.set(key(row), [...(out.get(key(row)) ?? []), row]);
  return out;
};
/** 正式结果 shows times as the competition's wall clock (Asia/Shanghai here), to the second. */
const wallClockOf = (result: QueryResult, field: string): number[] =>
  result.rows.map((r) => wallClockToEpoch(String(r[field]), 'Asia/Shanghai'));
const toSecond = (iso: string) => Math.floor(Date.parse(iso) / 1000) * 1000;

describe('正式结果: awards are decided on the frozen final standings, with late events noted', () => {
  interface Periods {
    periods: {
      id: string;
      start: string;
      end: string;
      closed: {
        closedAt: string;
        closedBy: string;
        definitionVersion: number;
        crews: number;
        lateEvents: number;
      } | null;
    }[];
  }
  interface Final {
    closedAt: string;
    lateEvents: number;
    rows: ApiRow[];
  }

  it('lists the closed periods with their closing and late events, as the API does', async () => {
    const d = dashboard('ll-results');
    const variables = await variablesOf(d);
    // The competition with closed periods comes first; its newest closed period is the default.
    expect(variables.get('competition')?.values).toEqual([RESULTS_ID]);
    expect(variables.get('closure')?.options.map((o) => o.value)).toEqual(['s2', 's1']);
    expect(variables.get('closure')?.options.map((o) => o.text)).toEqual([
      '第二阶段 · 2026-11-11 至 2026-11-20',
      `第一阶段 · ${demoPeriod(TODAY).start} 至 2026-11-10`,
    ]);
    const periods = await api<Periods>(`/v1/competitions/${RESULTS_ID}/periods`);
    const closed = periods.periods.filter((p) => p.closed !== null).sort((a, b) => (a.end < b.end ? 1 : -1));
    expect(closed.map((p) => p.id)).toEqual(['s2', 's1']);
    const list = await run(resultsSql.list, variables);
    expect(
      list.rows.map((r) => [
        r['period_id'],
        r['period_start'],
        r['period_end'],
        r['closed_by'],
        r['definition_version'],
        r['crews'],
        r['late_events'],
      ]),
    ).toEqual(
      closed.map((p) => [
        p.id,
        p.start,
        p.end,
        p.closed?.closedBy,
        p.closed?.definitionVersion,
        p.closed?.crews,
        p.closed?.lateEvents,
      ]),
    );
    expect(wallClockOf(list, 'closed_at')).toEqual(closed.map((p) => toSecond(p.closed?.closedAt ?? '')));
    expect(list.rows.map((r) => r['late_events'])).toEqual([0, 1]);
    // 公示: each closing opened one, until the day the API names; none is confirmed yet.
    const notices = await Promise.all(
      closed.map((p) =>
        api<{ endsOn: string; status: string }>(`/v1/competitions/${RESULTS_ID}/periods/${p.id}/notice`),
      ),
    );
    expect(notices.map((n) => n.status)).toEqual(['in_notice', 'in_notice']);
    expect(list.rows.map((r) => r['notice_status'])).toEqual(notices.map((n) => `公示至 ${n.endsOn}，未确认`));
  });

  it('shows a closed period’s final standings exactly as frozen, and the event that came late', async () => {
    const d = dashboard('ll-results');
    const variables = await variablesOf(d, { closure: 's1' });
    const final = await api<Final>(`/v1/competitions/${RESULTS_ID}/periods/s1/standings?limit=10000`);
    const table = await run(resultsSql.table, variables);
    expect(table.rows.map((r) => [r['rank'], r['crew_id'], r['score'], r['veto_reasons']])).toEqual(
      final.rows.map((r) => [
        r.rank,
        r.crewId,
        r.score,
        r.vetoes.map((v) => `${v.name.zh}：${v.reason.zh}`).join('；'),
      ]),
    );
    expect(table.rows.map((r) => JSON.parse(String(r['indicator_points'])))).toEqual(
      final.rows.map((r) => Object.fromEntries(r.indicators.map((i) => [i.name.zh, i.points]))),
    );
    // The late event is noted beside its crew, not added to its score.
    expect(final.lateEvents).toBe(1);
    expect(table.rows.filter((r) => r['late_events'] !== 0).map((r) => [r['crew_id'], r['late_events']])).toEqual([
      [data.lateCrewId, 1],
    ]);
    const [summary] = (await run(resultsSql.summary, variables)).rows;
    expect(summary).toMatchObject({ crews: final.rows.length, late_events: 1 });
    const late = await api<{ events: { eventId: string; crewId: string; storedAt: string }[] }>(
      `/v1/competitions/${RESULTS_ID}/periods/s1/late-events`,
    );
    const lateRows = await run(resultsSql.late, variables);
    expect(lateRows.rows.map((r) => [r['event_id'], r['crew_id']])).toEqual(
      late.events.map((e) => [e.eventId, e.crewId]),
    );
    expect(wallClockOf(lateRows, 'stored_at')).toEqual(late.events.map((e) => toSecond(e.storedAt)));
  });
});

describe('进步榜: who is improving over the time range', () => {
  /** Places and score gained between two API answers, for crews ranked in both. */
  function gains(from: ApiRow[], to: ApiRow[]) {
    const before = new Map(from.map((r) => [r.crewId, r]));
    return to
      .flatMap((r) => {
        const a = before.get(r.crewId);
        if (!a || a.rank === null || r.rank === null) return [];
        return [
          { crewId: r.crewId, from: a.rank, to: r.rank, gain: a.rank - r.rank, score: round(r.score - a.score, 2) },
        ];
      })
      .sort((x, y) => y.gain - x.gain || y.score - x.score || (x.crewId < y.crewId ? -1 : 1));
  }

  it('most improved crews: rank and score on the first and last standings day of the range', async () => {
    const firstDay = demoPeriod(TODAY).start;
    const [first, last] = await Promise.all([
      standings(LABOUR_COMPETITION_ID, firstDay),
      standings(LABOUR_COMPETITION_ID),
    ]);
    const expected = gains(first.rows, last.rows);
    expect(expected.some((g) => g.gain > 0)).toBe(true);
    const variables = await variablesOf(dashboard('ll-improving'));
    const { rows } = await run(improvingSql.crews, variables);
    expect(rows.map((r) => [r['crew_id'], r['rank_from'], r['rank_to'], r['rank_gain']])).toEqual(
      expected.map((g) => [g.crewId, g.from, g.to, g.gain]),
    );
    expect(rows.map((r) => r['score_gain'])).toEqual(expected.map((g) => expect.closeTo(g.score, 2)));
    const top = await run(improvingSql.topImprovers, variables);
    const names = new Map(last.rows.map((r) => [r.crewId, `${r.crewName}（${r.branchName}）`]));
    expect(top.rows).toEqual(
      expected
        .filter((g) => g.gain > 0)
        .slice(0, 10)
        .map((g) => ({ crew: names.get(g.crewId), rank_gain: g.gain })),
    );
    // Branches: average score then and now.
    const branches = await run(improvingSql.branches, variables);
    for (const [branchId, rows] of byKey(last.rows, (r) => r.branchId)) {
      const then = first.rows.filter((r) => r.branchId === branchId);
      expect(branches.rows.find((b) => b['branch_id'] === branchId)).toMatchObject({
        crews: rows.length,
        avg_score_from: expect.closeTo(avg(then.map((r) => r.score)), 1),
        avg_score_to: expect.closeTo(avg(rows.map((r) => r.score)), 1),
      });
    }
  });

  it('the week’s movers: the last standings day against a week before', async () => {
    const [weekAgo, now] = await Promise.all([
      standings(LABOUR_COMPETITION_ID, addDays(TODAY, -7)),
      standings(LABOUR_COMPETITION_ID),
    ]);
    const expected = gains(weekAgo.rows, now.rows);
    const variables = await variablesOf(dashboard('ll-improving'));
    const risers = await run(improvingSql.weekRisers, variables);
    expect(risers.rows.map((r) => r['rank_gain'])).toEqual(
      expected
        .filter((g) => g.gain > 0)
        .slice(0, 10)
        .map((g) => g.gain),
    );
    const fallers = await run(improvingSql.weekFallers, variables);
    const lost = expected
      .filter((g) => g.gain < 0)
      .sort((x, y) => x.gain - y.gain || x.score - y.score || (x.crewId < y.crewId ? -1 : 1));
    expect(fallers.rows.map((r) => r['places_lost'])).toEqual(lost.slice(0, 10).map((g) => -g.gain));
    expect(risers.rows.length + fallers.rows.length).toBeGreaterThan(0);
  });
});

describe('分公司对比 in depth: indicators, per head, units, unit types, safety by branch', () => {
  it('matches the API’s rows of the same day', async () => {
    const apiNow = await standings(LABOUR_COMPETITION_ID);
    const variables = await variablesOf(dashboard('ll-branches'));
    const branches = byKey(apiNow.rows, (r) => r.branchId);

    const indicators = await run(branchesSql.indicators, variables);
    expect(indicators.rows).toHaveLength(branches.size);
    for (const row of indicators.rows) {
      const crews = branches.get(String(row['branch_id'])) ?? [];
      const names = crews[0]?.indicators.map((i) => i.name.zh) ?? [];
      expect(JSON.parse(String(row['indicator_points']))).toEqual(
        Object.fromEntries(
          names.map((name, i) => [name, expect.closeTo(avg(crews.map((c) => c.indicators[i]?.points ?? 0)), 1)]),
        ),
      );
    }

    const perHead = await run(branchesSql.perHead, variables);
    for (const row of perHead.rows) {
      const crews = branches.get(String(row['branch_id'])) ?? [];
      const people = sum(crews.map((c) => c.headcount));
      expect(row).toMatchObject({
        people,
        score_per_head: expect.closeTo(sum(crews.map((c) => c.score)) / people, 2),
        target_actual_per_head: expect.closeTo(
          sum(crews.flatMap((c) => c.facts.targets.map((t) => t.actual))) / people,
          0,
        ),
        violations_per_100: expect.closeTo((100 * sum(crews.map((c) => c.facts.violationPersons))) / people, 1),
      });
    }

    const units = await run(branchesSql.units, variables);
    const byUnit = byKey(apiNow.rows, (r) => r.unitId);
    expect(units.rows).toHaveLength(byUnit.size);
    for (const row of units.rows) {
      const crews = byUnit.get(String(row['unit_id'])) ?? [];
      const ranks = crews.flatMap((c) => (c.rank === null ? [] : [c.rank]));
      expect(row).toMatchObject({
        crews: crews.length,
        avg_score: expect.closeTo(avg(crews.map((c) => c.score)), 1),
        best_rank: ranks.length > 0 ? Math.min(...ranks) : null,
      });
    }

    // Unit types: the first of each type by the API's unit_type ranking.
    const unitTypes = await run(branchesSql.unitTypes, variables);
    expect(unitTypes.rows.length).toBeGreaterThan(1);
    for (const row of unitTypes.rows) {
      const type = String(row['unit_type']);
      const group = await standings(LABOUR_COMPETITION_ID, undefined, `unit_type:${type}`);
      expect(row).toMatchObject({
        crews: group.rows.length,
        leaders: group.rows
          .filter((r) => r.rank === 1)
          .map((r) => r.crewName)
          .sort()
          .join('、'),
      });
    }

    const ankang = await standings(ANKANG_COMPETITION_ID);
    const safety = await run(
      branchesSql.safety,
      await variablesOf(dashboard('ll-branches'), { competition: ANKANG_COMPETITION_ID }),
    );
    for (const row of safety.rows) {
      const crews = ankang.rows.filter((r) => r.branchId === row['branch_id']);
      expect(row).toMatchObject({
        crews: crews.length,
        hazards_found: sum(crews.map((c) => c.facts.hazardsFound)),
        hazards_rectified: sum(crews.map((c) => c.facts.hazardsRectified)),
        violation_persons: sum(crews.map((c) => c.facts.violationPersons)),
        vetoed: crews.filter((c) => c.vetoes.length > 0).length,
        avg_safety_days: expect.closeTo(avg(crews.map((c) => c.facts.safetyDays)), 1),
      });
    }
  });
});

describe('安全态势: hazards, 三违, incidents and vetoes', () => {
  // The Ankang Cup's days so far, in Beijing time: the API judges the same window.
  const period = demoPeriod(TODAY);
  const ctx = {
    ...base,
    range: { from: new Date(`${period.start}T00:00:00+08:00`), to: new Date(`${TODAY}T23:59:59.999+08:00`) },
  };

  it('the totals over the competition’s days are the sums of the API’s facts', async () => {
    const ankang = await standings(ANKANG_COMPETITION_ID);
    const variables = await variablesOf(dashboard('ll-safety'), {}, ctx);
    expect(variables.get('competition')?.values).toEqual([ANKANG_COMPETITION_ID]);
    const found = sum(ankang.rows.map((r) => r.facts.hazardsFound));
    const rectified = sum(ankang.rows.map((r) => r.facts.hazardsRectified));
    const [summary] = (await run(safetySql.summary, variables, ctx)).rows;
    expect(summary).toMatchObject({
      hazards_found: found,
      hazards_rectified: rectified,
      rectification_rate: expect.closeTo((100 * rectified) / found, 1),
      open_hazards: found - rectified,
      violation_persons: sum(ankang.rows.map((r) => r.facts.violationPersons)),
    });
    expect(found - rectified).toBeGreaterThan(0);
    // The trends add up to the totals; the open hazards list them.
    const hazards = await run(safetySql.hazardsTrend, variables, ctx);
    expect(sum(hazards.rows.map((r) => Number(r['hazards_found'])))).toBe(found);
    const violations = await run(safetySql.violationsTrend, variables, ctx);
    expect(sum(violations.rows.map((r) => Number(r['violation_persons'])))).toBe(summary?.['violation_persons']);
    const open = await run(safetySql.openHazards, variables, ctx);
    expect(open.rows).toHaveLength(found - rectified);
    expect(open.rows.every((r) => Number(r['age_days']) >= 0)).toBe(true);
    // Vetoes: the crews the API shows with one.
    const vetoes = await run(safetySql.vetoes, variables, ctx);
    expect(vetoes.rows.map((r) => r['crew_id'])).toEqual(
      ankang.rows.filter((r) => r.vetoes.length > 0).map((r) => r.crewId),
    );
    // Incidents: every one of the period, serious ones counted.
    const incidents = await run(safetySql.incidents, variables, ctx);
    const serious = incidents.rows.filter((r) => r['severity'] === '重伤' || r['severity'] === '死亡').length;
    expect(summary?.['serious_incidents']).toBe(serious);
    expect(serious).toBeGreaterThan(0);
  });
});

/** Grafana's annotation events from a frame: a time field and a text (getAnnotationsFromData). */
function annotationEvents(frames: Frame[]): { time: number; text: string; tags: string[] }[] {
  const frame = frames[0];
  if (!frame) return [];
  const time = frame.fields.find((f) => f.name === 'time') ?? frame.fields.find((f) => f.type === 'time');
  const text = frame.fields.find((f) => f.name === 'text') ?? frame.fields.find((f) => f.type === 'string');
  const tags = frame.fields.find((f) => f.name === 'tags');
  if (time?.type !== 'time' || !text) throw new Error('an annotation needs a time and a text field');
  return time.values.map((t, i) => ({
    time: Number(t),
    text: String(text.values[i]),
    tags: typeof tags?.values[i] === 'string' ? tags.values[i].split(',') : [],
  }));
}

describe('annotations: vetoes, serious incidents, rule publications and period closures', () => {
  it('every dashboard with a time series has them, and each answers events Grafana can draw', async () => {
    for (const d of allDashboards()) {
      const hasTimeSeries = (d.panels ?? []).some((p) => (p as { type?: string }).type === 'timeseries');
      const list = (d.annotations?.list ?? []) as unknown as {
        name: string;
        target?: { rawSql: string; format: number };
      }[];
      if (!hasTimeSeries) continue;
      expect(
        list.map((a) => a.name),
        d.uid,
      ).toEqual(expect.arrayContaining(['重伤及以上事故', '规则发布', '阶段结算']));
      const variables = await variablesOf(d);
      for (const a of list) {
        if (!a.target) throw new Error(`${a.name}: no target`);
        expect(a.target.format, `${d.uid ?? ''} › ${a.name}: a table (a time series would be reshaped)`).toBe(1);
        const events = annotationEvents((await run(a.target, variables)).frames);
        for (const e of events) {
          expect(e.time).toBeGreaterThanOrEqual(base.range.from.getTime());
          expect(e.time).toBeLessThanOrEqual(base.range.to.getTime());
        }
      }
    }
  });

  it('on the competition’s dashboards: its closures, publications and vetoes; serious incidents', async () => {
    const d = dashboard('ll-branches');
    const annotations = (d.annotations?.list ?? []) as unknown as {
      name: string;
      target: { rawSql: string; format: number };
    }[];
    const query = (name: string) => {
      const a = annotations.find((x) => x.name === name);
      if (!a) throw new Error(`no annotation ${name}`);
      return a.target;
    };
    const results = await variablesOf(d, { competition: RESULTS_ID });
    const closures = annotationEvents((await run(query('阶段结算'), results)).frames);
    expect(closures.map((e) => e.time)).toEqual([Date.parse(SCENARIO_AT), Date.parse(SCENARIO_AT)]);
    expect(closures.map((e) => e.text.slice(0, 8))).toEqual(['阶段结算 s1（', '阶段结算 s2（']);
    const published = annotationEvents((await run(query('规则发布'), results)).frames);
    expect(published).toEqual([{ time: Date.parse(SCENARIO_AT), text: '规则第 1 版生效（open）', tags: ['规则发布'] }]);

    const labour = await variablesOf(d, { competition: LABOUR_COMPETITION_ID });
    const apiNow = await standings(LABOUR_COMPETITION_ID);
    const vetoed = apiNow.rows.filter((r) => r.vetoes.length > 0).map((r) => r.crewId);
    expect(vetoed.length).toBeGreaterThan(0);
    const vetoes = annotationEvents((await run(query('一票否决'), labour)).frames);
    expect(vetoes.map((e) => e.tags[1]).sort()).toEqual([...vetoed].sort());
    const incidents = annotationEvents((await run(query('重伤及以上事故'), labour)).frames);
    expect(incidents.length).toBeGreaterThanOrEqual(vetoed.length);
  });
});

describe('alert rules, evaluated by Grafana’s backend alone (no dashboard variables)', () => {
  const rule = (uid: string) => {
    const found = ALERT_RULES.find((r) => r.uid === uid);
    if (!found) throw new Error(`no rule ${uid}`);
    return found;
  };

  /** The rule's query at `at` over its look-back, and which rows breach its threshold. */
  async function evaluate(uid: string, at: string) {
    const r = rule(uid);
    const to = new Date(at);
    const from = new Date(to.getTime() - r.lookBackSeconds * 1000);
    const sql = expandBackendMacros(r.sql, { from, to, intervalMs: 1000 });
    const result = await runRendered(data.leaderboard.client, sql, 1);
    const [frame] = result.frames;
    if (!frame) throw new Error('a table query always answers a frame');
    // Grafana's number set: exactly one numeric column, the others strings that become labels.
    const numeric = frame.fields.filter((f) => f.type === 'number');
    expect(numeric, `${uid}: one numeric column`).toHaveLength(1);
    expect(
      frame.fields.filter((f) => f.type !== 'number' && f.type !== 'string'),
      `${uid}: only labels beside it`,
    ).toEqual([]);
    const value = numeric[0]?.name ?? '';
    const breaches = result.rows.filter((row) =>
      r.threshold.type === 'gt' ? Number(row[value]) > r.threshold.value : Number(row[value]) < r.threshold.value,
    );
    return { rows: result.rows, breaches, value };
  }

  const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

  it('every rule runs and answers a number set', async () => {
    for (const r of ALERT_RULES) await evaluate(r.uid, END);
  });

  it('dead letters: fires for each reason seen in the last 10 minutes, not after', async () => {
    const now = await evaluate('ll-dead-letters', END);
    expect(now.breaches.map((b) => [b['code'], b['dead_letters']]).sort()).toEqual([
      ['invalid_event', 1],
      ['malformed_json', 1],
    ]);
    expect((await evaluate('ll-dead-letters', at(END, 15))).rows).toEqual([]);
  });

  it('no events during working hours: fires after 30 quiet minutes in the day, never at night', async () => {
    expect((await evaluate('ll-no-events', END)).breaches).toEqual([]);
    // 16:35 Beijing, two hours after the last event.
    expect((await evaluate('ll-no-events', at(END, 120))).breaches).toEqual([{ events: 0 }]);
    // 23:00 Beijing: outside the working hours, no row, no alert.
    expect(ALERT_SETTINGS.workingHours[1]).toBeLessThanOrEqual(23);
    expect((await evaluate('ll-no-events', '2026-11-24T15:00:00Z')).rows).toEqual([]);
  });

  it('late events: counts the events received in the last hour for days already closed', async () => {
    const { rows } = await evaluate('ll-late-events', END);
    const direct = await data.leaderboard.client.query({
      query: `SELECT count() AS n FROM events
              WHERE received_at >= toDateTime64('${at(END, -60).slice(0, 19).replace('T', ' ')}', 3, 'UTC')
                AND toDate(received_at, 'Asia/Shanghai') > toDate(occurred_at, 'Asia/Shanghai')`,
      format: 'JSONEachRow',
    });
    const [{ n } = { n: 0 }] = await direct.json<{ n: number | string }>();
    expect(rows).toEqual([{ late_events: Number(n) }]);
    expect(Number(n)).toBeGreaterThan(0);
  });

  it('standings behind and a stalled partition: quiet while current, fire when events wait or a batch hangs', async () => {
    expect((await evaluate('ll-standings-behind', END)).rows).toEqual([]);
    expect((await evaluate('ll-partition-stalled', END)).breaches).toEqual([]);
    // A scoring service that stored an event and died before recomputing; a batch whose insert never returned.
    await data.leaderboard.client.insert({
      table: 'events',
      values: [
        {
          event_id: 'stranded-1',
          crew_id: data.lateCrewId,
          type: 'metric',
          occurred_at: '2026-11-24 06:00:00.000',
          received_at: '2026-11-24 06:32:00.000',
          stored_at: '2026-11-24 06:32:00.000',
          metric_name: 'noise',
          value: 1,
        },
      ],
      format: 'JSONEachRow',
    });
    await data.leaderboard.client.insert({
      table: 'consumer_batches',
      values: [
        {
          topic: 'stuck.events',
          partition: 3,
          first_offset: 100,
          first_timestamp: 0,
          last_offset: 120,
          stored: 0,
          recorded_at: '2026-11-24 06:32:00.000',
        },
      ],
      format: 'JSONEachRow',
    });
    const soon = await evaluate('ll-standings-behind', at(END, 2));
    expect(soon.rows.length).toBe(3);
    expect(soon.breaches).toEqual([]);
    const later = await evaluate('ll-standings-behind', at(END, 20));
    expect(later.breaches.map((b) => b['competition_id']).sort()).toEqual(
      [ANKANG_COMPETITION_ID, RESULTS_ID, LABOUR_COMPETITION_ID].sort(),
    );
    expect(later.breaches[0]?.['waiting_minutes']).toBeCloseTo(23, 0);
    const stalled = await evaluate('ll-partition-stalled', at(END, 20));
    expect(stalled.breaches.map((b) => [b['topic'], b['partition']])).toEqual([['stuck.events', '3']]);
  });
});
