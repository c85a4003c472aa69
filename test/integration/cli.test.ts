import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';
import { ROSTER_HEADER, workbookOf } from '../support/workbooks.ts';

/**
 * The organisers' CLI driven exactly as a user drives it: `node services/cli/leaderboard.mjs …`
 * in a working directory of real files, against a real server with access control on.
 */
const ENTRY = resolve('services/cli/leaderboard.mjs');
const ADMIN = `lbt_${'a'.repeat(43)}`;
const work = mkdtempSync(join(tmpdir(), 'leaderboard-cli-'));
let server: Service;
let base = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], token: string | null = ADMIN) {
  const child = spawn(process.execPath, [ENTRY, ...args], {
    cwd: work,
    env: { ...process.env, LEADERBOARD_URL: base, LEADERBOARD_TOKEN: token ?? '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolveRun) => child.once('close', (code) => resolveRun({ code, stdout, stderr })));
  return { child, done };
}

const cli = (args: string[], token: string | null = ADMIN): Promise<Run> => startCli(args, token).done;

function write(name: string, text: string): string {
  writeFileSync(join(work, name), text);
  return name;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface StandingsBody {
  definitionVersion: number;
  rows: { crewId: string; rank: number | null; score: number }[];
}
const scores = async (id: string) =>
  Object.fromEntries(
    (await api<StandingsBody>(`/v1/competitions/${id}/standings`)).rows.map((r) => [r.crewId, r.score]),
  );

// The server runs on a fixed clock (CLOCK_START), so the test is the same on every day it runs:
// last month is over, so it can be closed, and its events are well within EVENT_MAX_AGE_DAYS;
// this month is not over.
const CLOCK_START = '2026-11-24T10:00:00+08:00';
const shanghaiNow = new Date(Date.parse(CLOCK_START) + 8 * 3_600_000);
const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
const [Y, M] = [shanghaiNow.getUTCFullYear(), shanghaiNow.getUTCMonth()];
const LAST_MONTH = { start: day(Y, M - 1, 1), end: day(Y, M, 0) };
const THIS_MONTH = { start: day(Y, M, 1), end: day(Y, M + 1, 0) };
const lastMonthDay = (i: number) => day(Y, M - 1, 1 + (i % 28));

const competitionYaml = (id: string, period: { start: string; end: string }, extra = '') => `# 组织者的竞赛定义
id: ${id}
name:
  zh: 上月劳动竞赛
  en: Last month's labour competition
kind: labour
period:
  start: ${period.start}
  end: ${period.end}
rankingGroups: [overall, branch]
indicators:
  - id: volume
    name: { zh: 销量, en: Volume }
    weight: 1
    rule:
      kind: sum
      metric: sales.volume_litres
      pointsPerUnit: 0.01
${extra}`;

// v2: volume counts double and a 三违 person-time costs 3000 points, so C1 (one violation) drops from first to last.
const EDITED = competitionYaml(
  'cup',
  LAST_MONTH,
  '  - id: violations\n    name: { zh: 三违扣分, en: Violations }\n    rule: { kind: count, event: violation, measure: persons, pointsEach: -3000 }\n',
).replace('    weight: 1\n', '    weight: 2\n');

const sale = (id: string, crewId: string, i: number) =>
  JSON.stringify({
    eventId: id,
    crewId,
    type: 'sales',
    occurredAt: `${lastMonthDay(i)}T08:00:00+08:00`,
    volume: 100,
    unit: 'litres',
  });

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawnService('services/api/main.ts', {
    CLOCK_START,
    DATA_DIR: join(work, 'data'),
    PORT: String(port),
    DEMO: 'off',
    AUTH_MODE: 'tokens',
    BOOTSTRAP_ADMIN_TOKEN: ADMIN,
    // Straight to ClickHouse, whatever the run's environment says about Kafka.
    KAFKA_BROKERS: '',
    LOG_LEVEL: 'warn',
    STANDINGS_DEBOUNCE_MS: '10',
  });
  await waitFor(async () => {
    const res = await fetch(`${base}/readyz`);
    if (!res.ok) throw new Error(`readyz ${res.status}`);
  }, 60_000);
});

afterAll(async () => {
  await server.stop();
});

describe('leaderboard CLI against a running server', () => {
  it('explains usage errors with exit code 2 and an unreachable server with exit code 1', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const missing = await cli(['apply', '-f', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/file not found: nope\.yaml/);
    const closedPort = await freePort();
    const refused = await cli(['whoami', '--server', `http://127.0.0.1:${closedPort}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cannot reach the server at http://127.0.0.1:${closedPort}`);
    expect(refused.stderr).toContain('is `npm start` running?');
  });

  it('imports a registry CSV, and refuses one with a bad row without saving anything', async () => {
    const roster = write(
      '组织架构.csv',
      [
        '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数',
        'B1,杭州分公司,U1,西湖加油站,加油站,C1,西湖加油站甲班,6',
        'B1,杭州分公司,U1,西湖加油站,加油站,C2,西湖加油站乙班,5',
        'B2,宁波分公司,U2,北仑油库,油库,C3,北仑油库一班,8',
        'B2,宁波分公司,U2,北仑油库,油库,C4,北仑油库二班,7',
      ].join('\n'),
    );
    const imported = await cli(['import', roster]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/班组 crews\s+4\s+0\s+0/);

    const bad = write(
      'bad-roster.csv',
      [
        '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数',
        'B1,杭州分公司,U1,西湖加油站,加油站,C5,西湖加油站丙班,4',
        'B1,杭州分公司,U1,西湖加油站,加油站,C6,西湖加油站丁班,很多',
      ].join('\n'),
    );
    const refused = await cli(['import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/第 3 行 \/ row 3 \[人数\]/);
    const org = await api<{ crews: { id: string }[] }>('/v1/org');
    expect(org.crews.map((c) => c.id).sort()).toEqual(['C1', 'C2', 'C3', 'C4']);
  });

  it('reads an .xlsx workbook, naming the sheet and cell of a bad one (dry runs: later tests share the registry)', async () => {
    const rows = [
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C1', '西湖加油站甲班', 6],
      ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C7', '西湖加油站戊班', '很多'],
    ];
    writeFileSync(join(work, 'bad-花名册.xlsx'), await workbookOf({ 花名册: [ROSTER_HEADER, ...rows] }));
    const refused = await cli(['import', 'bad-花名册.xlsx', '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('工作表“花名册” 第 3 行 / row 3 [人数] H3:');

    rows[1] = ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C7', '西湖加油站戊班', '５'];
    writeFileSync(join(work, '花名册.xlsx'), await workbookOf({ 花名册: [ROSTER_HEADER, ...rows] }));
    const checked = await cli(['import', '花名册.xlsx', '--dry-run']);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('试运行，未保存 / dry run, nothing saved: “花名册” 组织架构 roster 2 行 rows');
    expect(checked.stdout).toMatch(/班组 crews\s+1\s+0\s+1/);
  });

  it('reads a workbook with a roster and a persons sheet, naming the cell of a person whose crew is unknown (dry runs)', async () => {
    const roster = [ROSTER_HEADER, ['B1', '杭州分公司', 'U1', '西湖加油站', '加油站', 'C8', '西湖加油站己班', 3]];
    const persons = (crewId: string) => [
      ['人员编号', '姓名', '所在班组编号', '岗位'],
      ['P1', '张三', 'C8', '加油员'],
      ['P2', '李四', crewId, null],
    ];
    writeFileSync(join(work, 'bad-人员.xlsx'), await workbookOf({ 花名册: roster, 人员: persons('C404') }));
    const refused = await cli(['import', 'bad-人员.xlsx', '--dry-run']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('工作表“人员” 第 3 行 / row 3 [所在班组编号] C3: 组织架构中没有班组 C404');

    writeFileSync(join(work, '人员.xlsx'), await workbookOf({ 花名册: roster, 人员: persons('C1') }));
    const checked = await cli(['import', '人员.xlsx', '--dry-run']);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('“花名册” 组织架构 roster 1 行 rows, “人员” 人员 persons 2 行 rows');
    expect(checked.stdout).toMatch(/^人员 persons\s+2\s+0\s+0$/m);
  });

  it('dry-runs the example roster when it is there', async () => {
    // (The example targets name a competition and crews of their own, so they are not tried here.)
    const example = 'schemas/examples/org-roster.csv';
    if (!existsSync(example)) return;
    const run = await cli(['import', resolve(example), '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dry run, nothing saved/);
  });

  it('prints every problem of a competition file with its line and exits 1', async () => {
    write(
      'broken.yaml',
      competitionYaml('cup', { start: LAST_MONTH.end, end: LAST_MONTH.start })
        .replace('kind: labour', 'kind: race')
        .replace('metric: sales.volume_litres', 'metric: sales.volume_gallons'),
    );
    const run = await cli(['apply', '-f', 'broken.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^broken\.yaml:6:1 kind: /m);
    expect(run.stderr).toMatch(/^broken\.yaml:9:3 period\.end: period\.end is before period\.start$/m);
    expect(run.stderr).toMatch(
      /^broken\.yaml:17:7 indicators\[0\]\.rule\.metric: unknown metric "sales\.volume_gallons"/m,
    );
  });

  it('applies a competition, publishes it, and imports historical events with duplicates and bad lines', async () => {
    write('cup.yaml', competitionYaml('cup', LAST_MONTH));
    const applied = await cli(['apply', '-f', 'cup.yaml', '-m', '首版', '--publish']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^competition\/cup created$/m);

    // C1 1,200 sales, C2 900, C3 600, C4 300 (1 point each), one 三违 for C1; then a line that
    // is not JSON, an event the schema refuses, and 50 events sent again.
    const lines: string[] = [];
    for (const [crew, count] of [
      ['C1', 1200],
      ['C2', 900],
      ['C3', 600],
      ['C4', 300],
    ] as const) {
      for (let i = 0; i < count; i++) lines.push(sale(`pos-${crew}-${i}`, crew, i));
    }
    lines.push(
      JSON.stringify({
        eventId: 'v-1',
        crewId: 'C1',
        type: 'violation',
        occurredAt: `${lastMonthDay(4)}T09:00:00+08:00`,
        kind: 'operation',
        personCount: 1,
      }),
    );
    lines.splice(1500, 0, '{"eventId": "half a line');
    lines.splice(
      2200,
      0,
      JSON.stringify({
        eventId: 'neg',
        crewId: 'C2',
        type: 'sales',
        occurredAt: `${lastMonthDay(3)}T09:00:00+08:00`,
        volume: -3,
        unit: 'litres',
      }),
    );
    lines.push(...lines.slice(0, 50));
    write('events.ndjson', `${lines.join('\n')}\n`);

    const run = await cli(['import', 'events.ndjson', '--batch', '500']);
    // Two lines rejected: exit 1, everything else stored.
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/lines read:\s+3,053/);
    expect(run.stdout).toMatch(/accepted:\s+3,001/);
    expect(run.stdout).toMatch(/duplicates:\s+50/);
    expect(run.stdout).toMatch(/rejected:\s+2\s+→ events\.ndjson\.rejected\.ndjson/);
    const rejected = readFileSync(join(work, 'events.ndjson.rejected.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; eventId: string | null; errors: { path: string }[] });
    expect(rejected.map((r) => [r.line, r.eventId])).toEqual([
      [1501, null],
      [2201, 'neg'],
    ]);
    expect(rejected[1]?.errors[0]?.path).toBe('volume');
    expect(existsSync(join(work, 'events.ndjson.import-state.json'))).toBe(false);
    await waitFor(async () => expect(await scores('cup')).toEqual({ C1: 1200, C2: 900, C3: 600, C4: 300 }), 30_000);
  });

  it('shows standings as a table with the Chinese names lined up', async () => {
    const run = await cli(['standings', 'cup']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^上月劳动竞赛 / Last month's labour competition  截至 / as of ${LAST_MONTH.end}  版本 / version v1`),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\s+1\s+–\s+西湖加油站甲班\s+西湖加油站\s+杭州分公司\s+1200\.00$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^\s+4\s+–\s+北仑油库二班\s+北仑油库\s+宁波分公司\s+300\.00$/));
  });

  it('saves an edited definition as a draft with its diff, previews the rank changes, publishes it', async () => {
    write('cup-v2.yaml', EDITED);
    const applied = await cli(['apply', '-f', 'cup-v2.yaml', '-m', '加三违扣分']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^competition\/cup configured$/m);
    expect(applied.stdout).toMatch(/draft v2 saved/);
    expect(applied.stdout).toMatch(/^ {2}~ indicators\[0\]\.weight: 1 → 2$/m);
    expect(applied.stdout).toMatch(/^ {2}\+ indicators\[1\]: \{"id":"violations"/m);
    expect(applied.stdout).toMatch(/ghlb publish cup --version 2/);
    // The draft is not live yet.
    expect((await api<StandingsBody>('/v1/competitions/cup/standings')).definitionVersion).toBe(1);

    const preview = await cli(['preview', '-f', 'cup-v2.yaml']);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/升 up 3 · 降 down 1 · 不变 same 0/);
    expect(preview.stdout).toMatch(/^1 → 4\s+↓3\s+西湖加油站甲班\s+杭州分公司\s+1200\.00 → -600\.00\s+-1800\.00$/m);
    expect(preview.stdout).toMatch(/^2 → 1\s+↑1\s+西湖加油站乙班/m);

    const published = await cli(['publish', 'cup', '-m', '工会审定']);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/v1 → v2/);
    await waitFor(async () => expect(await scores('cup')).toEqual({ C1: -600, C2: 1800, C3: 1200, C4: 600 }), 30_000);

    const history = await cli(['history', 'cup']);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^\s+v2\s+当前 current\s.*加三违扣分/m);
    expect(history.stdout).toMatch(/^\s+v1\s+已替代 superseded\s.*首版/m);

    // show prints YAML that applies back unchanged.
    const shown = await cli(['show', 'cup']);
    expect(shown.stdout).toMatch(/^id: cup$/m);
    write('cup-shown.yaml', shown.stdout);
    const again = await cli(['apply', '-f', 'cup-shown.yaml']);
    expect(again.stdout).toMatch(/^competition\/cup unchanged$/m);
  });

  it('resumes an import killed mid-way: nothing lost, nothing counted twice', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => sale(`big-${i}`, 'C4', i));
    write('big.ndjson', `${lines.join('\n')}\n`);
    const state = join(work, 'big.ndjson.import-state.json');
    const first = startCli(['import', 'big.ndjson', '--batch', '200']);
    let exited = false;
    void first.done.then(() => (exited = true));
    await waitFor(
      async () => {
        if (!existsSync(state) && !exited) throw new Error('no checkpoint yet');
      },
      30_000,
      5,
    );
    first.child.kill('SIGKILL');
    await first.done;
    expect(existsSync(state)).toBe(true);
    const checkpoint = JSON.parse(readFileSync(state, 'utf8')) as { line: number };
    expect(checkpoint.line).toBeGreaterThan(0);
    expect(checkpoint.line).toBeLessThan(20_000);

    const resumed = await cli(['import', 'big.ndjson', '--batch', '2000']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at line [\d,]+/);
    expect(resumed.stdout).toMatch(/lines read:\s+20,000/);
    expect(existsSync(state)).toBe(false);
    // 20,000 more sales for C4 at 2 points each under v2.
    await waitFor(async () => expect((await scores('cup'))['C4']).toBe(600 + 40_000), 30_000);
  });

  it('imports events from a CSV with Chinese headers, numbering rejected rows by their line', async () => {
    write(
      'events.csv',
      [
        '事件编号,班组编号,发生时间,事件类型,销量,计量单位,备注',
        `csv-1,C3,${lastMonthDay(1)}T08:00:00+08:00,sales,100,litres,`,
        `csv-2,C3,${lastMonthDay(2)}T08:00:00+08:00,sales,100,litres,"夜班，
补录"`,
        `csv-3,C3,${lastMonthDay(3)}T08:00:00+08:00,sales,很多,litres,`,
        `csv-4,C3,${lastMonthDay(4)}T08:00:00+08:00,sales,100,litres,`,
      ].join('\r\n'),
    );
    const run = await cli(['import', 'events.csv']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/accepted:\s+3\n/);
    const [rejected] = readFileSync(join(work, 'events.csv.rejected.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; eventId: string; errors: { path: string }[] });
    expect(rejected).toMatchObject({ line: 5, eventId: 'csv-3', errors: [{ path: 'volume' }] });
    // Three more sales for C3 at 2 points each under v2.
    await waitFor(async () => expect((await scores('cup'))['C3']).toBe(1206), 30_000);
  });

  it('refuses to resume a file that changed since the checkpoint, unless --restart', async () => {
    write('small.ndjson', `${sale('small-1', 'C3', 1)}\n`);
    const stale = {
      version: 1,
      format: 'ndjson',
      size: 1,
      mtimeMs: 1,
      offset: 1,
      line: 1,
      rejectedBytes: 0,
      counts: { accepted: 0, duplicates: 0, rejected: 0 },
      savedAt: new Date().toISOString(),
    };
    write('small.ndjson.import-state.json', JSON.stringify(stale));
    const refused = await cli(['import', 'small.ndjson']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the file changed since the interrupted import/);
    const restarted = await cli(['import', 'small.ndjson', '--restart']);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/accepted:\s+1/);
  });

  it('scopes an ingest token to its branch, and refuses it once revoked', async () => {
    const created = await cli(['tokens', 'create', '--name', '杭州分公司 POS', '--role', 'ingest', '--branch', 'B1']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/只显示这一次，请立即保存 \/ shown once: store it now/);
    const token = /^\s+(lbt_\S+)$/m.exec(created.stdout)?.[1] ?? '';
    const id = /token created: (\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(token).not.toBe('');

    write('b2.ndjson', `${sale('b2-1', 'C3', 2)}\n`);
    const outOfScope = await cli(['import', 'b2.ndjson'], token);
    expect(outOfScope.code).toBe(1);
    expect(outOfScope.stderr).toMatch(/HTTP 403 \S+: .+/);
    expect(outOfScope.stderr).toMatch(/--token or LEADERBOARD_TOKEN/);

    write('b1.ndjson', `${sale('b1-1', 'C1', 2)}\n`);
    const inScope = await cli(['import', 'b1.ndjson'], token);
    expect(inScope.code).toBe(0);

    const listed = await cli(['tokens', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+杭州分公司 POS\\s+数据上报 ingest\\s+分公司 branches B1`));

    const revoked = await cli(['tokens', 'revoke', id]);
    expect(revoked.code).toBe(0);
    const refused = await cli(['whoami'], token);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 40[13] /);
  });

  it('closes a period that is over, once; a period not over is refused with 409 period_not_over', async () => {
    write('now.yaml', competitionYaml('now', THIS_MONTH));
    expect((await cli(['apply', '-f', 'now.yaml', '--publish'])).code).toBe(0);
    const early = await cli(['close', 'now']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/HTTP 409 period_not_over: /);

    const closed = await cli(['close', 'cup', '-m', '月度结算']);
    expect(closed.stderr).toBe('');
    expect(closed.code).toBe(0);
    expect(closed.stdout).toMatch(new RegExp(`closed cup final \\(${LAST_MONTH.start} – ${LAST_MONTH.end}\\)`));
    // Closed on Tuesday 24 November 2026: 5 working days are 25–27 November, 30 November and 1 December.
    expect(closed.stdout).toContain('公示中，2026-11-24 至 2026-12-01，可实名提出异议');
    expect(closed.stdout).toContain('（5 个工作日 / working days）');
    const twice = await cli(['close', 'cup']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/HTTP 409 period_already_closed: /);

    const periods = await cli(['periods', 'cup']);
    expect(periods.stdout).toMatch(
      /^final .*2026-11-24 10:\d\d:\d\d .*公示中，至 2026-12-01 \/ in 公示 until 2026-12-01/m,
    );
    const final = await cli(['standings', 'cup', '--period', 'final']);
    expect(final.code).toBe(0);
    expect(final.stdout).toMatch(/final standings of period final/);
    expect(final.stdout).toMatch(
      /^公示中，2026-11-24 至 2026-12-01，可实名提出异议 \/ in 公示 2026-11-24 – 2026-12-01, objections open$/m,
    );
    expect(final.stdout).toMatch(/^\s+1\s+\S+\s+北仑油库二班\s+北仑油库\s+宁波分公司\s+40600\.00$/m);

    // An event for the closed month arriving now is recorded as late, not applied.
    write('late.ndjson', `${sale('late-1', 'C2', 5)}\n`);
    expect((await cli(['import', 'late.ndjson'])).code).toBe(0);
    const late = await cli(['late', 'cup', '--period', 'final']);
    expect(late.code).toBe(0);
    expect(late.stdout).toMatch(/1 late events/);
    // The entrant it falls on is the crew itself in a crew-level competition.
    expect(late.stdout).toMatch(/^late-1\s+C2\s+sales\s.*\sC2$/m);
  });
});
