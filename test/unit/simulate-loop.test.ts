import { describe, expect, it } from 'vitest';
import { buildDemoOrg } from '../../services/demo/demo-org.ts';
import { createRng, hashSeed } from '../../services/demo/prng.ts';
import { createSimulateLoop, type Clock, type FetchLike } from '../../services/simulator/simulate-loop.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('simulate loop', () => {
  it('counts what the API answered and re-sends a batch after a 503, unchanged', async () => {
    const abort = new AbortController();
    const bodies: string[] = [];
    // The API's real answers: an overloaded moment, then the ingest report.
    const answers = [
      { status: 503, body: { error: { code: 'unavailable', message: 'try again' } } },
      { status: 200, body: { accepted: 3, duplicates: [{ index: 4, eventId: 'x' }], rejected: [] } },
    ];
    const fetch: FetchLike = (_url, init) => {
      bodies.push(init.body);
      const answer = answers.shift();
      if (!answer) {
        // The operator stops the simulator while the next batch is in flight.
        abort.abort();
        return Promise.reject(new Error('aborted'));
      }
      return Promise.resolve({
        status: answer.status,
        text: () => Promise.resolve(JSON.stringify(answer.body)),
        headers: { get: (name: string) => (name === 'retry-after' ? '0' : null) },
      });
    };
    let now = Date.parse('2026-11-24T02:00:00Z');
    const clock: Clock = { now: () => now, sleep: (ms) => Promise.resolve(void (now += ms)) };
    const loop = createSimulateLoop({
      config: {
        apiUrl: 'http://api.test',
        eventsPerSecond: 10,
        batchSize: 4,
        apiToken: undefined,
        clockStart: undefined,
      },
      org: buildDemoOrg(),
      fetch,
      clock,
      logger: silent,
      rng: createRng(hashSeed('simulate-loop-test')),
    });
    const stats = await loop.run(abort.signal);
    expect(stats).toEqual({ batches: 1, events: 4, accepted: 3, duplicates: 1, retries: 1 });
    expect(bodies[1]).toBe(bodies[0]);
  });
});
