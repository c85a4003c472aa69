import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallOrg } from '../support/fixtures.ts';
import { kafkaEnv, testKafka } from '../support/kafka.ts';
import { freePort, getJson, spawnService, type Service } from '../support/spawn-service.ts';
import { createUnitStream, type UnitStream } from '../support/unit-stream.ts';
import { waitFor } from '../support/test-leaderboard.ts';

/**
 * The scoring process (npm run scoring) is killed with SIGKILL while its latest standings live
 * only in memory: today's are written at most every STANDINGS_PERSIST_MS (ten minutes here), and
 * the days before today that late events landed on wait STANDINGS_HISTORY_DEBOUNCE_MS (ten
 * minutes here). After the restart no answer may be served as current below what is stored; the
 * time from the restart to standings equal to what is stored is printed.
 *
 * March 2025 is over whatever day this runs: the competition's default day is its last day.
 */
const env = kafkaEnv({ KAFKA_EVENTS_PARTITIONS: '3' });
const topic = env.KAFKA_EVENTS_TOPIC ?? '';
const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-recovery-'));
const producer = testKafka().producer();
const crews = ['C1', 'C2', 'C3', 'C4', 'C5'];
const ID = 'recovery';
const PER_PHASE = 10_000;
const STORED_DAY = '2025-03-15';
const LAST_DAY = '2025-03-31';
let port: number;
let scoring: Service | undefined;

function startScoring(): Service {
  return spawnService('services/scoring/main.ts', {
    ...env,
    DATA_DIR: dataDir,
    DEMO: 'off',
    PORT: String(port),
    LOG_LEVEL: 'info',
    EVENT_MAX_AGE_DAYS: '36500',
    STANDINGS_DEBOUNCE_MS: '50',
    STANDINGS_HISTORY_DEBOUNCE_MS: '600000',
    STANDINGS_PERSIST_MS: '600000',
  });
}

interface Answer {
  asOf: string;
  recomputing: boolean;
  rows: { crewId: string; score: number }[];
}

const base = () => `http://127.0.0.1:${port}`;
async function send(method: 'PUT', path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base()}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}
const standings = (asOf: string) => getJson<Answer>(base(), `/v1/competitions/${ID}/standings?asOf=${asOf}&limit=100`);

/** What is stored once a phase is consumed. */
let stream: UnitStream;
const produce = (count: number, days: readonly string[]) =>
  stream.produce(count, (i) => days[i % days.length] ?? STORED_DAY);

/** The scores the stored events give as of a day, highest first (ties by crew id). */
function expectedScores(asOf: string): [string, number][] {
  return crews
    .map((crewId): [string, number] => [crewId, stream.unitsUpTo(crewId, asOf)])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
const scores = (a: Answer): [string, number][] => a.rows.map((r) => [r.crewId, r.score]);
const total = (pairs: [string, number][]) => pairs.reduce((sum, [, score]) => sum + score, 0);

beforeAll(async () => {
  port = await freePort();
  await producer.connect();
  stream = createUnitStream(producer, topic, crews);
});

afterAll(async () => {
  await scoring?.stop('SIGKILL');
  await producer.disconnect();
});

describe('standings after the scoring process is killed', () => {
  it('are never served as current below what is stored, and are recomputed at the start', async () => {
    scoring = startScoring();
    await waitFor(() => getJson(base(), '/readyz'), 90_000, 200);
    await send('PUT', '/v1/org', smallOrg);
    await send('PUT', `/v1/competitions/${ID}`, {
      name: { zh: '重启恢复测试', en: 'Restart recovery' },
      kind: 'labour',
      period: { start: '2025-03-01', end: LAST_DAY },
      indicators: [
        {
          id: 'units',
          name: { zh: '件数', en: 'Units' },
          rule: { kind: 'sum', metric: 'metric.units', pointsPerUnit: 1 },
        },
      ],
    });

    // 1. Events up to 03-20; the default day (03-31) and 03-15 are computed and written.
    await produce(PER_PHASE, ['2025-03-10', '2025-03-14', '2025-03-20']);
    await waitFor(async () => expect(scores(await standings(LAST_DAY))).toEqual(expectedScores(LAST_DAY)), 60_000);
    await waitFor(async () => expect(scores(await standings(STORED_DAY))).toEqual(expectedScores(STORED_DAY)), 60_000);

    // 2. More events, some on days before 03-15: the default day's new standings are held in
    //    memory, and 03-15 waits for its late-event pass. Killed then.
    await produce(PER_PHASE, ['2025-03-12', '2025-03-18']);
    await waitFor(async () => expect(scores(await standings(LAST_DAY))).toEqual(expectedScores(LAST_DAY)), 60_000);
    await scoring.stop('SIGKILL');

    // 3. Restarted on the same data: every answer is either flagged or equal to what is stored.
    const restartedAt = performance.now();
    const restartedWall = Date.now();
    scoring = startScoring();
    const servedBelow: string[] = [];
    const currentDayBehind: string[] = [];
    let firstAnswerMs: number | undefined;
    let flagged = 0;
    const recoveredMs = await waitFor(
      async () => {
        const answers = await Promise.all([standings(LAST_DAY), standings(STORED_DAY)]);
        firstAnswerMs ??= performance.now() - restartedAt;
        for (const a of answers) {
          const want = expectedScores(a.asOf);
          expect(total(scores(a))).toBeLessThanOrEqual(total(want));
          // The current day, what screens show, is never answered with the previous numbers.
          if (a.asOf === LAST_DAY && (a.recomputing || JSON.stringify(scores(a)) !== JSON.stringify(want))) {
            currentDayBehind.push(`${total(scores(a))} of ${total(want)}${a.recomputing ? ' (flagged)' : ''}`);
          }
          if (a.recomputing) flagged += 1;
          else if (JSON.stringify(scores(a)) !== JSON.stringify(want)) {
            servedBelow.push(`${a.asOf}: ${total(scores(a))} served as current, ${total(want)} stored`);
          }
        }
        expect(answers.map((a) => [a.recomputing, scores(a)])).toEqual(
          answers.map((a) => [false, expectedScores(a.asOf)]),
        );
        return performance.now() - restartedAt;
      },
      120_000,
      20,
    );
    expect(servedBelow).toEqual([]);
    expect(currentDayBehind, 'the current day answered below what is stored').toEqual([]);
    // When the restarted process logged its steps (pino's time, epoch milliseconds).
    const logged = (msg: string) =>
      scoring
        ?.output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string; time: number; cause?: string })
        .find((l) => l.msg === msg && (l.cause === undefined || l.cause === 'restart'))?.time;
    const after = (time: number | undefined) => (time === undefined ? 'never' : `${time - restartedWall} ms`);
    const marked = logged('stored standings are behind the stored events; recomputing');
    expect(marked).toBeDefined();
    console.log(
      [
        `recovery after SIGKILL: ${Math.round(recoveredMs)} ms from the restart to standings equal to what is stored`,
        `  stale standings found and marked  ${after(marked)}`,
        `  stored days recomputed            ${after(logged('stored standings recomputed'))}`,
        `  HTTP server listening             ${after(logged('Server listening at http://127.0.0.1:' + String(port)))}`,
        `  first answer                      ${Math.round(firstAnswerMs ?? NaN)} ms (${flagged} answers flagged recomputing)`,
      ].join('\n'),
    );
  }, 300_000);
});
