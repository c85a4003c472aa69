import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { Env as ApiEnv, parseConfig } from '../../services/api/config.ts';
import { IngestEnv, parseIngestConfig } from '../../services/ingest/config.ts';

// The production stack (infra/) cannot be started here (no Docker), so this checks that its files
// agree with each other and with the code: paths, users, datasource, variables, versions.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INFRA = join(ROOT, 'infra');
const text = (path: string): string => readFileSync(path, 'utf8');
const yamlFile = (path: string): unknown => parse(text(path), { merge: true }) as unknown;

// ---------------------------------------------------------------------------------------------
// docker-compose.yml, in the forms the stack uses (map environment, list command, short volumes),
// so every value below is seen.

const EnvValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Service = z.object({
  image: z.string(),
  build: z.object({ context: z.string(), dockerfile: z.string().default('Dockerfile') }).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), EnvValue).default({}),
  env_file: z
    .preprocess(
      (v) => (typeof v === 'string' ? [v] : v),
      z.array(z.union([z.string(), z.object({ path: z.string(), required: z.boolean().default(true) })])),
    )
    .default([]),
  volumes: z.array(z.string()).default([]),
  ports: z.array(z.string()).default([]),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).default({}),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
});
const Compose = z.object({
  services: z.record(z.string(), Service),
  volumes: z.record(z.string(), z.null()).default({}),
});
type Service = z.infer<typeof Service>;

const COMPOSE_PATH = join(INFRA, 'docker-compose.yml');
const compose = Compose.parse(yamlFile(COMPOSE_PATH));
const services = Object.entries(compose.services);
function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

interface Mount {
  service: string;
  source: string;
  target: string;
  bind: boolean;
}
const mounts: Mount[] = services.flatMap(([name, s]) =>
  s.volumes.map((v) => {
    const [source = '', target = ''] = v.split(':');
    return { service: name, source, target, bind: /^[./~]/.test(source) };
  }),
);

// Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $VAR; $$ is a dollar.
const INTERPOLATION = /\$(?:(\$)|\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_]\w*))/g;

function interpolatedNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(INTERPOLATION)) {
    const name = m[2] ?? m[5];
    if (name) names.add(name);
  }
  return names;
}

function interpolate(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(
    INTERPOLATION,
    (_all, dollar?: string, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (dollar) return '$';
      const name = braced ?? bare ?? '';
      const set = name in vars;
      const v = vars[name] ?? '';
      if (op === ':-') return v !== '' ? v : (arg ?? '');
      if (op === '-') return set ? v : (arg ?? '');
      if (op === ':+') return v !== '' ? (arg ?? '') : '';
      if (op === '+') return set ? (arg ?? '') : '';
      if ((op === ':?' && v === '') || (op === '?' && !set)) throw new Error(`${name}: ${arg ?? 'required'}`);
      return v;
    },
  );
}

// ---------------------------------------------------------------------------------------------
// .env.example, the ClickHouse XML and the Grafana provisioning files.

const ENV_EXAMPLE_PATH = join(INFRA, '.env.example');
const envExample: Record<string, string> = Object.fromEntries(
  text(ENV_EXAMPLE_PATH)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      return [line.slice(0, eq), line.slice(eq + 1)];
    }),
);
const serviceEnv = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(service(name).environment).map(([k, v]) => [k, interpolate(v, envExample)]));

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Enough of XML for ClickHouse's config files: elements, attributes, text, comments. Throws when tags do not nest. */
function parseXml(source: string): XmlNode {
  const body = source.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const root: XmlNode = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of body.matchAll(tag)) {
    const between = body.slice(last, m.index);
    if (between.includes('<') || between.includes('>')) throw new Error(`malformed markup near: ${between.trim()}`);
    const top = stack[stack.length - 1];
    if (!top) throw new Error('unbalanced tags');
    top.text += between.trim();
    last = m.index + m[0].length;
    const [, closing, name = '', attrText = '', selfClosing] = m;
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attrs = Object.fromEntries([...attrText.matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    const node: XmlNode = { name, attrs, children: [], text: '' };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  const rest = body.slice(last).trim();
  if (stack.length !== 1 || rest !== '')
    throw new Error(`unclosed <${stack[stack.length - 1]?.name ?? '?'}> or trailing text`);
  return root;
}

function child(node: XmlNode | undefined, ...path: string[]): XmlNode | undefined {
  let current = node;
  for (const name of path) current = current?.children.find((c) => c.name === name);
  return current;
}
function walk(node: XmlNode): XmlNode[] {
  return [node, ...node.children.flatMap(walk)];
}

const USERS_XML_PATH = join(INFRA, 'clickhouse/users.d/leaderboard-users.xml');
const CONFIG_XML_PATH = join(INFRA, 'clickhouse/config.d/leaderboard.xml');
const usersXml = (): XmlNode => {
  const root = child(parseXml(text(USERS_XML_PATH)), 'clickhouse');
  if (!root) throw new Error('users XML has no <clickhouse> root');
  return root;
};
const configXml = (): XmlNode | undefined => child(parseXml(text(CONFIG_XML_PATH)), 'clickhouse');

const PROVISIONING = join(INFRA, 'grafana/provisioning');
const Datasources = z.object({
  apiVersion: z.number(),
  datasources: z.array(
    z.object({
      name: z.string(),
      uid: z.string(),
      type: z.string(),
      isDefault: z.boolean().optional(),
      jsonData: z.object({
        host: z.string(),
        port: z.number(),
        protocol: z.enum(['native', 'http']),
        username: z.string(),
        defaultDatabase: z.string(),
      }),
      secureJsonData: z.object({ password: z.string() }),
    }),
  ),
});
const DashboardProviders = z.object({
  apiVersion: z.number(),
  providers: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      folder: z.string(),
      options: z.object({ path: z.string(), foldersFromFilesStructure: z.boolean() }),
    }),
  ),
});
const datasources = () => Datasources.parse(yamlFile(join(PROVISIONING, 'datasources/clickhouse.yaml'))).datasources;
const providers = () => DashboardProviders.parse(yamlFile(join(PROVISIONING, 'dashboards/leaderboard.yaml'))).providers;

/** Grafana expands $VAR, ${VAR} and $__env{VAR} in provisioning files from its own environment. */
function grafanaEnvReference(value: string): string | undefined {
  return /^\$(?:\{(\w+)\}|(\w+)|__env\{(\w+)\})$/.exec(value)?.slice(1).find(Boolean);
}

const imageVersion = (image: string): number[] => (image.split(':')[1] ?? '').split('.').map(Number);
const atLeast = (version: number[], min: number[]): boolean => {
  for (let i = 0; i < min.length; i++) {
    const [v = 0, m = 0] = [version[i], min[i]];
    if (v !== m) return v > m;
  }
  return true;
};

// ---------------------------------------------------------------------------------------------

describe('infra/docker-compose.yml', () => {
  it('parses, with the services of the stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'clickhouse',
      'grafana',
      'ingest',
      'kafka',
      'minio',
      'scoring',
    ]);
  });

  it.each(services.filter(([, s]) => s.build))('%s builds from a context and Dockerfile that exist', (_name, s) => {
    const build = s.build;
    if (!build) throw new Error('no build');
    const context = resolve(INFRA, build.context);
    const dockerfile = join(context, build.dockerfile);
    expect(existsSync(context), context).toBe(true);
    expect(existsSync(dockerfile), dockerfile).toBe(true);
    // What the Dockerfile copies must exist and not be left out of the context by .dockerignore.
    const ignored = existsSync(join(context, '.dockerignore'))
      ? text(join(context, '.dockerignore'))
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '' && !l.startsWith('#'))
      : [];
    const sources = [...text(dockerfile).matchAll(/^COPY\s+(?!--from)(.+?)\s+\S+\s*$/gm)].flatMap((m) =>
      (m[1] ?? '').split(/\s+/),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(context, source)), `COPY ${source}`).toBe(true);
      expect(ignored, `COPY ${source} is excluded by .dockerignore`).not.toContain(source.split('/')[0]);
    }
  });

  it.each(mounts.map((m) => [`${m.service}: ${m.source}`, m] as const))('volume %s exists', (_label, m) => {
    if (m.bind) expect(existsSync(resolve(INFRA, m.source)), resolve(INFRA, m.source)).toBe(true);
    else expect(Object.keys(compose.volumes)).toContain(m.source);
  });

  it('reads env_files that exist or are marked optional', () => {
    for (const [name, s] of services) {
      for (const file of s.env_file) {
        const { path, required } = typeof file === 'string' ? { path: file, required: true } : file;
        if (required) expect(existsSync(resolve(INFRA, path)), `${name}: env_file ${path}`).toBe(true);
      }
    }
  });

  it('starts a service only after the healthcheck of each service it waits for', () => {
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on)) {
        expect(compose.services, `${name} depends on ${dependency}`).toHaveProperty(dependency);
        if (condition === 'service_healthy') expect(service(dependency).healthcheck, dependency).toBeDefined();
      }
    }
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, s] of services.filter(([, s]) => !s.build)) {
      // MinIO names its releases by date and time (RELEASE.2025-09-07T16-13-09Z).
      expect(s.image, name).toMatch(/^[\w./-]+:(\d+(\.\d+)+|RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ)$/);
    }
  });

  it('runs a ClickHouse server that knows the MergeTree settings of the migrations (merge_selector_base: 24.11)', () => {
    const migrations = join(ROOT, 'services/storage/migrations');
    const sql = readdirSync(migrations)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => text(join(migrations, f)))
      .join('\n');
    expect(sql).toContain('merge_selector_base');
    expect(atLeast(imageVersion(service('clickhouse').image), [24, 11])).toBe(true);
  });

  it('runs the Kafka version the project tests against (infra/kafka/pom.xml)', () => {
    const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(text(join(INFRA, 'kafka/pom.xml')))?.[1];
    expect(service('kafka').image).toBe(`apache/kafka:${version ?? '?'}`);
    expect(service('kafka').environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });
});

describe('the leaderboard services', () => {
  const scripts = Object.keys(
    z.object({ scripts: z.record(z.string(), z.string()) }).parse(JSON.parse(text(join(ROOT, 'package.json')))).scripts,
  );
  const table = [
    { name: 'api', script: 'start', known: Object.keys(ApiEnv.shape) },
    { name: 'ingest', script: 'ingest', known: Object.keys(IngestEnv.shape) },
    { name: 'scoring', script: 'scoring', known: Object.keys(ApiEnv.shape) },
  ];

  it.each(table)('$name runs npm script "$script", which package.json has', ({ name, script }) => {
    const command = service(name).command ?? [];
    expect(command).toEqual(script === 'start' ? ['npm', 'start'] : ['npm', 'run', script]);
    expect(scripts).toContain(script);
  });

  it.each(table)('$name is given only variables its configuration reads', ({ name, known }) => {
    expect(Object.keys(service(name).environment).filter((k) => !known.includes(k))).toEqual([]);
  });

  it.each(['api', 'scoring'])('%s accepts its environment and writes to the ClickHouse server of the stack', (name) => {
    const env = serviceEnv(name);
    const config = parseConfig(env);
    const clickhouse = serviceEnv('clickhouse');
    expect(config.clickhouse).toMatchObject({ mode: 'server', database: clickhouse.CLICKHOUSE_DB });
    if (config.clickhouse.mode !== 'server') throw new Error('embedded');
    expect(new URL(config.clickhouse.url).hostname).toBe('clickhouse');
    // The password it sends is the one the ClickHouse container gives its user.
    const user = child(usersXml(), 'users', config.clickhouse.username);
    const passwordVar = child(user, 'password')?.attrs.from_env ?? '?';
    expect(service(name).environment.CLICKHOUSE_PASSWORD).toBe(service('clickhouse').environment[passwordVar]);
    expect(config.kafka?.brokers.map((b) => b.split(':')[0])).toEqual(['kafka']);
    expect(config.host).toBe('0.0.0.0');
  });

  it('api keeps evidence in the MinIO of the stack, as its root user', () => {
    const config = parseConfig(serviceEnv('api'));
    if (config.evidence.store !== 's3') throw new Error(`evidence store ${config.evidence.store}`);
    expect(new URL(config.evidence.s3.endpoint).hostname).toBe('minio');
    const minio = serviceEnv('minio');
    expect([config.evidence.s3.accessKeyId, config.evidence.s3.secretAccessKey]).toEqual([
      minio.MINIO_ROOT_USER,
      minio.MINIO_ROOT_PASSWORD,
    ]);
  });

  it('ingest accepts its environment and reads the registry from the api', () => {
    const config = parseIngestConfig(serviceEnv('ingest'));
    const registry = new URL(config.registryUrl);
    expect([registry.hostname, registry.port, registry.pathname]).toEqual(['api', serviceEnv('api').PORT, '/v1/org']);
    expect(config.kafka.brokers.map((b) => b.split(':')[0])).toEqual(['kafka']);
    // The api answers to the name the ingest service calls it by (its Host check).
    expect(parseConfig(serviceEnv('api')).allowedHosts).toContainEqual({ name: registry.hostname, port: undefined });
  });

  it.each(table)('$name is healthy when its /readyz says so', ({ name }) => {
    expect(service(name).healthcheck?.test.join(' ')).toContain('/readyz');
  });

  it('publishes no fixed port for scoring, so it scales', () => {
    expect(service('scoring').ports).toEqual([]);
  });
});

describe('ClickHouse users (infra/clickhouse)', () => {
  it.each([
    { user: 'leaderboard_writer', grants: /^GRANT ALL ON leaderboard\.\*$/ },
    { user: 'grafana_reader', grants: /^GRANT SELECT ON (leaderboard\.\*|system\.(databases|tables|columns))$/ },
  ])('$user exists, with its password from the environment and grants limited to the database', ({ user, grants }) => {
    const node = child(usersXml(), 'users', user);
    expect(node, user).toBeDefined();
    const password = child(node, 'password');
    expect(password?.attrs.from_env).toMatch(/^\w+$/);
    expect(password?.text).toBe('');
    // The container gets that variable, from infra/.env.
    expect(service('clickhouse').environment).toHaveProperty(password?.attrs.from_env ?? '?');
    const queries = child(node, 'grants')?.children.map((q) => q.text) ?? [];
    expect(queries.length).toBeGreaterThan(0);
    for (const query of queries) expect(query).toMatch(grants);
    expect(queries.some((q) => q.includes(`${serviceEnv('clickhouse').CLICKHOUSE_DB ?? '?'}.*`))).toBe(true);
  });

  it('keeps the passwordless default user to connections from inside the container', () => {
    const networks = child(usersXml(), 'users', 'default', 'networks');
    expect(networks?.attrs.replace).toBe('replace');
    expect(networks?.children.map((ip) => ip.text).sort()).toEqual(['127.0.0.1', '::1']);
  });

  it("gives Grafana's user readonly=1 with max_execution_time changeable, as the plugin needs", () => {
    const profileName = child(usersXml(), 'users', 'grafana_reader', 'profile')?.text ?? '?';
    const profile = child(usersXml(), 'profiles', profileName);
    expect(child(profile, 'readonly')?.text).toBe('1');
    expect(child(profile, 'constraints', 'max_execution_time', 'changeable_in_readonly')).toBeDefined();
    // changeable_in_readonly is honoured only with this server setting.
    const replace = child(configXml(), 'access_control_improvements', 'settings_constraints_replace_previous');
    expect(replace?.text).toBe('true');
  });

  it.each([USERS_XML_PATH, CONFIG_XML_PATH].map((p) => relative(ROOT, p)))('%s holds no password', (path) => {
    const literal = walk(parseXml(text(join(ROOT, path)))).filter((n) => /^password/.test(n.name) && n.text !== '');
    expect(literal.map((n) => n.name)).toEqual([]);
  });
});

describe('Grafana (infra/grafana/provisioning)', () => {
  const grafanaEnv = () => service('grafana').environment;

  it('provisions the ClickHouse datasource the dashboards name', () => {
    const list = datasources();
    expect(Datasources.parse(yamlFile(join(PROVISIONING, 'datasources/clickhouse.yaml'))).apiVersion).toBe(1);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      uid: 'leaderboard-clickhouse',
      type: 'grafana-clickhouse-datasource',
      name: 'ClickHouse 劳动竞赛',
      isDefault: true,
    });
  });

  it('connects the datasource to the clickhouse service, its database and its read-only user', () => {
    const [ds] = datasources();
    if (!ds) throw new Error('no datasource');
    expect(compose.services).toHaveProperty(ds.jsonData.host);
    expect(ds.jsonData.port).toBe(ds.jsonData.protocol === 'native' ? 9000 : 8123);
    expect(ds.jsonData.defaultDatabase).toBe(serviceEnv('clickhouse').CLICKHOUSE_DB);
    const userVar = grafanaEnvReference(ds.jsonData.username) ?? '?';
    const user = grafanaEnv()[userVar] ?? ds.jsonData.username;
    expect(child(usersXml(), 'users', user, 'profile')?.text).toBe('grafana_readonly');
    // The password is an environment reference, and Grafana's variable is the one ClickHouse gives that user.
    const passwordVar = grafanaEnvReference(ds.secureJsonData.password);
    expect(passwordVar, 'secureJsonData.password must be an environment reference').toBeDefined();
    const userPasswordVar = child(usersXml(), 'users', user, 'password')?.attrs.from_env ?? '?';
    expect(grafanaEnv()[passwordVar ?? '?']).toBe(service('clickhouse').environment[userPasswordVar]);
  });

  it('installs the datasource plugin, at a pinned version, with a Grafana that reads GF_PLUGINS_PREINSTALL_SYNC (12.1+)', () => {
    const [ds] = datasources();
    expect(grafanaEnv().GF_PLUGINS_PREINSTALL_SYNC?.split(',')).toContainEqual(
      expect.stringMatching(new RegExp(`^${ds?.type ?? '?'}@\\d+\\.\\d+\\.\\d+$`)),
    );
    expect(atLeast(imageVersion(service('grafana').image), [12, 1])).toBe(true);
  });

  it('reads dashboards from where compose mounts dashboards/json, with the standings as home', () => {
    const provider = providers()[0];
    expect(DashboardProviders.parse(yamlFile(join(PROVISIONING, 'dashboards/leaderboard.yaml'))).apiVersion).toBe(1);
    expect(provider).toMatchObject({ type: 'file', folder: '劳动竞赛 Leaderboard' });
    expect(provider?.options.foldersFromFilesStructure).toBe(false);
    const mount = mounts.find((m) => m.service === 'grafana' && m.target === provider?.options.path);
    expect(mount?.bind, `no bind mount at ${provider?.options.path ?? '?'}`).toBe(true);
    const hostDir = resolve(INFRA, mount?.source ?? '?');
    expect(relative(ROOT, hostDir)).toBe(join('dashboards', 'json'));
    const home = grafanaEnv().GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '?';
    const inMount = relative(provider?.options.path ?? '?', home);
    expect(inMount.startsWith('..') || isAbsolute(inMount), `${home} is outside the mount`).toBe(false);
    const dashboard = z.object({ uid: z.string() }).parse(JSON.parse(text(join(hostDir, inMount))));
    expect(dashboard.uid).toBe('ll-standings');
  });

  it('provisions every datasource the generated dashboards use', () => {
    const dir = join(ROOT, 'dashboards/json');
    const uids = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          const ref = z.object({ type: z.string(), uid: z.string() }).safeParse(v);
          if (key === 'datasource' && ref.success && !['grafana', 'datasource'].includes(ref.data.type)) {
            uids.add(ref.data.uid);
          }
          collect(v);
        }
      }
    };
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) collect(JSON.parse(text(join(dir, file))));
    const provisioned = datasources().map((d) => d.uid);
    expect([...uids].filter((uid) => !uid.startsWith('$') && !provisioned.includes(uid))).toEqual([]);
  });
});

describe('secrets', () => {
  it('passes passwords only as ${...} from infra/.env, never a literal or a default', () => {
    for (const [name, s] of services) {
      for (const [key, value] of Object.entries(s.environment).filter(([k]) => /PASSWORD|SECRET|TOKEN/.test(k))) {
        expect(value, `${name}: ${key}`).toMatch(/^\$\{\w+(:?\?[^}]*)?\}$/);
      }
    }
  });

  it('keeps infra/.env out of git and .env.example in it', () => {
    const ignored = (path: string) =>
      spawnSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: ROOT }).status === 0;
    expect(ignored('infra/.env')).toBe(true);
    expect(ignored('infra/.env.example')).toBe(false);
  });

  it('lists in .env.example every variable compose reads, with placeholders for passwords', () => {
    const used = [...interpolatedNames(text(COMPOSE_PATH))].sort();
    expect(Object.keys(envExample).sort()).toEqual(used);
    for (const [key, value] of Object.entries(envExample).filter(([k]) => /PASSWORD/.test(k))) {
      expect(value, key).toMatch(/^change-me/);
    }
  });
});
