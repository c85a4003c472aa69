/**
 * npm run bench:screen: one big screen (大屏) in Debian's Chromium at 1920x1080 against the product
 * started as `npm start` (demo data, fresh DATA_DIR). Prints
 *  1. latency from POST /v1/events to the page's DOM showing the new leader, for events that
 *     change the top of the table (p50/p95/max, with when the SSE message arrived and the next frame);
 *  2. memory over "a day" of updates, compressed: BENCH_UPDATES (default 2,000) updates, each sent
 *     as soon as the page got the previous one; every 250 the page's JS heap after a forced GC,
 *     its DOM counters and the server's RSS.
 * BENCH_HEAP_SNAPSHOTS=1 also diffs two page heap snapshots (after warm-up and at the end) by
 * constructor. Figures only; nothing here asserts on timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { freePort, getJson, spawnService, type Service } from '../support/spawn-service.ts';
import { waitFor } from '../support/test-leaderboard.ts';

const UPDATES = Number(process.env['BENCH_UPDATES'] ?? 2_000);
const LATENCY_SAMPLES = Number(process.env['BENCH_LATENCY_SAMPLES'] ?? 50);
const SAMPLE_EVERY = 250;
const HEAP_SNAPSHOTS = process.env['BENCH_HEAP_SNAPSHOTS'] === '1';
const COMPETITION = 'wbyc-2026q4';
const SCREEN = 'bench';

interface Row {
  rank: number | null;
  crewId: string;
  score: number;
}
interface BenchHook {
  standings: number;
  lastStandingsAt: number;
  /** Resolves with the time the page DOM first shows `crewId` first with data-rank 1. */
  armLeader(crewId: string): void;
  leader: Promise<{ dom: number; frame: number; sse: number }> | null;
  /** Resolves once more than `count` standings messages arrived. */
  after(count: number): Promise<number>;
}
declare global {
  interface Window {
    __bench: BenchHook;
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-screen-bench-'));
let api: Service | undefined;
let browser: Browser | undefined;
let base = '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

let sent = 0;
function sales(crewId: string, volume: number): Record<string, unknown> {
  return {
    eventId: `bench-${++sent}`,
    crewId,
    type: 'sales',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    volume,
    unit: 'litres',
  };
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(0).padStart(5);
  return `p50 ${f(quantile(sorted, 0.5))}  p95 ${f(quantile(sorted, 0.95))}  max ${f(sorted.at(-1) ?? NaN)} ms`;
}

async function serverRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** Installed before the page's own script: counts standings messages, watches the rows. */
function installHook(): void {
  const hook = {
    standings: 0,
    lastStandingsAt: 0,
    waiters: [] as { count: number; resolve: (n: number) => void }[],
    leader: null as BenchHook['leader'],
    leaderCheck: null as (() => void) | null,
    armLeader(crewId: string): void {
      hook.leader = new Promise((resolve) => {
        hook.leaderCheck = () => {
          const first = document.querySelector<HTMLElement>('#rows [data-crew-id]');
          if (first?.dataset['crewId'] !== crewId || first.dataset['rank'] !== '1') return;
          const dom = Date.now();
          hook.leaderCheck = null;
          // The frame that paints the change: the next animation frame after the DOM has it.
          requestAnimationFrame(() => resolve({ dom, frame: Date.now(), sse: hook.lastStandingsAt }));
        };
      });
    },
    after(count: number): Promise<number> {
      if (hook.standings > count) return Promise.resolve(hook.standings);
      return new Promise((resolve) => hook.waiters.push({ count, resolve }));
    },
  };
  window.__bench = hook;
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      this.addEventListener('standings', () => {
        hook.standings += 1;
        hook.lastStandingsAt = Date.now();
        const ready = hook.waiters.filter((w) => hook.standings > w.count);
        hook.waiters = hook.waiters.filter((w) => hook.standings <= w.count);
        for (const w of ready) w.resolve(hook.standings);
      });
    }
  };
  const observer = new MutationObserver(() => hook.leaderCheck?.());
  document.addEventListener('DOMContentLoaded', () => {
    const rows = document.getElementById('rows');
    if (rows) observer.observe(rows, { childList: true, subtree: true, attributes: true });
  });
}

interface Sample {
  updates: number;
  heapKb: number;
  documents: number;
  nodes: number;
  listeners: number;
  rssKb: number;
  seconds: number;
}

async function sample(cdp: CDPSession, pid: number, updates: number, started: number): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  return {
    updates,
    heapKb: Math.round(heap.usedSize / 1024),
    documents: dom.documents,
    nodes: dom.nodes,
    listeners: dom.jsEventListeners,
    rssKb: await serverRssKb(pid),
    seconds: (Date.now() - started) / 1000,
  };
}

/** Constructor name → [count, self size] from a .heapsnapshot taken over CDP. */
async function heapSnapshot(cdp: CDPSession): Promise<Map<string, [number, number]>> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt] ?? 0] ?? '?';
    const name = type === 'object' || type === 'native' ? (snap.strings[snap.nodes[i + nameAt] ?? 0] ?? '?') : type;
    const key = `${type}:${name.slice(0, 60)}`;
    const entry = out.get(key) ?? [0, 0];
    entry[0] += 1;
    entry[1] += snap.nodes[i + sizeAt] ?? 0;
    out.set(key, entry);
  }
  return out;
}

function printSnapshotDiff(before: Map<string, [number, number]>, after: Map<string, [number, number]>): void {
  const rows = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
    const [c0, s0] = before.get(key) ?? [0, 0];
    const [c1, s1] = after.get(key) ?? [0, 0];
    return { key, count: c1 - c0, bytes: s1 - s0 };
  });
  rows.sort((a, b) => Math.abs(b.bytes) - Math.abs(a.bytes));
  console.log('\npage heap snapshot diff (end minus after warm-up), by constructor, largest change first:');
  for (const r of rows.slice(0, 15)) {
    console.log(`  ${r.key.padEnd(64)} ${String(r.count).padStart(8)} objects ${String(r.bytes).padStart(10)} bytes`);
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const service = spawnService('services/api/main.ts', { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
  api = service;
  const pid = service.child.pid ?? 0;
  [browser] = await Promise.all([launchChromium(), waitFor(() => getJson(base, '/readyz'), 120_000, 200)]);

  await call('PUT', `/v1/screens/${SCREEN}`, {
    name: { zh: '基准', en: 'bench' },
    views: [{ kind: 'ranking', competitionId: COMPETITION, limit: 20, seconds: 600 }],
  });
  const { token } = await call<{ token: string }>('POST', `/v1/screens/${SCREEN}/links`, { label: 'bench' });
  const org = await call<{ targets: { competitionId: string; crewId: string; metric: string; value: number }[] }>(
    'GET',
    '/v1/org',
  );
  const target = new Map(
    org.targets
      .filter((t) => t.competitionId === COMPETITION && t.metric === 'sales.volume_litres')
      .map((t) => [t.crewId, t.value]),
  );
  const rows = async (): Promise<Row[]> =>
    (await call<{ views: { rows: Row[] }[] }>('GET', `/v1/screens/${SCREEN}/data?token=${token}`)).views[0]?.rows ?? [];

  const page: Page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.addInitScript(installHook);
  await page.goto(`${base}/screens/${SCREEN}?token=${token}`);
  await page.waitForSelector('body[data-connection="live"] [data-crew-id]');
  const cdp = await page.context().newCDPSession(page);
  const standings = () => page.evaluate(() => window.__bench.standings);

  // 1. Latency: each event makes the crew in 2nd or 3rd place the new leader, by a little.
  console.log(`latency: ${LATENCY_SAMPLES} events, each putting a new crew first (POST -> DOM)`);
  const total: number[] = [];
  const sse: number[] = [];
  const frame: number[] = [];
  const postMs: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const now = await rows();
    const leader = now[0];
    const challenger = now[1 + (i % 2)];
    if (!leader || !challenger) throw new Error('the screen has fewer than three rows');
    // Volume points are 40 at the crew's target (0.5 per percent above it): litres per point ≤ target/40.
    const gap = leader.score - challenger.score + 0.2;
    const volume = Math.ceil((gap * (target.get(challenger.crewId) ?? 1_000_000)) / 40);
    await page.evaluate((crewId) => window.__bench.armLeader(crewId), challenger.crewId);
    const t0 = Date.now();
    await call('POST', '/v1/events', [sales(challenger.crewId, volume)]);
    postMs.push(Date.now() - t0);
    const seen = await page.evaluate(() => window.__bench.leader);
    if (!seen) throw new Error('the leader hook was not armed');
    total.push(seen.dom - t0);
    sse.push(seen.sse - t0);
    frame.push(seen.frame - t0);
  }
  console.log(`  POST answered   ${summary(postMs)}`);
  console.log(`  SSE at page     ${summary(sse)}`);
  console.log(`  DOM shows it    ${summary(total)}`);
  console.log(`  next frame      ${summary(frame)}`);

  // 2. A day of updates, compressed: the next event as soon as the page has the last standings.
  console.log(`\nmemory: ${UPDATES} updates, samples after a forced GC every ${SAMPLE_EVERY}`);
  const crews = (await rows()).map((r) => r.crewId);
  const all = [...target.keys()];
  const samples: Sample[] = [];
  const started = Date.now();
  let before: Map<string, [number, number]> | undefined;
  samples.push(await sample(cdp, pid, 0, started));
  const perUpdate: number[] = [];
  for (let i = 1; i <= UPDATES; i++) {
    // Mostly crews on the screen (rows change and reorder), now and then one off it.
    const crewId = i % 5 === 0 ? (all[(i * 7) % all.length] ?? '') : (crews[(i * 13) % crews.length] ?? '');
    const volume = 2_000 + ((i * 7919) % 9_000);
    const count = await standings();
    const t0 = Date.now();
    await call('POST', '/v1/events', [sales(crewId, volume)]);
    await page.evaluate((n) => window.__bench.after(n), count);
    perUpdate.push(Date.now() - t0);
    if (i % SAMPLE_EVERY === 0 || i === UPDATES) {
      samples.push(await sample(cdp, pid, i, started));
      if (HEAP_SNAPSHOTS && i === SAMPLE_EVERY) before = await heapSnapshot(cdp);
    }
  }
  console.log(`  one update (POST -> standings at page): ${summary(perUpdate)}`);
  console.log('\n  updates  seconds  page heap KB  documents  nodes  listeners  server RSS MB');
  for (const s of samples) {
    console.log(
      `  ${String(s.updates).padStart(7)}  ${s.seconds.toFixed(0).padStart(7)}  ${String(s.heapKb).padStart(12)}` +
        `  ${String(s.documents).padStart(9)}  ${String(s.nodes).padStart(5)}  ${String(s.listeners).padStart(9)}` +
        `  ${(s.rssKb / 1024).toFixed(1).padStart(13)}`,
    );
  }
  // Growth from the first sample after warm-up (the first 250 updates) to the last.
  const first = samples.find((s) => s.updates >= SAMPLE_EVERY) ?? samples[0];
  const last = samples.at(-1);
  if (first && last && last !== first) {
    const n = last.updates - first.updates;
    const kbPer1000 = (d: number) => ((d / n) * 1000).toFixed(1);
    console.log(
      `\n  growth ${first.updates} -> ${last.updates} updates: page heap ${last.heapKb - first.heapKb} KB ` +
        `(${kbPer1000(last.heapKb - first.heapKb)} KB per 1,000), DOM nodes ${last.nodes - first.nodes}, ` +
        `listeners ${last.listeners - first.listeners}, documents ${last.documents - first.documents}, ` +
        `server RSS ${((last.rssKb - first.rssKb) / 1024).toFixed(1)} MB ` +
        `(${(((last.rssKb - first.rssKb) / 1024 / n) * 1000).toFixed(1)} MB per 1,000)`,
    );
  }
  if (before) printSnapshotDiff(before, await heapSnapshot(cdp));
  await cdp.detach();
}

try {
  await main();
} finally {
  await browser?.close();
  await api?.stop('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
