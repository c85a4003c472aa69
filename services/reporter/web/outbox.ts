import { ApiRefusal, NotReached, type ReporterApi } from './api.ts';
import type { DraftStore } from './draft-store.ts';

/** What POST /v1/reports takes (ISSUE17 contract), less the evidence ids the photos get on upload. */
export interface ReportDraftBody {
  reportId: string;
  event: { type: string; crewId: string; occurredAt: string } & Record<string, unknown>;
  location?: string;
  description?: string;
}

export interface DraftPhoto {
  jpeg: Blob;
  thumb: string;
  /** Set once uploaded: a retry after a lost connection does not upload it again. */
  evidenceId?: string;
}

export type DraftState = 'waiting' | 'sending' | 'sent' | 'failed';

export interface Draft {
  reportId: string;
  createdAt: string;
  body: ReportDraftBody;
  photos: DraftPhoto[];
  state: DraftState;
  /** Why the server refused it (failed), or the last reason it could not be reached (waiting). */
  error?: string;
  /** The server's status code of a refusal (401/403: the link was revoked). */
  refusedWith?: number;
}

export interface Outbox {
  /** Keeps the draft on the phone first, then sends it. */
  add(draft: Omit<Draft, 'state'>): Promise<void>;
  /** Property, not method: React's useSyncExternalStore takes it as it is. */
  drafts: () => readonly Draft[];
  /** Sends what waits; called at start, when the browser is back online and on a timer. */
  flush(): Promise<void>;
  /** Calls `listener` after each change; the answer stops that. */
  onChange: (listener: () => void) => () => void;
  /** Forgets the sent ones (their status is in 我的上报 from then on). */
  clearSent(): Promise<void>;
}

export interface OutboxDeps {
  api: ReporterApi;
  store: DraftStore;
  /** Schedules the next try after a failed one. */
  later: (run: () => void, ms: number) => void;
}

const FIRST_RETRY_MS = 2_000;
const LAST_RETRY_MS = 30_000;

export async function createOutbox(deps: OutboxDeps): Promise<Outbox> {
  const { api, store } = deps;
  let drafts = await store.all();
  const listeners = new Set<() => void>();
  let flushing: Promise<void> | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retryPlanned = false;

  async function save(draft: Draft): Promise<void> {
    await store.put(draft);
    drafts = drafts.map((d) => (d.reportId === draft.reportId ? draft : d));
    listeners.forEach((l) => l());
  }

  async function send(draft: Draft): Promise<Draft> {
    let current: Draft = { ...draft, state: 'sending' };
    await save(current);
    const crewId = encodeURIComponent(draft.body.event.crewId);
    for (let i = 0; i < current.photos.length; i++) {
      const photo = current.photos[i];
      if (!photo || photo.evidenceId) continue;
      const stored = await api.send<{ id: string }>('POST', `/v1/evidence?crewId=${crewId}`, photo.jpeg, 'image/jpeg');
      current = { ...current, photos: current.photos.map((p, j) => (j === i ? { ...p, evidenceId: stored.id } : p)) };
      await save(current);
    }
    const evidence = current.photos.map((p) => p.evidenceId ?? '');
    await api.send('POST', '/v1/reports', JSON.stringify({ ...current.body, evidence }), 'application/json');
    return { ...current, state: 'sent', error: undefined };
  }

  function planRetry(): void {
    if (retryPlanned) return;
    retryPlanned = true;
    deps.later(() => {
      retryPlanned = false;
      void flush();
    }, retryMs);
    retryMs = Math.min(LAST_RETRY_MS, retryMs * 2);
  }

  async function flushOnce(): Promise<void> {
    for (const draft of drafts.filter((d) => d.state === 'waiting' || d.state === 'sending')) {
      try {
        await save(await send(draft));
        retryMs = FIRST_RETRY_MS;
      } catch (err) {
        const latest = drafts.find((d) => d.reportId === draft.reportId) ?? draft;
        if (err instanceof ApiRefusal) {
          await save({ ...latest, state: 'failed', error: err.message, refusedWith: err.status });
          continue;
        }
        await save({ ...latest, state: 'waiting', error: err instanceof NotReached ? err.message : String(err) });
        planRetry();
        // The next ones would not get through either; they wait for the same retry.
        return;
      }
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => (flushing = undefined));
    return flushing;
  }

  return {
    async add(draft) {
      const kept: Draft = { ...draft, state: 'waiting' };
      await store.put(kept);
      drafts = [...drafts, kept];
      listeners.forEach((l) => l());
      // A flush already running passes this draft by: run another after it.
      await flush();
      await flush();
    },
    drafts: () => drafts,
    flush,
    onChange: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async clearSent() {
      for (const d of drafts.filter((x) => x.state === 'sent')) await store.remove(d.reportId);
      drafts = drafts.filter((d) => d.state !== 'sent');
      listeners.forEach((l) => l());
    },
  };
}
