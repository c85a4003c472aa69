import type { Logger } from 'pino';
import type { ScreenData } from '../../schemas/screen.schema.ts';
import { competitionsOf, type ResolvedScreen, type ScreenCatalog } from './screen-catalog.ts';

/** One open stream: a screen page on a TV. */
export interface ScreenClient {
  linkId: string;
  /** Writes an SSE chunk; false when the client is too far behind to take it (it gets the next). */
  write(chunk: string): boolean;
  end(): void;
}

export interface ScreenHub {
  /** Adds a stream and sends it the screen's current data. */
  join(screenId: string, crewId: string | undefined, client: ScreenClient): Promise<void>;
  leave(client: ScreenClient): void;
  /** New standings of a competition: every screen showing it is rebuilt once and pushed. */
  competitionChanged(competitionId: string): void;
  screenChanged(screenId: string): void;
  /** Tells the streams opened with a link that it was revoked, and ends them. */
  linkRevoked(linkId: string): void;
  streams(): number;
  /** Ends every stream (on shutdown, so the server can close). */
  close(): void;
}

export interface ScreenHubDeps {
  screens: Pick<ScreenCatalog, 'screen'>;
  build: (screen: ResolvedScreen, crewId: string | undefined) => Promise<ScreenData>;
  logger: Logger;
  heartbeatMs: number;
  now: () => Date;
}

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface Audience {
  screenId: string;
  crewId: string | undefined;
  clients: Set<ScreenClient>;
  /** The last standings event sent, for streams that join later. */
  last: string | undefined;
  building: Promise<void> | undefined;
  /** Standings changed while building: build again when done. */
  dirty: boolean;
}

/**
 * Streams screen data to the pages. Streams of the same screen (and crew) form one audience:
 * a change builds its data once and sends the same bytes to every TV, and changes arriving
 * during a build coalesce into one more build.
 */
export function createScreenHub(deps: ScreenHubDeps): ScreenHub {
  const audiences = new Map<string, Audience>();
  const audienceOf = new Map<ScreenClient, Audience>();

  const heartbeat = setInterval(() => {
    if (audienceOf.size === 0) return;
    const ping = sseEvent('ping', { serverTime: deps.now().toISOString() });
    for (const client of audienceOf.keys()) client.write(ping);
  }, deps.heartbeatMs);
  heartbeat.unref();

  function broadcast(audience: Audience, chunk: string): void {
    for (const client of audience.clients) client.write(chunk);
  }

  function refresh(audience: Audience): Promise<void> {
    if (audience.building) {
      audience.dirty = true;
      return audience.building;
    }
    const run = async () => {
      do {
        audience.dirty = false;
        const screen = deps.screens.screen(audience.screenId);
        if (!screen) return;
        try {
          audience.last = sseEvent('standings', await deps.build(screen, audience.crewId));
          broadcast(audience, audience.last);
        } catch (err) {
          // The pages keep what they show; their stale mark tells viewers if this lasts.
          deps.logger.warn({ err, screenId: audience.screenId }, 'screen data could not be built');
          if (audience.last === undefined) {
            // These pages have nothing to show yet, and pings alone would keep them waiting until
            // the standings next change (maybe tomorrow): end their streams, so they reconnect
            // (EventSource retries in 2 s) and ask for the data again.
            for (const client of [...audience.clients]) {
              client.end();
              leave(client);
            }
          }
        }
      } while (audience.dirty && audience.clients.size > 0);
    };
    audience.building = run().finally(() => (audience.building = undefined));
    return audience.building;
  }

  function forEachAudience(match: (a: Audience, screen: ResolvedScreen) => boolean): void {
    for (const audience of audiences.values()) {
      const screen = deps.screens.screen(audience.screenId);
      if (screen && match(audience, screen)) void refresh(audience);
    }
  }

  function leave(client: ScreenClient): void {
    const audience = audienceOf.get(client);
    if (!audience) return;
    audienceOf.delete(client);
    audience.clients.delete(client);
    if (audience.clients.size === 0) audiences.delete(`${audience.screenId}\u0000${audience.crewId ?? ''}`);
  }

  return {
    async join(screenId, crewId, client) {
      const key = `${screenId}\u0000${crewId ?? ''}`;
      let audience = audiences.get(key);
      if (!audience) {
        audience = { screenId, crewId, clients: new Set(), last: undefined, building: undefined, dirty: false };
        audiences.set(key, audience);
      }
      audience.clients.add(client);
      audienceOf.set(client, audience);
      // The server's time first: the page keeps its clock by it, not by the TV box's.
      client.write(sseEvent('ping', { serverTime: deps.now().toISOString() }));
      // A build under way sends to every client of the audience when it is done, this one included.
      if (audience.building) await audience.building;
      else if (audience.last) client.write(audience.last);
      else await refresh(audience);
    },
    leave,
    competitionChanged(competitionId) {
      forEachAudience((_, screen) => competitionsOf(screen.definition).includes(competitionId));
    },
    screenChanged(screenId) {
      forEachAudience((audience) => audience.screenId === screenId);
    },
    linkRevoked(linkId) {
      for (const client of [...audienceOf.keys()]) {
        if (client.linkId !== linkId) continue;
        client.write(
          sseEvent('revoked', {
            error: { code: 'display_token_revoked', message: '显示链接已撤销 / this display link was revoked' },
          }),
        );
        client.end();
        leave(client);
      }
    },
    streams: () => audienceOf.size,
    close() {
      clearInterval(heartbeat);
      for (const client of [...audienceOf.keys()]) {
        client.end();
        leave(client);
      }
    },
  };
}
