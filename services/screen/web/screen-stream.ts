/**
 * The live connection: one EventSource, and when the server refuses it (EventSource gives up
 * on any non-200) a plain GET of the data endpoint to learn why. 401/403 end the screen; any
 * other failure retries with backoff forever, because a canteen TV has nobody to press F5.
 */
import type { ScreenData } from '../../../schemas/screen.schema.ts';
import { backoffMs, failureKind } from './connection-state.ts';
import { asScreenData, errorOf, parseScreenData } from './screen-data-guard.ts';

const PROBE_TIMEOUT_MS = 15_000;

export interface StreamHandlers {
  data(data: ScreenData): void;
  /** anything arrived: standings or ping, with the server's time when it says */
  heard(serverTime?: string): void;
  down(): void;
  revoked(error: { code: string; message: string } | null): void;
}

export interface StreamUrls {
  stream: string;
  data: string;
}

export interface Stream {
  stop(): void;
  /** Reopen if the stream looks open but has been silent this long (a half-dead proxy). */
  checkSilence(now: number, lastHeardAt: number | null, silentMs: number): void;
}

export function openStream(urls: StreamUrls, on: StreamHandlers): Stream {
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let openedAt = 0;
  let stopped = false;

  function onStandings(event: MessageEvent<unknown>): void {
    const data = typeof event.data === 'string' ? parseScreenData(event.data) : null;
    attempt = 0;
    on.heard();
    if (data) on.data(data);
  }
  function onPing(event: MessageEvent<unknown>): void {
    attempt = 0;
    let serverTime: string | undefined;
    try {
      const ping: unknown = typeof event.data === 'string' ? JSON.parse(event.data) : null;
      const time =
        typeof ping === 'object' && ping !== null ? (ping as { serverTime?: unknown }).serverTime : undefined;
      serverTime = typeof time === 'string' ? time : undefined;
    } catch {
      serverTime = undefined;
    }
    on.heard(serverTime);
  }
  function onRevoked(event: MessageEvent<unknown>): void {
    let error: { code: string; message: string } | null;
    try {
      error = typeof event.data === 'string' ? errorOf(JSON.parse(event.data)) : null;
    } catch {
      error = null;
    }
    stop();
    on.revoked(error);
  }
  function onError(): void {
    on.down();
    if (source && source.readyState === EventSource.CLOSED) {
      close();
      void probe();
    }
    // Otherwise (CONNECTING) the browser retries by itself.
  }

  function open(): void {
    if (stopped) return;
    close();
    // The same monotonic clock as checkSilence's `now` (the page's ticks()).
    openedAt = performance.now();
    const es = new EventSource(urls.stream);
    // Named handlers on an EventSource that is dropped as a whole: nothing accumulates.
    es.addEventListener('standings', onStandings);
    es.addEventListener('ping', onPing);
    es.addEventListener('revoked', onRevoked);
    es.onerror = onError;
    source = es;
  }

  function close(): void {
    if (!source) return;
    source.removeEventListener('standings', onStandings);
    source.removeEventListener('ping', onPing);
    source.removeEventListener('revoked', onRevoked);
    source.onerror = null;
    source.close();
    source = null;
  }

  function retryLater(): void {
    if (stopped) return;
    if (retryTimer !== null) clearTimeout(retryTimer);
    const delay = backoffMs(attempt);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      open();
    }, delay);
  }

  async function probe(): Promise<void> {
    let status: number | null;
    let body: unknown = null;
    // A proxy that accepts the request and never answers would hang this fetch, and with it the
    // retries, for good: give up after a while and try again like any other failure.
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const abortTimer = setTimeout(() => controller?.abort(), PROBE_TIMEOUT_MS);
    try {
      const response = await fetch(urls.data, {
        cache: 'no-store',
        headers: { accept: 'application/json' },
        signal: controller?.signal,
      });
      status = response.status;
      body = await response.json().catch(() => null);
    } catch {
      status = null;
    } finally {
      clearTimeout(abortTimer);
    }
    if (stopped) return;
    if (status !== null && failureKind(status) === 'revoked') {
      stop();
      on.revoked(errorOf(body));
      return;
    }
    if (status === 200 && body !== null) {
      // The data answered though the stream did not: show it, then try the stream again.
      const data = asScreenData(body);
      if (data) {
        on.heard();
        on.data(data);
      }
    }
    retryLater();
  }

  function stop(): void {
    stopped = true;
    close();
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  }

  open();

  return {
    stop,
    checkSilence(now, lastHeardAt, silentMs) {
      if (stopped || !source || source.readyState !== EventSource.OPEN) return;
      const since = Math.max(lastHeardAt ?? 0, openedAt);
      if (now - since > silentMs) {
        on.down();
        open();
      }
    },
  };
}
