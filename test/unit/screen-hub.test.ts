import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScreenData } from '../../schemas/screen.schema.ts';
import type { ResolvedScreen } from '../../services/screen/screen-catalog.ts';
import { createScreenHub, type ScreenClient, type ScreenHub } from '../../services/screen/screen-hub.ts';

const screen = {
  id: 's',
  version: 1,
  savedAt: null,
  builtIn: false,
  definition: { views: [] },
} as unknown as ResolvedScreen;

function client(linkId = 'link-1') {
  const chunks: string[] = [];
  const pings: string[] = [];
  let ended = false;
  const c: ScreenClient & { chunks: string[]; pings: string[]; ended: () => boolean } = {
    linkId,
    chunks,
    pings,
    // Standings only: pings (one on joining, with the server's time) are counted apart.
    write: (chunk) => (chunk.startsWith('event: ping') ? pings.push(chunk) : chunks.push(chunk), true),
    end: () => void (ended = true),
    ended: () => ended,
  };
  return c;
}

describe('screen hub', () => {
  let hub: ScreenHub | undefined;
  afterEach(() => hub?.close());

  it('does not leave a page waiting on pings when its first data could not be built', async () => {
    let fail = true;
    hub = createScreenHub({
      screens: { screen: () => screen },
      build: async () => {
        if (fail) throw new Error('clickhouse is away');
        return { views: [] } as unknown as ScreenData;
      },
      logger: pino({ level: 'silent' }),
      heartbeatMs: 60_000,
      now: () => new Date(0),
    });
    const tv = client();
    await hub.join('s', undefined, tv);
    // Nothing was sent: the stream ends so the page reconnects and asks again.
    expect(tv.chunks).toEqual([]);
    expect(tv.ended()).toBe(true);
    expect(hub.streams()).toBe(0);

    fail = false;
    const again = client();
    await hub.join('s', undefined, again);
    expect(again.chunks.join('')).toContain('event: standings');
    // The page sets its clock by the server's time, sent first, not after a heartbeat.
    expect(again.pings).toEqual(['event: ping\ndata: {"serverTime":"1970-01-01T00:00:00.000Z"}\n\n']);
    expect(again.ended()).toBe(false);
    expect(hub.streams()).toBe(1);
  });

  it('builds once for TVs that join together, and once more per burst of changes', async () => {
    let builds = 0;
    let release: () => void = () => undefined;
    hub = createScreenHub({
      screens: { screen: () => ({ ...screen, definition: { views: [{ competitionId: 'c' }] } }) as ResolvedScreen },
      build: async () => {
        builds++;
        await new Promise<void>((resolve) => (release = resolve));
        return { views: [], generatedAt: String(builds) } as unknown as ScreenData;
      },
      logger: pino({ level: 'silent' }),
      heartbeatMs: 60_000,
      now: () => new Date(0),
    });
    const first = client();
    const second = client();
    const joined = Promise.all([hub.join('s', undefined, first), hub.join('s', undefined, second)]);
    release();
    await joined;
    expect(builds).toBe(1);
    expect(first.chunks).toHaveLength(1);
    expect(second.chunks).toEqual(first.chunks);

    // Three changes while a build runs: one more build after it, not three.
    hub.competitionChanged('c');
    hub.competitionChanged('c');
    hub.competitionChanged('c');
    hub.competitionChanged('other');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(builds).toBe(3);
    expect(first.chunks).toHaveLength(3);
  });
});
