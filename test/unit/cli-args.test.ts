import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../services/cli/cli-args.ts';
import { loadCliConfig } from '../../services/cli/cli-config.ts';
import { UsageError } from '../../services/cli/cli-errors.ts';

describe('leaderboard command line', () => {
  it.each([
    { argv: [], expected: { command: 'help', topic: undefined } },
    { argv: ['--help'], expected: { command: 'help', topic: undefined } },
    { argv: ['help', 'import'], expected: { command: 'help', topic: 'import' } },
    { argv: ['apply', '--help'], expected: { command: 'help', topic: 'apply' } },
    {
      argv: ['apply', '-f', 'c.yaml', '-m', '销量权重', '--publish'],
      expected: { command: 'apply', file: 'c.yaml', note: '销量权重', publish: true },
    },
    { argv: ['apply', '--file=c.yaml'], expected: { command: 'apply', file: 'c.yaml', note: '', publish: false } },
    {
      argv: ['preview', '-f', 'c.yaml', '--as-of', '2026-11-20', '--limit', '5'],
      expected: { command: 'preview', file: 'c.yaml', id: undefined, version: undefined, asOf: '2026-11-20', limit: 5 },
    },
    {
      argv: ['preview', 'm11', '--version', '3'],
      expected: { command: 'preview', file: undefined, id: 'm11', version: 3, asOf: undefined, limit: 30 },
    },
    { argv: ['publish', 'm11'], expected: { command: 'publish', id: 'm11', version: undefined, note: '' } },
    {
      argv: ['close', 'm11'],
      expected: { command: 'close', id: 'm11', period: 'final', note: '', noticeEndsOn: undefined },
    },
    {
      argv: ['close', 'm11', '--period', 'q1', '-m', '审定', '--notice-ends-on', '2027-01-08'],
      expected: { command: 'close', id: 'm11', period: 'q1', note: '审定', noticeEndsOn: '2027-01-08' },
    },
    { argv: ['late', 'm11', '--period', 'q1'], expected: { command: 'late', id: 'm11', period: 'q1' } },
    { argv: ['periods', 'm11'], expected: { command: 'periods', id: 'm11' } },
    { argv: ['history', 'm11'], expected: { command: 'history', id: 'm11' } },
    { argv: ['show', 'm11', '--version', '2'], expected: { command: 'show', id: 'm11', version: 2 } },
    {
      argv: ['standings', 'm11', '--group', 'branch:B1', '--limit', '20', '--json'],
      expected: {
        command: 'standings',
        id: 'm11',
        asOf: undefined,
        group: 'branch:B1',
        limit: 20,
        period: undefined,
        json: true,
      },
    },
    {
      argv: ['import', 'e.ndjson', '--batch', '500', '--restart'],
      expected: { command: 'import', file: 'e.ndjson', kind: undefined, dryRun: false, batch: 500, restart: true },
    },
    {
      argv: ['import', '组织架构.csv', '--kind', 'org', '--dry-run'],
      expected: { command: 'import', file: '组织架构.csv', kind: 'org', dryRun: true, batch: 2000, restart: false },
    },
    {
      argv: [
        'tokens',
        'create',
        '--name',
        'POS',
        '--role',
        'ingest',
        '--branch',
        'B1',
        '--branch',
        'B2',
        '--unit',
        'U9',
      ],
      expected: { command: 'tokens create', name: 'POS', role: 'ingest', branchIds: ['B1', 'B2'], unitIds: ['U9'] },
    },
    { argv: ['tokens', 'list'], expected: { command: 'tokens list' } },
    { argv: ['tokens', 'revoke', 'tok_1'], expected: { command: 'tokens revoke', id: 'tok_1' } },
    { argv: ['whoami'], expected: { command: 'whoami' } },
  ])('$argv', ({ argv, expected }) => {
    expect(parseCommandLine(argv).invocation).toEqual(expected);
  });

  it('takes --server and --token before or after the command', () => {
    expect(parseCommandLine(['--server', 'http://h:1', 'whoami', '--token', 't'])).toEqual({
      invocation: { command: 'whoami' },
      server: 'http://h:1',
      token: 't',
    });
  });

  it.each([
    { argv: ['frobnicate'], message: /unknown command "frobnicate"/ },
    { argv: ['standings', 'm11', '--frob'], message: /unknown option --frob/ },
    { argv: ['standings'], message: /missing <id>/ },
    { argv: ['standings', 'a', 'b'], message: /unexpected argument "b"/ },
    { argv: ['standings', 'm11', '--limit', 'ten'], message: /--limit needs a whole number 1–10000/ },
    { argv: ['standings', 'm11', '--limit', '0'], message: /--limit needs a whole number/ },
    { argv: ['standings', 'm11', '--as-of', '2026-13-45'], message: /--as-of needs a date YYYY-MM-DD/ },
    { argv: ['close', 'm11', '--notice-ends-on', '8 Jan'], message: /--notice-ends-on needs a date YYYY-MM-DD/ },
    { argv: ['standings', 'm11', '--group', 'crew:C1'], message: /--group takes overall/ },
    { argv: ['apply'], message: /needs -f/ },
    { argv: ['apply', '-f'], message: /argument missing/ },
    { argv: ['preview', 'm11'], message: /give -f <competition.yaml> or <id> --version N/ },
    { argv: ['preview', '-f', 'c.yaml', '--version', '2'], message: /either -f or --version/ },
    { argv: ['late', 'm11'], message: /needs --period/ },
    { argv: ['import', 'e.ndjson', '--kind', 'excel'], message: /--kind takes org or events/ },
    { argv: ['import', 'e.ndjson', '--batch', '20000'], message: /--batch needs a whole number 1–10000/ },
    { argv: ['tokens'], message: /needs a subcommand/ },
    {
      argv: ['tokens', 'create', '--name', 'x', '--role', 'root'],
      message: /--role takes admin\|organiser\|ingest\|viewer/,
    },
    { argv: ['tokens', 'create', '--role', 'admin'], message: /needs --name/ },
    { argv: ['tokens', 'revoke'], message: /missing <id>/ },
  ])('$argv is a usage error', ({ argv, message }) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

describe('CLI configuration', () => {
  it.each([
    { env: {}, flags: {}, expected: { serverUrl: 'http://127.0.0.1:3000', token: undefined, noColor: false } },
    {
      env: { LEADERBOARD_URL: 'https://lb.example.cn/', LEADERBOARD_TOKEN: 'lbt_x', NO_COLOR: '1' },
      flags: {},
      expected: { serverUrl: 'https://lb.example.cn', token: 'lbt_x', noColor: true },
    },
    {
      env: { LEADERBOARD_URL: 'https://lb.example.cn', LEADERBOARD_TOKEN: 'lbt_x' },
      flags: { server: 'http://10.0.0.2:3000', token: 'lbt_y' },
      expected: { serverUrl: 'http://10.0.0.2:3000', token: 'lbt_y', noColor: false },
    },
    {
      env: { LEADERBOARD_URL: '', LEADERBOARD_TOKEN: '' },
      flags: {},
      expected: { serverUrl: 'http://127.0.0.1:3000', token: undefined, noColor: false },
    },
  ])('$env $flags', ({ env, flags, expected }) => {
    expect(loadCliConfig(env, flags)).toEqual(expected);
  });

  it('refuses a server that is not a URL, naming where it came from', () => {
    expect(() => loadCliConfig({ LEADERBOARD_URL: 'lb.example.cn' }, {})).toThrow(/LEADERBOARD_URL/);
    expect(() => loadCliConfig({}, { server: 'ftp://x' })).toThrow(/--server needs an http\(s\) URL/);
  });
});
