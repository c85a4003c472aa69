import { appendFile, rm, stat, truncate } from 'node:fs/promises';
import { MetricEventSchema } from '../../schemas/event.schema.ts';
import { createBatchSender, ImportInterrupted, type BatchItem, type RejectedRecord } from './batch-sender.ts';
import { CommandFailed } from './cli-errors.ts';
import { paint, type Output } from './cli-output.ts';
import { missingFile } from './command-deps.ts';
import { eventColumns } from './events-csv.ts';
import { readCsvHeader, readEventsCsv, readNdjson, type FilePosition, type SourceItem } from './event-source.ts';
import type { HttpClient } from './http-client.ts';
import {
  checkpointPath,
  decideStart,
  readCheckpoint,
  rejectedPath,
  removeCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type ImportCounts,
} from './import-checkpoint.ts';
import { createProgress, formatDuration } from './progress-bar.ts';
import { thousands } from './table.ts';
import { zodIssuesToFieldErrors } from '../shared/errors.ts';

export interface EventsImportDeps {
  http: HttpClient;
  out: Output;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Registers what to say on Ctrl-C (where to resume); returns the unregistration. */
  onInterrupt?: (handler: () => void) => () => void;
}

export interface EventsImportOptions {
  file: string;
  format: 'ndjson' | 'csv';
  batch: number;
  restart: boolean;
  dryRun: boolean;
}

export interface EventsImportSummary {
  lines: number;
  counts: ImportCounts;
  rejectedFile: string | undefined;
  elapsedMs: number;
}

async function fileStat(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch (error) {
    throw missingFile(path, error);
  }
}

/** The items of the file from a position on, NDJSON or CSV; a bad CSV header stops before anything is sent. */
async function openSource(
  out: Output,
  options: EventsImportOptions,
): Promise<{ start: FilePosition; read: (from: FilePosition) => AsyncGenerator<SourceItem> }> {
  if (options.format === 'ndjson') {
    return { start: { offset: 0, line: 0 }, read: (from) => readNdjson(options.file, from) };
  }
  const head = await readCsvHeader(options.file);
  if (head === undefined) {
    out.err(`${options.file}: 文件是空的 / the file is empty`);
    throw new CommandFailed('empty file');
  }
  const columns = eventColumns(head.header);
  if ('problem' in columns) {
    out.err(`${options.file}:1: ${columns.problem}`);
    throw new CommandFailed(columns.problem);
  }
  return { start: head.start, read: (from) => readEventsCsv(options.file, columns.fields, from) };
}

function resumeHint(line: number): string {
  return `已导入到第 ${thousands(line)} 行；重新运行同一命令即可从断点继续 / imported up to line ${thousands(line)}; run the same command again to resume`;
}

/**
 * Streams a historical events file of any size to POST /v1/events in batches, with a
 * checkpoint after every acknowledged batch so an interrupted import resumes where it stopped.
 *
 * A batch that was stored but not yet checkpointed when the process died is sent again on
 * resume: the server identifies events by (crewId, eventId), so it answers them as duplicates
 * and nothing is counted twice.
 */
export async function runEventsImport(
  deps: EventsImportDeps,
  options: EventsImportOptions,
): Promise<EventsImportSummary> {
  const { out } = deps;
  const started = deps.now();
  const file = await fileStat(options.file);
  const source = await openSource(out, options);
  if (options.dryRun) return dryRun(deps, options, source, started);

  const statePath = checkpointPath(options.file);
  const rejectsPath = rejectedPath(options.file);
  const decision = decideStart(await readCheckpoint(statePath), file, options.format, options.restart);
  if (decision.kind === 'refuse') {
    out.err(`${options.file}: ${decision.message}`);
    throw new CommandFailed('checkpoint does not match the file');
  }

  let position: FilePosition = source.start;
  let counts: ImportCounts = { accepted: 0, duplicates: 0, rejected: 0 };
  let rejectedBytes = 0;
  if (decision.kind === 'resume') {
    const { checkpoint } = decision;
    position = { offset: checkpoint.offset, line: checkpoint.line };
    counts = { ...checkpoint.counts };
    rejectedBytes = checkpoint.rejectedBytes;
    // Whatever a crashed run appended after its last checkpoint is written again below.
    await truncate(rejectsPath, rejectedBytes).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    });
    out.err(
      `从第 ${thousands(checkpoint.line + 1)} 行继续 / resuming at line ${thousands(checkpoint.line + 1)} (已接收 accepted ${thousands(counts.accepted)} · 重复 duplicates ${thousands(counts.duplicates)} · 拒绝 rejected ${thousands(counts.rejected)})`,
    );
  } else {
    if (decision.discarded)
      out.err('已丢弃旧的断点，从头导入 / discarded the old checkpoint: importing from the start');
    await rm(rejectsPath, { force: true });
  }

  const progress = createProgress({ out, now: deps.now, bytesTotal: file.size, bytesStart: position.offset });
  const sender = createBatchSender({
    http: deps.http,
    sleep: deps.sleep,
    now: deps.now,
    onWait: (message) => progress.note(message),
  });
  let checkpointed = decision.kind === 'resume';
  let eventsThisRun = 0;
  let lineRead = position.line;
  let offsetRead = position.offset;

  const unregister = deps.onInterrupt?.(() => {
    progress.finish();
    out.err(`已中断 / interrupted. ${checkpointed ? resumeHint(position.line) : ''}`.trim());
  });

  async function writeRejected(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = [...records]
      .sort((a, b) => a.line - b.line)
      .map((r) => JSON.stringify(r))
      .join('\n');
    const chunk = `${text}\n`;
    await appendFile(rejectsPath, chunk);
    rejectedBytes += Buffer.byteLength(chunk);
  }

  /** Sends what was read since the last checkpoint, records the rejected lines, then moves the checkpoint. */
  async function flush(batch: BatchItem[], localRejects: RejectedRecord[], upTo: FilePosition): Promise<void> {
    const result =
      batch.length > 0 ? await sender.send(batch) : { accepted: 0, duplicates: 0, rejected: [] as RejectedRecord[] };
    await writeRejected([...localRejects, ...result.rejected]);
    counts = {
      accepted: counts.accepted + result.accepted,
      duplicates: counts.duplicates + result.duplicates,
      rejected: counts.rejected + localRejects.length + result.rejected.length,
    };
    eventsThisRun += batch.length;
    position = upTo;
    const checkpoint: Checkpoint = {
      version: 1,
      format: options.format,
      size: file.size,
      mtimeMs: file.mtimeMs,
      offset: upTo.offset,
      line: upTo.line,
      rejectedBytes,
      counts,
      savedAt: new Date(deps.now()).toISOString(),
    };
    await saveCheckpoint(statePath, checkpoint);
    checkpointed = true;
    progress.update({ bytesDone: upTo.offset, lines: upTo.line, events: eventsThisRun });
  }

  try {
    let batch: BatchItem[] = [];
    let localRejects: RejectedRecord[] = [];
    let read = 0;
    for await (const item of source.read(position)) {
      lineRead = item.line;
      offsetRead = item.end;
      if ('problem' in item) {
        localRejects.push({
          line: item.line,
          eventId: null,
          errors: [{ path: '', message: item.problem }],
          raw: item.raw,
        });
      } else {
        batch.push({ line: item.line, end: item.end, event: item.event });
      }
      if (batch.length >= options.batch) {
        await flush(batch, localRejects, { offset: item.end, line: item.line });
        batch = [];
        localRejects = [];
      } else if (++read % 500 === 0) {
        progress.update({ bytesDone: item.end, lines: item.line, events: eventsThisRun });
      }
    }
    if (batch.length > 0 || localRejects.length > 0)
      await flush(batch, localRejects, { offset: offsetRead, line: lineRead });
  } catch (error) {
    progress.finish();
    if (error instanceof ImportInterrupted) {
      out.err(`服务器持续不可用，导入已停止 / the server stayed unavailable: import stopped (${error.message})`);
      out.err(checkpointed ? resumeHint(position.line) : '尚未导入任何批次 / no batch was imported yet');
      throw new CommandFailed(error.message);
    }
    if (checkpointed) out.err(resumeHint(position.line));
    throw error;
  } finally {
    unregister?.();
  }
  progress.finish();
  await removeCheckpoint(statePath);
  if (counts.rejected === 0) await rm(rejectsPath, { force: true });
  const summary: EventsImportSummary = {
    lines: lineRead,
    counts,
    rejectedFile: counts.rejected > 0 ? rejectsPath : undefined,
    elapsedMs: deps.now() - started,
  };
  printSummary(out, options.file, summary, eventsThisRun);
  if (counts.rejected > 0) throw new CommandFailed(`${counts.rejected} events rejected`);
  return summary;
}

function printSummary(out: Output, fileName: string, s: EventsImportSummary, eventsThisRun: number): void {
  const p = paint(out.color);
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? thousands(eventsThisRun / seconds) : '–';
  out.out(p.bold(`导入完成 / import finished: ${fileName}`));
  const figures = [s.lines, s.counts.accepted, s.counts.duplicates, s.counts.rejected].map(thousands);
  const width = Math.max(...figures.map((f) => f.length));
  const [lines = '', accepted = '', duplicates = '', rejectedCount = ''] = figures.map((f) => f.padStart(width));
  out.out(`  读取行数 / lines read:   ${lines}`);
  out.out(`  已接收 / accepted:       ${accepted}`);
  out.out(`  重复 / duplicates:       ${duplicates}`);
  const rejected = `  拒绝 / rejected:         ${rejectedCount}`;
  out.out(s.rejectedFile === undefined ? rejected : p.red(`${rejected}  → ${s.rejectedFile}`));
  out.out(`  用时 / elapsed:          ${formatDuration(seconds)}  (${rate} 条/秒 events/s)`);
  if (s.rejectedFile !== undefined) {
    out.out(
      `被拒绝的事件及原因见 ${s.rejectedFile}；修正后可只导入该文件中的事件 / the rejected events and why are in ${s.rejectedFile}: fix them and import them again`,
    );
  }
}

/**
 * --dry-run: reads the whole file and checks every event against the event schema, without
 * sending anything. Unknown crews and duplicates are the server's to judge, so they are not found here.
 */
async function dryRun(
  deps: EventsImportDeps,
  options: EventsImportOptions,
  source: { start: FilePosition; read: (from: FilePosition) => AsyncGenerator<SourceItem> },
  started: number,
): Promise<EventsImportSummary> {
  const { out } = deps;
  let lines = 0;
  let events = 0;
  let bad = 0;
  const SHOWN = 20;
  for await (const item of source.read(source.start)) {
    lines = item.line;
    let problems: string[];
    if ('problem' in item) {
      problems = [item.problem];
    } else {
      events++;
      const result = MetricEventSchema.safeParse(item.event);
      problems = result.success
        ? []
        : zodIssuesToFieldErrors(result.error.issues).map((p) => `${p.path}: ${p.message}`);
    }
    if (problems.length === 0) continue;
    bad++;
    if (bad <= SHOWN) out.err(`${options.file}:${item.line}: ${problems.join('; ')}`);
  }
  if (bad > SHOWN)
    out.err(`… 还有 ${thousands(bad - SHOWN)} 行有问题 / ${thousands(bad - SHOWN)} more lines with problems`);
  out.out(
    `试运行，未发送 / dry run, nothing sent: ${thousands(lines)} 行 lines, ${thousands(events)} 个事件 events, ${thousands(bad)} 行有问题 with problems`,
  );
  out.out(
    '班组是否存在、是否重复由服务器在导入时判断 / unknown crews and duplicates are found by the server on import',
  );
  const summary: EventsImportSummary = {
    lines,
    counts: { accepted: 0, duplicates: 0, rejected: bad },
    rejectedFile: undefined,
    elapsedMs: deps.now() - started,
  };
  if (bad > 0) throw new CommandFailed(`${bad} lines with problems`);
  return summary;
}
