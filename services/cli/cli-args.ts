import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Role } from '../../schemas/access.schema.ts';
import { UsageError } from './cli-errors.ts';
import { CLI_NAME } from './cli-name.ts';

type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/** What the command line asked for, checked and typed; every command module takes one of these. */
export type Invocation =
  | { command: 'help'; topic: string | undefined }
  | { command: 'apply'; file: string; note: string; publish: boolean }
  | {
      command: 'preview';
      file: string | undefined;
      id: string | undefined;
      version: number | undefined;
      asOf: string | undefined;
      limit: number;
    }
  | { command: 'publish'; id: string; version: number | undefined; note: string }
  | { command: 'close'; id: string; period: string; note: string; noticeEndsOn: string | undefined }
  | { command: 'periods'; id: string }
  | { command: 'late'; id: string; period: string }
  | { command: 'history'; id: string }
  | { command: 'show'; id: string; version: number | undefined }
  | {
      command: 'standings';
      id: string;
      asOf: string | undefined;
      group: string | undefined;
      limit: number | undefined;
      period: string | undefined;
      json: boolean;
    }
  | {
      command: 'import';
      file: string;
      kind: 'org' | 'events' | undefined;
      dryRun: boolean;
      batch: number;
      restart: boolean;
    }
  | { command: 'tokens create'; name: string; role: Role; branchIds: string[]; unitIds: string[] }
  | { command: 'tokens list' }
  | { command: 'tokens revoke'; id: string }
  | { command: 'whoami' };

export interface CommandLine {
  invocation: Invocation;
  server: string | undefined;
  token: string | undefined;
}

export const COMMANDS = [
  'apply',
  'preview',
  'publish',
  'close',
  'periods',
  'late',
  'history',
  'show',
  'standings',
  'import',
  'tokens',
  'whoami',
  'help',
] as const;

/** The whole competition period, as the API names it (schemas/competition.schema.ts WHOLE_PERIOD_ID). */
const WHOLE_PERIOD = 'final';
export const DEFAULT_PREVIEW_LIMIT = 30;
export const DEFAULT_BATCH = 2000;
/** The API's default MAX_EVENTS_PER_REQUEST; a larger batch would only come back as 413. */
const MAX_BATCH = 10_000;

const GLOBAL_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies OptionsSpec;

const OPTIONS = {
  apply: {
    file: { type: 'string', short: 'f' },
    message: { type: 'string', short: 'm' },
    publish: { type: 'boolean' },
  },
  preview: {
    file: { type: 'string', short: 'f' },
    version: { type: 'string' },
    'as-of': { type: 'string' },
    limit: { type: 'string' },
  },
  publish: { version: { type: 'string' }, message: { type: 'string', short: 'm' } },
  close: {
    period: { type: 'string' },
    message: { type: 'string', short: 'm' },
    'notice-ends-on': { type: 'string' },
  },
  periods: {},
  late: { period: { type: 'string' } },
  history: {},
  show: { version: { type: 'string' } },
  standings: {
    'as-of': { type: 'string' },
    group: { type: 'string' },
    limit: { type: 'string' },
    period: { type: 'string' },
    json: { type: 'boolean' },
  },
  import: {
    kind: { type: 'string' },
    'dry-run': { type: 'boolean' },
    batch: { type: 'string' },
    restart: { type: 'boolean' },
  },
  tokens: {
    name: { type: 'string' },
    role: { type: 'string' },
    branch: { type: 'string', multiple: true },
    unit: { type: 'string', multiple: true },
  },
  whoami: {},
  help: {},
} satisfies Record<(typeof COMMANDS)[number], OptionsSpec>;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The command is the first word that is neither a flag nor the value of --server / --token. */
function splitCommand(argv: readonly string[]): { command: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--server' || arg === '--token') {
      i++;
      continue;
    }
    if (arg === '--') break;
    if (arg.startsWith('-')) continue;
    return { command: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: [...argv] };
}

function parseFor(command: string, options: OptionsSpec, argv: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    const option = /'([^']+)'/.exec(message)?.[1] ?? message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`${command}: 未知选项 / unknown option ${option}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`${command}: 选项用法不对 / ${message}`);
    }
    throw new UsageError(`${command}: ${message}`);
  }
}

function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function strings(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

function int(values: Values, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}–${max}`;
    throw new UsageError(`--${name} 需要整数 ${range} / --${name} needs a whole number ${range}, got "${text}"`);
  }
  return Number(text);
}

function date(values: Values, name: string): string | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new UsageError(`--${name} 需要日期 YYYY-MM-DD / --${name} needs a date YYYY-MM-DD, got "${text}"`);
  }
  return text;
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(what);
  return value;
}

/** Exactly the positionals a command takes, by name, for the messages. */
function takePositionals(command: string, positionals: string[], names: readonly string[], optional = 0): string[] {
  const min = names.length - optional;
  if (positionals.length < min) {
    throw new UsageError(
      `${command}: 缺少参数 / missing ${names
        .slice(positionals.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (positionals.length > names.length) {
    throw new UsageError(
      `${command}: 多余的参数 / unexpected argument ${positionals
        .slice(names.length)
        .map((p) => `"${p}"`)
        .join(' ')}`,
    );
  }
  return positionals;
}

const isCommand = (name: string): name is (typeof COMMANDS)[number] => (COMMANDS as readonly string[]).includes(name);

/** argv without node and the script. Throws UsageError for anything it cannot run. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const { command, rest } = splitCommand(argv);
  if (command === undefined) {
    const { values } = parseFor(CLI_NAME, {}, rest);
    return {
      invocation: { command: 'help', topic: undefined },
      server: str(values, 'server'),
      token: str(values, 'token'),
    };
  }
  if (!isCommand(command)) {
    throw new UsageError(`未知命令 / unknown command "${command}"; 可用 / available: ${COMMANDS.join(', ')}`);
  }
  const { values, positionals } = parseFor(command, OPTIONS[command], rest);
  const server = str(values, 'server');
  const token = str(values, 'token');
  if (command === 'help' || flag(values, 'help')) {
    const topic = command === 'help' ? positionals[0] : command;
    return { invocation: { command: 'help', topic }, server, token };
  }
  return { invocation: invocationOf(command, values, positionals), server, token };
}

function invocationOf(command: (typeof COMMANDS)[number], values: Values, positionals: string[]): Invocation {
  const note = str(values, 'message') ?? '';
  switch (command) {
    case 'apply':
      takePositionals(command, positionals, []);
      return {
        command,
        file: required(str(values, 'file'), 'apply: 需要 -f <文件> / needs -f <competition.yaml>'),
        note,
        publish: flag(values, 'publish'),
      };
    case 'preview': {
      const [id] = takePositionals(command, positionals, ['id'], 1);
      const file = str(values, 'file');
      const version = int(values, 'version', 1);
      if (file === undefined && (id === undefined || version === undefined)) {
        throw new UsageError(
          'preview: 用 -f <文件> 或 <id> --version N / give -f <competition.yaml> or <id> --version N',
        );
      }
      if (file !== undefined && version !== undefined) {
        throw new UsageError('preview: -f 与 --version 只能选一个 / give either -f or --version, not both');
      }
      return {
        command,
        file,
        id,
        version,
        asOf: date(values, 'as-of'),
        limit: int(values, 'limit', 1) ?? DEFAULT_PREVIEW_LIMIT,
      };
    }
    case 'publish': {
      const [id = ''] = takePositionals(command, positionals, ['id']);
      return { command, id, version: int(values, 'version', 1), note };
    }
    case 'close': {
      const [id = ''] = takePositionals(command, positionals, ['id']);
      return {
        command,
        id,
        period: str(values, 'period') ?? WHOLE_PERIOD,
        note,
        noticeEndsOn: date(values, 'notice-ends-on'),
      };
    }
    case 'periods':
    case 'history': {
      const [id = ''] = takePositionals(command, positionals, ['id']);
      return { command, id };
    }
    case 'whoami':
      takePositionals(command, positionals, []);
      return { command };
    case 'late': {
      const [id = ''] = takePositionals(command, positionals, ['id']);
      return {
        command,
        id,
        period: required(str(values, 'period'), 'late: 需要 --period <阶段> / needs --period <periodId>'),
      };
    }
    case 'show': {
      const [id = ''] = takePositionals(command, positionals, ['id']);
      return { command, id, version: int(values, 'version', 1) };
    }
    case 'standings': {
      const [id = ''] = takePositionals(command, positionals, ['id']);
      const group = str(values, 'group');
      if (group !== undefined && !/^(overall|branch:.+|unit_type:.+)$/.test(group)) {
        throw new UsageError(
          `--group 应为 overall、branch:<分公司> 或 unit_type:<类型> / --group takes overall, branch:<branchId> or unit_type:<type>, got "${group}"`,
        );
      }
      return {
        command,
        id,
        asOf: date(values, 'as-of'),
        group,
        limit: int(values, 'limit', 1, 10_000),
        period: str(values, 'period'),
        json: flag(values, 'json'),
      };
    }
    case 'import': {
      const [file = ''] = takePositionals(command, positionals, ['file']);
      const kind = str(values, 'kind');
      if (kind !== undefined && kind !== 'org' && kind !== 'events') {
        throw new UsageError(`--kind 应为 org 或 events / --kind takes org or events, got "${kind}"`);
      }
      return {
        command,
        file,
        kind,
        dryRun: flag(values, 'dry-run'),
        batch: int(values, 'batch', 1, MAX_BATCH) ?? DEFAULT_BATCH,
        restart: flag(values, 'restart'),
      };
    }
    case 'tokens':
      return tokensInvocation(values, positionals);
    case 'help':
      // Handled before: help never reaches here.
      return { command: 'help', topic: positionals[0] };
  }
}

function tokensInvocation(values: Values, positionals: string[]): Invocation {
  const [sub, ...rest] = positionals;
  switch (sub) {
    case 'create': {
      takePositionals('tokens create', rest, []);
      const name = required(str(values, 'name'), 'tokens create: 需要 --name <名称> / needs --name <name>');
      const roleText = required(
        str(values, 'role'),
        `tokens create: 需要 --role / needs --role ${Role.options.join('|')}`,
      );
      const role = Role.safeParse(roleText);
      if (!role.success) {
        throw new UsageError(
          `--role 应为 ${Role.options.join('、')} / --role takes ${Role.options.join('|')}, got "${roleText}"`,
        );
      }
      return {
        command: 'tokens create',
        name,
        role: role.data,
        branchIds: strings(values, 'branch'),
        unitIds: strings(values, 'unit'),
      };
    }
    case 'list':
      takePositionals('tokens list', rest, []);
      return { command: 'tokens list' };
    case 'revoke': {
      const [id = ''] = takePositionals('tokens revoke', rest, ['id']);
      return { command: 'tokens revoke', id };
    }
    default:
      throw new UsageError(
        sub === undefined
          ? 'tokens: 需要子命令 create、list 或 revoke / needs a subcommand: create, list or revoke'
          : `tokens: 未知子命令 / unknown subcommand "${sub}" (create, list, revoke)`,
      );
  }
}
