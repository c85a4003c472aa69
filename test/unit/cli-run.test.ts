import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../services/cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-run-'));

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** Runs the CLI against answers given per "METHOD path" and returns what it printed and sent. */
async function cli(
  argv: string[],
  answers: Record<string, { status: number; body: unknown; headers?: Record<string, string> }> = {},
  options: { env?: Record<string, string>; files?: Record<string, string>; fetchError?: Error } = {},
) {
  const calls: Call[] = [];
  let stdout = '';
  let stderr = '';
  const code = await runCli({
    argv,
    env: { LEADERBOARD_URL: 'http://lb.test', ...options.env },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    files: {
      readText: (path) => {
        const text = options.files?.[path];
        return text === undefined
          ? Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))
          : Promise.resolve(text);
      },
    },
    fetch: (url, init) => {
      const u = new URL(url);
      const body = typeof init.body === 'string' ? init.body : init.body ? '<bytes>' : undefined;
      calls.push({
        method: init.method ?? 'GET',
        url: `${u.pathname}${u.search}`,
        headers: init.headers as Record<string, string>,
        body: body && body !== '<bytes>' ? JSON.parse(body) : body,
      });
      if (options.fetchError) return Promise.reject(options.fetchError);
      const answer = answers[`${init.method ?? 'GET'} ${u.pathname}`];
      if (!answer)
        return Promise.resolve(Response.json({ error: { code: 'route_not_found', message: 'no' } }, { status: 404 }));
      return Promise.resolve(Response.json(answer.body, { status: answer.status, headers: answer.headers ?? {} }));
    },
  });
  return { code, stdout, stderr, calls };
}

const YAML = `id: m11
name: { zh: 十一月劳动竞赛, en: November }
kind: labour
period: { start: 2026-11-01, end: 2026-11-30 }
participants:
  scope: selected
  crewIds: [C1, C2, C9]
indicators:
  - id: volume
    name: { zh: 销量, en: Volume }
    weight: 1.2
    rule: { kind: sum, metric: sales.volume_litres, pointsPerUnit: 1 }
`;

describe('exit codes and errors', () => {
  it('prints usage with exit code 0', async () => {
    const run = await cli([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/用法 \/ usage: ghlb/);
    expect(run.calls).toEqual([]);
  });

  it.each([[['nope']], [['standings', 'm11', '--limit', 'x']], [['apply', '-f', 'missing.yaml']]])(
    '%j is a usage error: exit 2',
    async (argv) => {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/usage error: .*\n.*ghlb help/);
    },
  );

  it('says when the server cannot be reached', async () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    const run = await cli(['whoami'], {}, { fetchError: refused });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '无法连接服务器 http://lb.test（ECONNREFUSED）：npm start 是否在运行？/ cannot reach the server at http://lb.test (ECONNREFUSED): is `npm start` running?',
    );
  });

  it.each([401, 403])('prints the code and message of a %i and hints at the token', async (status) => {
    const run = await cli(['tokens', 'list'], {
      'GET /v1/tokens': { status, body: { error: { code: 'forbidden', message: 'an admin token is needed' } } },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(`HTTP ${status} forbidden: an admin token is needed`);
    expect(run.stderr).toMatch(/--token or LEADERBOARD_TOKEN/);
  });

  it('prints a 409 with its code, without the token hint', async () => {
    const run = await cli(['close', 'm11'], {
      'POST /v1/competitions/m11/periods/final/close': {
        status: 409,
        body: { error: { code: 'period_not_over', message: 'period "final" runs until 2026-11-30' } },
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HTTP 409 period_not_over: period "final" runs until 2026-11-30/);
    expect(run.stderr).not.toMatch(/LEADERBOARD_TOKEN/);
  });

  it('close of a person-level period counts persons, at the competition clock', async () => {
    const run = await cli(['close', 'skills', '-m', '月度结算'], {
      'POST /v1/competitions/skills/periods/final/close': {
        status: 200,
        body: {
          competitionId: 'skills',
          periodId: 'final',
          start: '2026-11-01',
          end: '2026-11-30',
          closedAt: '2026-12-01T01:00:12.000Z',
          closedBy: '杭州分公司工会',
          definitionVersion: 2,
          entrants: 'person',
          crews: 60,
          timeZone: 'Asia/Shanghai',
        },
      },
      'GET /v1/competitions/skills/periods/final/notice': {
        status: 200,
        body: {
          competitionId: 'skills',
          periodId: 'final',
          status: 'in_notice',
          timeZone: 'Asia/Shanghai',
          workingDays: 5,
          openedAt: '2026-12-01T01:00:12.000Z',
          openedBy: '杭州分公司工会',
          startsOn: '2026-12-01',
          endsOn: '2026-12-08',
          confirmedAt: null,
          confirmedBy: null,
          howToObject: { zh: '…', en: '…' },
          objections: [],
          history: [],
        },
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[1]).toBe(
      '结算于 / at 2026-12-01 09:00:12，操作人 / by 杭州分公司工会；版本 / version v2；60 人 / persons',
    );
    // Closed on Tuesday 1 December: 5 working days are 2–4 and 7–8 December.
    expect(run.stdout.split('\n')[2]).toBe(
      '公示中，2026-12-01 至 2026-12-08，可实名提出异议 / in 公示 2026-12-01 – 2026-12-08, objections open（5 个工作日 / working days）',
    );
  });

  it('close, periods and late print times at the competition clock, not Beijing time by default', async () => {
    const closedAt = '2026-12-01T01:00:12.000Z';
    const run = await cli(['close', 'berlin'], {
      'POST /v1/competitions/berlin/periods/final/close': {
        status: 200,
        body: {
          competitionId: 'berlin',
          periodId: 'final',
          start: '2026-11-01',
          end: '2026-11-30',
          closedAt,
          closedBy: 'Betriebsrat',
          definitionVersion: 1,
          entrants: 'crew',
          crews: 3,
          timeZone: 'Europe/Berlin',
        },
      },
    });
    expect(run.stdout.split('\n')[1]).toMatch(/^结算于 \/ at 2026-12-01 02:00:12，/);
    // A server without 公示 answers 404 for the notice: the close still succeeded, and says so.
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('公示');
    const periods = await cli(['periods', 'berlin'], {
      'GET /v1/competitions/berlin/periods': {
        status: 200,
        body: {
          competitionId: 'berlin',
          timeZone: 'Europe/Berlin',
          periods: [
            {
              id: 'final',
              name: { zh: '全程', en: 'Whole period' },
              start: '2026-11-01',
              end: '2026-11-30',
              status: 'closed',
              closed: {
                closedAt,
                closedBy: 'Betriebsrat',
                note: '',
                definitionVersion: 1,
                orgVersion: 1,
                crews: 3,
                lateEvents: 1,
              },
            },
          ],
        },
      },
    });
    expect(periods.stderr).toBe('');
    expect(periods.stdout).toMatch(/2026-12-01 02:00:12 \(v1, Betriebsrat\)\s+已结算 \/ closed /);
    const late = await cli(['late', 'berlin', '--period', 'final'], {
      'GET /v1/competitions/berlin/periods/final/late-events': {
        status: 200,
        body: {
          competitionId: 'berlin',
          periodId: 'final',
          closedAt,
          timeZone: 'Europe/Berlin',
          total: 1,
          events: [
            {
              eventId: 'e1',
              crewId: 'C1',
              personId: null,
              entrant: { id: 'C1', name: 'Schicht A' },
              type: 'sale',
              occurredAt: '2026-11-30T22:30:00.000Z',
              receivedAt: '2026-12-01T08:00:00.000Z',
              storedAt: '2026-12-01T08:00:01.000Z',
              correction: null,
            },
          ],
        },
      },
    });
    expect(late.stderr).toBe('');
    expect(late.stdout).toMatch('结算于 / closed 2026-12-01 02:00:12');
    // The event of the last evening of November, Berlin time: on the period's last day.
    expect(late.stdout).toMatch(/e1\s+C1\s+sale\s+2026-11-30 23:30:00\s+2026-12-01 09:00:00\s+Schicht A C1/);
  });

  it('publish and history print times at the competition clock too', async () => {
    const at = '2026-11-20T04:05:35.000Z';
    const published = await cli(['publish', 'berlin', '-m', 'Beschluss'], {
      'POST /v1/competitions/berlin/publish': {
        status: 200,
        body: {
          id: 'berlin',
          version: 2,
          previousVersion: 1,
          publishedAt: at,
          publishedBy: 'Betriebsrat',
          timeZone: 'Europe/Berlin',
          changes: [],
        },
      },
    });
    expect(published.stderr).toBe('');
    expect(published.stdout).toMatch('发布于 / at 2026-11-20 05:05:35，发布人 / by Betriebsrat');
    const history = await cli(['history', 'berlin'], {
      'GET /v1/competitions/berlin/versions': {
        status: 200,
        body: {
          id: 'berlin',
          timeZone: 'Europe/Berlin',
          currentVersion: 2,
          versions: [
            {
              version: 2,
              savedAt: at,
              author: 'Betriebsrat',
              note: 'zweite',
              status: 'current',
              publishedAt: at,
              publishedBy: 'Betriebsrat',
              publishedNote: 'Beschluss',
            },
          ],
        },
      },
    });
    expect(history.stderr).toBe('');
    expect(history.stdout).toMatch(
      /v2\s+当前 current\s+2026-11-20 05:05:35\s+Betriebsrat\s+zweite\s+2026-11-20 05:05:35 Betriebsrat/,
    );
  });

  it('sends the token as a bearer token, --token over LEADERBOARD_TOKEN, and none when there is none', async () => {
    const whoami = { 'GET /v1/whoami': { status: 200, body: { authenticated: false, open: true, token: null } } };
    const withEnv = await cli(['whoami'], whoami, { env: { LEADERBOARD_TOKEN: 'lbt_env' } });
    const withFlag = await cli(['whoami', '--token', 'lbt_flag'], whoami, { env: { LEADERBOARD_TOKEN: 'lbt_env' } });
    const without = await cli(['whoami'], whoami);
    expect(withEnv.calls[0]?.headers['authorization']).toBe('Bearer lbt_env');
    expect(withFlag.calls[0]?.headers['authorization']).toBe('Bearer lbt_flag');
    expect(without.calls[0]?.headers).not.toHaveProperty('authorization');
    expect(without.stdout).toMatch(/without access control/);
  });
});

describe('apply', () => {
  it('stops before sending when the file has problems, listing each with its line', async () => {
    const bad = YAML.replace('kind: labour', 'kind: race').replace('pointsPerUnit: 1', 'pointsPerUnit: "x"');
    const run = await cli(['apply', '-f', 'm11.yaml'], {}, { files: { 'm11.yaml': bad } });
    expect(run.code).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stderr).toMatch(/^m11\.yaml:3:1 kind: /m);
    expect(run.stderr).toMatch(/^m11\.yaml:12:53 indicators\[0\]\.rule\.pointsPerUnit: /m);
  });

  it('saves a draft, prints the diff and how to preview and publish', async () => {
    const run = await cli(
      ['apply', '-f', 'm11.yaml', '-m', '权重 1.2'],
      {
        'POST /v1/competitions/m11/versions': {
          status: 200,
          body: {
            id: 'm11',
            outcome: 'created',
            version: 3,
            status: 'draft',
            currentVersion: 2,
            changes: [
              { path: 'indicators[0].weight', op: 'changed', before: 1, after: 1.2 },
              { path: 'vetoes[0]', op: 'removed', before: { id: 'serious' } },
            ],
          },
        },
      },
      { files: { 'm11.yaml': YAML } },
    );
    expect(run.code).toBe(0);
    const sent = run.calls[0]?.body as { definition: Record<string, unknown>; note: string; publish: boolean };
    expect(sent.note).toBe('权重 1.2');
    expect(sent.publish).toBe(false);
    expect(sent.definition).not.toHaveProperty('id');
    expect(sent.definition['kind']).toBe('labour');
    expect(run.stdout.split('\n')).toEqual([
      'competition/m11 configured',
      '已保存草稿 v3 / draft v3 saved (当前发布 v2 / current: v2)',
      '变更 / changes (v2 → v3):',
      '  ~ indicators[0].weight: 1 → 1.2',
      '  - vetoes[0]: {"id":"serious"}',
      '',
      '试算排名 / preview:   ghlb preview m11 --version 3',
      '发布 / publish:       ghlb publish m11 --version 3',
      '',
    ]);
  });

  it.each([
    { body: { outcome: 'created', version: 1, status: 'draft', currentVersion: null, changes: [] }, verb: 'created' },
    { body: { outcome: 'created', version: 1, status: 'current', currentVersion: 1, changes: [] }, verb: 'created' },
    {
      body: { outcome: 'unchanged', version: 4, status: 'current', currentVersion: 4, changes: [] },
      verb: 'unchanged',
    },
    {
      body: {
        outcome: 'created',
        version: 5,
        status: 'current',
        currentVersion: 5,
        changes: [{ path: 'a', op: 'added', after: 1 }],
      },
      verb: 'configured',
    },
  ])('says $verb', async ({ body, verb }) => {
    const run = await cli(
      ['apply', '-f', 'm11.yaml'],
      {
        'POST /v1/competitions/m11/versions': { status: 200, body: { id: 'm11', ...body } },
      },
      { files: { 'm11.yaml': YAML } },
    );
    expect(run.stdout.split('\n')[0]).toBe(`competition/m11 ${verb}`);
  });

  it('prints the problems the server found with their lines in the file', async () => {
    const run = await cli(
      ['apply', '-f', 'm11.yaml'],
      {
        'POST /v1/competitions/m11/versions': {
          status: 422,
          body: {
            error: {
              code: 'invalid_competition',
              message: '1 problem',
              details: [{ path: 'participants.crewIds[2]', message: 'unknown crew "C9"' }],
            },
          },
        },
      },
      { files: { 'm11.yaml': YAML } },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^m11\.yaml:7:21 participants\.crewIds\[2\]: unknown crew "C9"$/m);
  });
});

describe('other commands', () => {
  it('preview of a unit-level draft counts and heads units', async () => {
    const run = await cli(['preview', 'ankang', '--version', '2'], {
      'POST /v1/competitions/ankang/preview': {
        status: 200,
        body: {
          competitionId: 'ankang',
          asOf: '2026-11-24',
          currentVersion: 1,
          draftVersion: 2,
          entrants: 'unit',
          changes: [],
          summary: { crews: 1, up: 0, down: 0, same: 1, entered: 0, left: 0 },
          rows: [
            {
              crewId: 'U1',
              crewName: '西湖加油站',
              unitName: '西湖加油站',
              branchId: 'B1',
              branchName: '杭州分公司',
              current: { rank: 1, score: 97, disqualified: false },
              draft: { rank: 1, score: 98, disqualified: false },
              rankChange: 0,
              scoreChange: 1,
            },
          ],
        },
      },
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('1 个单位 / units:  升 up 0 · 降 down 0 · 不变 same 1 · 新进 entered 0 · 退出 left 0');
    expect(lines.find((l) => l.startsWith('排名 Rank'))).toMatch(/^排名 Rank {2}变化 Δ {2}单位 Unit {3}分公司 Branch/);
  });

  it('preview: changes, summary and a table in draft order, cut at --limit', async () => {
    const placing = (rank: number | null, score: number, disqualified = false) => ({ rank, score, disqualified });
    const run = await cli(['preview', 'm11', '--version', '3', '--limit', '3'], {
      'POST /v1/competitions/m11/preview': {
        status: 200,
        body: {
          competitionId: 'm11',
          asOf: '2026-11-24',
          currentVersion: 2,
          draftVersion: 3,
          entrants: 'crew',
          changes: [{ path: 'indicators[0].weight', op: 'changed', before: 1, after: 1.2 }],
          summary: { crews: 4, up: 1, down: 1, same: 0, entered: 1, left: 1 },
          rows: [
            {
              crewId: 'C2',
              crewName: '西湖乙班',
              unitName: 'U',
              branchId: 'B1',
              branchName: '杭州分公司',
              current: placing(2, 10),
              draft: placing(1, 12),
              rankChange: 1,
              scoreChange: 2,
            },
            {
              crewId: 'C1',
              crewName: '西湖甲班',
              unitName: 'U',
              branchId: 'B1',
              branchName: '杭州分公司',
              current: placing(1, 11),
              draft: placing(2, 11),
              rankChange: -1,
              scoreChange: 0,
            },
            {
              crewId: 'C3',
              crewName: 'Crew 3',
              unitName: 'U',
              branchId: 'B2',
              branchName: '宁波分公司',
              current: null,
              draft: placing(3, 5),
              rankChange: null,
              scoreChange: null,
            },
            {
              crewId: 'C4',
              crewName: 'Crew 4',
              unitName: 'U',
              branchId: 'B2',
              branchName: '宁波分公司',
              current: placing(3, 1),
              draft: null,
              rankChange: null,
              scoreChange: null,
            },
          ],
        },
      },
    });
    expect(run.code).toBe(0);
    expect(run.calls[0]?.body).toEqual({ version: 3 });
    expect(run.stdout.split('\n').slice(1)).toEqual([
      '定义变更 / definition changes:',
      '  ~ indicators[0].weight: 1 → 1.2',
      '',
      '4 个班组 / crews:  升 up 1 · 降 down 1 · 不变 same 0 · 新进 entered 1 · 退出 left 1',
      '排名 Rank  变化 Δ  班组 Crew  分公司 Branch     得分 Score  分差 ΔScore',
      '---------  ------  ---------  -------------  -------------  -----------',
      '2 → 1          ↑1  西湖乙班   杭州分公司     10.00 → 12.00        +2.00',
      '1 → 2          ↓1  西湖甲班   杭州分公司     11.00 → 11.00         0.00',
      '– → 3        新进  Crew 3     宁波分公司          – → 5.00            –',
      '… 还有 1 个班组 / 1 more crews (--limit)',
      '',
    ]);
  });

  it('standings: a title line and a table with the veto column', async () => {
    const row = (
      rank: number | null,
      crewName: string,
      score: number,
      rankChange: number | null,
      disqualified = false,
    ) => ({
      rank,
      previousRank: rank,
      rankChange,
      crewId: crewName,
      crewName,
      unitId: 'U1',
      unitName: '西湖加油站',
      unitType: 'station',
      branchId: 'B1',
      branchName: '杭州分公司',
      headcount: 5,
      score,
      disqualified,
      vetoes: [],
      indicators: [],
      facts: null,
      sheet: null,
      person: null,
    });
    const run = await cli(['standings', 'm11', '--as-of', '2026-11-20', '--limit', '3'], {
      'GET /v1/competitions/m11/standings': {
        status: 200,
        body: {
          competitionId: 'm11',
          name: { zh: '十一月劳动竞赛', en: 'November' },
          entrants: 'crew',
          timeZone: 'Asia/Shanghai',
          asOf: '2026-11-20',
          computedAt: '2026-11-20T04:05:35.492Z',
          definitionVersion: 2,
          registryVersion: 7,
          recomputing: true,
          group: 'overall',
          total: 5,
          limit: 3,
          offset: 0,
          rows: [
            row(1, '西湖加油站甲班', 51.666, 2),
            row(2, 'Crew B', 8, -1),
            row(null, '西湖加油站乙班', 0, null, true),
          ],
        },
      },
    });
    expect(run.code).toBe(0);
    expect(run.calls[0]?.url).toBe('/v1/competitions/m11/standings?asOf=2026-11-20&limit=3');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^十一月劳动竞赛 \/ November {2}截至 \/ as of 2026-11-20 {2}版本 \/ version v2 {2}名册 \/ registry v7 {2}计算于 \/ computed 2026-11-20 12:05:35$/,
    );
    expect(lines[1]).toMatch(/^重算中：.*\/ recomputing: /);
    expect(lines.slice(3)).toEqual([
      '名次 Rank  变化  班组 Crew       单位 Unit   分公司 Branch  得分 Score  否决',
      '---------  ----  --------------  ----------  -------------  ----------  --------',
      '        1    ↑2  西湖加油站甲班  西湖加油站  杭州分公司          51.67',
      '        2    ↓1  Crew B          西湖加油站  杭州分公司           8.00',
      '        –     –  西湖加油站乙班  西湖加油站  杭州分公司           0.00  一票否决',
      '… 还有 2 个班组 / 2 more crews (--limit)',
      '',
    ]);
  });

  it.each([
    {
      entrants: 'person',
      person: { id: 'P7', name: '王芳', job: '加油员', crewId: 'C1', crewName: '西湖甲班' },
      crewName: '王芳',
      header: '名次 Rank  变化  姓名 Name  班组 Crew  单位 Unit   分公司 Branch  得分 Score',
      line: '        1    ↑2  王芳       西湖甲班   西湖加油站  杭州分公司          51.67',
      count: '分组 / group overall：9 人 / persons',
    },
    {
      entrants: 'unit',
      person: null,
      crewName: '西湖加油站',
      header: '名次 Rank  变化  单位 Unit   分公司 Branch  得分 Score',
      line: '        1    ↑2  西湖加油站  杭州分公司          51.67',
      count: '分组 / group overall：9 个单位 / units',
    },
  ] as const)(
    'standings of a $entrants-level competition: its entrants in their own columns, times in its time zone',
    async ({ entrants, person, crewName, header, line, count }) => {
      const run = await cli(['standings', 'm11'], {
        'GET /v1/competitions/m11/standings': {
          status: 200,
          body: {
            competitionId: 'm11',
            name: { zh: '技能比武', en: 'Skills' },
            entrants,
            // 04:05:35 UTC is 05:05:35 in Berlin in November (CET), whatever the machine's zone.
            timeZone: 'Europe/Berlin',
            asOf: '2026-11-20',
            computedAt: '2026-11-20T04:05:35.492Z',
            definitionVersion: 2,
            registryVersion: 7,
            recomputing: false,
            group: 'overall',
            total: 9,
            limit: 1,
            offset: 0,
            rows: [
              {
                rank: 1,
                previousRank: 3,
                rankChange: 2,
                crewId: person?.id ?? 'U1',
                crewName,
                unitId: 'U1',
                unitName: '西湖加油站',
                unitType: 'station',
                branchId: 'B1',
                branchName: '杭州分公司',
                headcount: 5,
                score: 51.666,
                disqualified: false,
                vetoes: [],
                indicators: [],
                facts: null,
                sheet: null,
                person,
              },
            ],
          },
        },
      });
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toMatch(/计算于 \/ computed 2026-11-20 05:05:35$/);
      expect(lines[1]).toBe(count);
      expect(lines[2]?.trimEnd()).toBe(`${header}  否决`);
      expect(lines[4]?.trimEnd()).toBe(line);
      expect(lines[5]).toBe(
        `… 还有 8 ${entrants === 'person' ? '人 / 8 more persons' : '个单位 / 8 more units'} (--limit)`,
      );
    },
  );

  it('import of a registry CSV: every bad row with its number, exit 1', async () => {
    const path = join(dir, '组织架构.csv');
    writeFileSync(
      path,
      '分公司编号,分公司名称,单位编号,单位名称,单位类型,班组编号,班组名称,人数\nB1,杭州,U1,西湖,加油站,C1,甲班,abc\n',
    );
    const run = await cli(['import', path, '--dry-run'], {
      'POST /v1/org/import': {
        status: 422,
        body: {
          error: {
            code: 'invalid_rows',
            message: '1 row has problems; nothing was saved',
            details: [
              { row: 2, column: '人数', message: '应为正整数 / must be a whole number' },
              { row: 3, column: null, message: 'empty row' },
            ],
          },
        },
      },
    });
    expect(run.code).toBe(1);
    expect(run.calls[0]?.url).toBe('/v1/org/import?dryRun=true');
    expect(run.calls[0]?.headers['content-type']).toBe('text/csv');
    expect(run.stderr).toMatch(/^ {2}第 2 行 \/ row 2 \[人数\]: 应为正整数 \/ must be a whole number$/m);
    expect(run.stderr).toMatch(/^ {2}第 3 行 \/ row 3: empty row$/m);
  });

  it('import of a registry CSV: counts per kind and the version', async () => {
    const path = join(dir, 'roster.csv');
    writeFileSync(path, '分公司编号,分公司名称\n');
    const counts = (created: number) => ({ created, updated: 0, unchanged: 1 });
    const run = await cli(['import', path], {
      'POST /v1/org/import': {
        status: 200,
        body: {
          dryRun: false,
          sheet: 'roster',
          rows: 4,
          version: 17,
          branches: counts(2),
          units: counts(2),
          crews: counts(4),
          persons: counts(3),
          targets: counts(0),
        },
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/registry version 17/);
    expect(run.stdout).toMatch(/^班组 crews\s+4\s+0\s+1$/m);
    expect(run.stdout).toMatch(/^人员 persons\s+3\s+0\s+1$/m);
  });

  it('tokens create: the token, shown once', async () => {
    const run = await cli(['tokens', 'create', '--name', '杭州 POS', '--role', 'ingest', '--branch', 'B1'], {
      'POST /v1/tokens': {
        status: 201,
        body: {
          id: 'tok_1',
          name: '杭州 POS',
          role: 'ingest',
          branchIds: ['B1'],
          unitIds: [],
          createdAt: '2026-11-24T00:00:00Z',
          createdBy: 'admin',
          revokedAt: null,
          token: 'lbt_secret',
        },
      },
    });
    expect(run.code).toBe(0);
    expect(run.calls[0]?.body).toEqual({ name: '杭州 POS', role: 'ingest', branchIds: ['B1'], unitIds: [] });
    expect(run.stdout).toMatch(/^ {4}lbt_secret$/m);
    expect(run.stdout).toMatch(/只显示这一次，请立即保存 \/ shown once: store it now/);
  });

  it('show: YAML with id first that reads back as the definition', async () => {
    const definition = parse(YAML) as Record<string, unknown>;
    delete definition['id'];
    const run = await cli(['show', 'm11', '--version', '2'], {
      'GET /v1/competitions/m11/versions/2': {
        status: 200,
        body: {
          id: 'm11',
          version: 2,
          savedAt: '2026-11-24T00:00:00Z',
          author: 'admin',
          note: '',
          status: 'current',
          publishedAt: null,
          publishedBy: null,
          publishedNote: null,
          definition,
        },
      },
    });
    expect(run.code).toBe(0);
    const body = run.stdout.split('\n').filter((l) => !l.startsWith('#'));
    expect(body[0]).toBe('id: m11');
    const back = parse(run.stdout) as Record<string, unknown>;
    expect(back['id']).toBe('m11');
    expect(back['period']).toEqual({ start: '2026-11-01', end: '2026-11-30' });
  });
});
