import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRegistryFollower } from '../../services/ingest/registry-follower.ts';

describe('the ingest service’s registry follower', () => {
  it('places crews of a registry saved before today’s input rules (a name they refuse now)', async () => {
    const served = {
      groupName: '集团',
      branches: [{ id: 'B1', name: '-老分公司' }],
      units: [{ id: 'U1', branchId: 'B1', name: '站\u202e', type: 'station' }],
      crews: [{ id: 'C1', unitId: 'U1', name: '=甲班', headcount: 4 }],
      targets: [],
    };
    const follower = createRegistryFollower({
      url: 'http://registry.test/v1/org',
      refreshMs: 60_000,
      logger: pino({ level: 'silent' }),
      fetch: () => Promise.resolve(Response.json(served)),
    });
    try {
      expect(await follower.refresh()).toBe(true);
      expect([...(follower.crewIds() ?? [])]).toEqual(['C1']);
      expect(follower.crew('C1')).toEqual({ branchId: 'B1', unitId: 'U1' });
    } finally {
      follower.stop();
    }
  });
});
