import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandFailed } from '../../services/cli/cli-errors.ts';
import { memoryOutput } from '../../services/cli/cli-output.ts';
import { runEventsImport } from '../../services/cli/events-import.ts';
import type { HttpAnswer, HttpClient } from '../../services/cli/http-client.ts';
import {
  checkpointPath,
  decideStart,
  readCheckpoint,
  rejectedPath,
  saveCheckpoint,
  type Checkpoint,
} from '../../services/cli/import-checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-checkpoint-'));
let n = 0;
const fresh = (name: string) => join(dir, `${n++}-${name}`);

const checkpoint = (over: Partial<Checkpoint> = {}): Checkpoint => ({
  version: 1,
  format: 'ndjson',
  size: 1000,
  mtimeMs: 1_795_000_000_000.25,
  offset: 400,
  line: 20,
  rejectedBytes: 0,
  counts: { accepted: 18, duplicates: 1, rejected: 1 },
  savedAt: '2026-11-24T00:00:00.000Z',
  ...over,
});

describe('start decision', () => {
  const file = { size: 1000, mtimeMs: 1_795_000_000_000.25 };
  it.each([
    { name: 'no checkpoint: fresh', found: { kind: 'none' as const }, restart: false, kind: 'fresh' },
    {
      name: 'same size and mtime: resume',
      found: { kind: 'found' as const, checkpoint: checkpoint() },
      restart: false,
      kind: 'resume',
    },
    {
      name: 'file grew: refuse',
      found: { kind: 'found' as const, checkpoint: checkpoint({ size: 900 }) },
      restart: false,
      kind: 'refuse',
    },
    {
      name: 'file touched: refuse',
      found: { kind: 'found' as const, checkpoint: checkpoint({ mtimeMs: 1 }) },
      restart: false,
      kind: 'refuse',
    },
    {
      name: 'file renamed to another format: refuse',
      found: { kind: 'found' as const, checkpoint: checkpoint({ format: 'csv' }) },
      restart: false,
      kind: 'refuse',
    },
    {
      name: 'unreadable checkpoint: refuse',
      found: { kind: 'unreadable' as const, reason: 'x' },
      restart: false,
      kind: 'refuse',
    },
    {
      name: 'file changed but --restart: fresh',
      found: { kind: 'found' as const, checkpoint: checkpoint({ size: 900 }) },
      restart: true,
      kind: 'fresh',
    },
  ])('$name', ({ found, restart, kind }) => {
    const decision = decideStart(found, file, 'ndjson', restart);
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'refuse') expect(decision.message).toMatch(/--restart/);
  });

  it('writes the checkpoint whole (temporary file renamed) and reads it back', async () => {
    const path = fresh('state.json');
    await saveCheckpoint(path, checkpoint());
    await saveCheckpoint(path, checkpoint({ line: 40, offset: 800 }));
    expect(await readCheckpoint(path)).toEqual({ kind: 'found', checkpoint: checkpoint({ line: 40, offset: 800 }) });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    writeFileSync(path, '{"version":1,"line":');
    expect(await readCheckpoint(path)).toMatchObject({ kind: 'unreadable' });
    expect(await readCheckpoint(fresh('missing.json'))).toEqual({ kind: 'none' });
  });
});

/** A server in memory: dedups by eventId, rejects negative volumes (422), can go down after some batches. */
function fakeServer(options: { failAfterBatches?: number } = {}) {
  const stored = new Set<string>();
  let batches = 0;
  const received: string[][] = [];
  const http: HttpClient = {
    serverUrl: 'http://lb.test',
    send: (request) => {
      batches++;
      const events = String(request.body)
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { eventId: string; volume: number });
      received.push(events.map((e) => e.eventId));
      const answer = (status: number, body: unknown): Promise<HttpAnswer> =>
        Promise.resolve({ status, body, retryAfter: null });
      if (options.failAfterBatches !== undefined && batches > options.failAfterBatches) {
        return answer(503, { error: { code: 'unavailable', message: 'storage is down' } });
      }
      const rejected = events.flatMap((e, index) =>
        e.volume < 0 ? [{ index, eventId: e.eventId, errors: [{ path: 'volume', message: 'Too small' }] }] : [],
      );
      if (rejected.length > 0) {
        return answer(422, {
          accepted: 0,
          duplicates: [],
          rejected,
          error: { code: 'validation_failed', message: 'rejected' },
        });
      }
      const duplicates = events.flatMap((e, index) => (stored.has(e.eventId) ? [{ index, eventId: e.eventId }] : []));
      events.forEach((e) => stored.add(e.eventId));
      return answer(200, { accepted: events.length - duplicates.length, duplicates, rejected: [] });
    },
  };
  return { http, stored, received };
}

function eventsFile(name: string, lines: string[]): string {
  const path = fresh(name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const sale = (i: number, volume = 100) => JSON.stringify({ eventId: `e${i}`, crewId: 'C1', type: 'sales', volume });

function deps(http: HttpClient) {
  const out = memoryOutput();
  return { out, http, now: () => 0, sleep: () => Promise.resolve() };
}

describe('events import with checkpoints', () => {
  it('imports in batches, writes rejected lines with their line numbers, and removes the checkpoint at the end', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => sale(i + 1));
    lines[3] = '{broken';
    lines[6] = sale(7, -1);
    const path = eventsFile('events.ndjson', lines);
    const server = fakeServer();
    const d = deps(server.http);
    const error = await runEventsImport(d, {
      file: path,
      format: 'ndjson',
      batch: 4,
      restart: false,
      dryRun: false,
    }).catch((e: unknown) => e);
    // Some events were rejected: the command says so with exit code 1 …
    expect(error).toBeInstanceOf(CommandFailed);
    // … and everything else is stored.
    expect([...server.stored].sort()).toEqual(['e1', 'e10', 'e2', 'e3', 'e5', 'e6', 'e8', 'e9']);
    const rejected = readFileSync(rejectedPath(path), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejected).toEqual([
      {
        line: 4,
        eventId: null,
        errors: [{ path: '', message: expect.stringMatching(/not valid JSON/) }],
        raw: '{broken',
      },
      { line: 7, eventId: 'e7', errors: [{ path: 'volume', message: 'Too small' }], event: JSON.parse(sale(7, -1)) },
    ]);
    expect(existsSync(checkpointPath(path))).toBe(false);
    expect(d.out.stdout()).toMatch(/lines read:\s+10\n.*accepted:\s+8\n.*duplicates:\s+0\n.*rejected:\s+2/s);
  });

  it('stops when the server stays down, then resumes after the last acknowledged batch', async () => {
    const path = eventsFile(
      'resume.ndjson',
      Array.from({ length: 10 }, (_, i) => sale(i + 1)),
    );
    const down = fakeServer({ failAfterBatches: 2 });
    const first = deps(down.http);
    await expect(
      runEventsImport(first, { file: path, format: 'ndjson', batch: 3, restart: false, dryRun: false }),
    ).rejects.toBeInstanceOf(CommandFailed);
    expect(first.out.stderr()).toMatch(/imported up to line 6; run the same command again to resume/);
    expect(await readCheckpoint(checkpointPath(path))).toMatchObject({
      kind: 'found',
      checkpoint: { line: 6, offset: Buffer.byteLength(`${[1, 2, 3, 4, 5, 6].map((i) => sale(i)).join('\n')}\n`) },
    });

    // The server is back (same stored events); the same command goes on from line 7.
    const up = fakeServer();
    ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'].forEach((id) => up.stored.add(id));
    const second = deps(up.http);
    const summary = await runEventsImport(second, {
      file: path,
      format: 'ndjson',
      batch: 3,
      restart: false,
      dryRun: false,
    });
    expect(second.out.stderr()).toMatch(/resuming at line 7/);
    expect(up.received).toEqual([['e7', 'e8', 'e9'], ['e10']]);
    expect(summary.counts).toEqual({ accepted: 10, duplicates: 0, rejected: 0 });
    expect(existsSync(checkpointPath(path))).toBe(false);
  });

  it('a batch resent after a crash is counted as duplicates, and the rejected file is cut back to the checkpoint', async () => {
    const path = eventsFile('crash.ndjson', [sale(1), sale(2, -5), sale(3), sale(4)]);
    const size = statSync(path);
    const server = fakeServer();
    // As a crashed run leaves it: line 2 checkpointed (one rejection written), then line 3 stored
    // and a rejection appended that the checkpoint does not cover.
    const firstReject = `${JSON.stringify({ line: 2, eventId: 'e2', errors: [] })}\n`;
    writeFileSync(rejectedPath(path), `${firstReject}{"line":99,"half-written":`);
    await saveCheckpoint(
      checkpointPath(path),
      checkpoint({
        size: size.size,
        mtimeMs: size.mtimeMs,
        offset: Buffer.byteLength(`${sale(1)}\n${sale(2, -5)}\n`),
        line: 2,
        rejectedBytes: Buffer.byteLength(firstReject),
        counts: { accepted: 1, duplicates: 0, rejected: 1 },
      }),
    );
    server.stored.add('e1');
    server.stored.add('e3');
    const d = deps(server.http);
    await expect(
      runEventsImport(d, { file: path, format: 'ndjson', batch: 10, restart: false, dryRun: false }),
    ).rejects.toBeInstanceOf(CommandFailed);
    expect(server.received).toEqual([['e3', 'e4']]);
    expect(d.out.stdout()).toMatch(/accepted:\s+2\n.*duplicates:\s+1\n.*rejected:\s+1/s);
    expect(readFileSync(rejectedPath(path), 'utf8')).toBe(firstReject);
  });

  it('refuses to resume a file that changed, and starts over with --restart', async () => {
    const path = eventsFile('changed.ndjson', [sale(1), sale(2)]);
    await saveCheckpoint(checkpointPath(path), checkpoint({ size: 5, line: 1, offset: 3 }));
    const server = fakeServer();
    const d = deps(server.http);
    await expect(
      runEventsImport(d, { file: path, format: 'ndjson', batch: 10, restart: false, dryRun: false }),
    ).rejects.toBeInstanceOf(CommandFailed);
    expect(d.out.stderr()).toMatch(/the file changed since the interrupted import .*--restart/s);
    expect(server.received).toEqual([]);

    const again = deps(server.http);
    await runEventsImport(again, { file: path, format: 'ndjson', batch: 10, restart: true, dryRun: false });
    expect(server.received).toEqual([['e1', 'e2']]);
    expect(again.out.stderr()).toMatch(/discarded the old checkpoint/);
  });

  it('--dry-run checks every event against the schema and sends nothing', async () => {
    const path = eventsFile('dry.ndjson', [
      JSON.stringify({
        eventId: 'e1',
        crewId: 'C1',
        type: 'sales',
        occurredAt: '2026-11-03T08:00:00+08:00',
        volume: 1,
        unit: 'litres',
      }),
      JSON.stringify({
        eventId: 'e2',
        crewId: 'C1',
        type: 'sales',
        occurredAt: '2026-11-03T08:00:00',
        volume: -1,
        unit: 'litres',
      }),
    ]);
    const server = fakeServer();
    const d = deps(server.http);
    await expect(
      runEventsImport(d, { file: path, format: 'ndjson', batch: 10, restart: false, dryRun: true }),
    ).rejects.toBeInstanceOf(CommandFailed);
    expect(server.received).toEqual([]);
    expect(d.out.stderr()).toMatch(/dry\.ndjson:2: occurredAt: 缺少时区偏移.*; volume: 必须是不小于 0/);
    expect(existsSync(checkpointPath(path))).toBe(false);
  });
});
