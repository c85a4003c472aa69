import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { PublishedToken } from '../../schemas/access.schema.ts';
import { accessMessage } from '../../services/access/access-publisher.ts';
import { createAccessView } from '../../services/ingest/access-follower.ts';
import { createTokenCheck } from '../../services/ingest/token-check.ts';
import { AppError } from '../../services/shared/errors.ts';
import { hashToken } from '../../services/shared/secret-token.ts';

const SECRET = `lbt_${'s'.repeat(43)}`;
const v1: PublishedToken = {
  kind: 'token',
  id: 'tok_1',
  version: 1,
  name: '西湖站',
  role: 'ingest',
  branchIds: [],
  unitIds: ['U1'],
  crewIds: [],
  tokenHash: hashToken(SECRET),
  createdAt: '2026-03-01T00:00:00.000Z',
  createdBy: 'admin',
  revokedAt: null,
};
const v2: PublishedToken = { ...v1, version: 2, revokedAt: '2026-03-02T00:00:00.000Z' };
const request = (authorization?: string) => ({ headers: { authorization } }) as unknown as FastifyRequest;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return undefined;
}

describe('the ingest service’s view of the access topic', () => {
  it('keeps the highest version of a token: a revocation is never undone by an older version read later', () => {
    const view = createAccessView();
    view.apply(v2);
    view.apply(v1);
    expect(view.find(SECRET)?.revokedAt).toBe(v2.revokedAt);
    expect(view.find(`${SECRET}x`)).toBeUndefined();
  });

  it('keeps the newest registry the API published, with each crew’s unit and branch', () => {
    const view = createAccessView();
    expect(view.registry()).toBeUndefined();
    view.apply({ kind: 'registry', version: 3, crews: [{ id: 'C1', unitId: 'U1', branchId: 'B1' }] });
    view.apply({ kind: 'registry', version: 2, crews: [] });
    expect([...(view.registry()?.crewIds ?? [])]).toEqual(['C1']);
    expect(view.registry()?.crew('C1')).toEqual({ unitId: 'U1', branchId: 'B1' });
  });

  it('keys every version apart, so compaction keeps the revocation beside the first version', () => {
    expect(accessMessage(v1).key).toBe('token:tok_1:1');
    expect(accessMessage(v2).key).toBe('token:tok_1:2');
    expect(accessMessage({ kind: 'mode', open: true }).key).toBe('mode');
    expect(String(accessMessage(v1).value)).not.toContain(SECRET);
  });

  it('answers as the API does: 503 until read, 401 unknown, 403 revoked, open only on loopback when the API is open', () => {
    const view = createAccessView();
    let loaded = false;
    const check = (allowOpen: boolean) =>
      createTokenCheck({ access: { ...view, loaded: () => loaded }, topic: 'access', allowOpen });
    expect(codeOf(() => check(true).principal(request(`Bearer ${SECRET}`)))).toBe('unavailable');
    loaded = true;
    expect(codeOf(() => check(true).principal(request(`Bearer ${SECRET}`)))).toBe('token_unknown');
    view.apply(v1);
    expect(check(true).principal(request(`Bearer ${SECRET}`))).toMatchObject({ tokenId: 'tok_1', unitIds: ['U1'] });
    view.apply(v2);
    expect(codeOf(() => check(true).principal(request(`Bearer ${SECRET}`)))).toBe('token_revoked');
    expect(check(true).principal(request()).kind).toBe('anonymous');
    view.apply({ kind: 'mode', open: true });
    expect(check(true).principal(request()).kind).toBe('open');
    expect(check(false).principal(request()).kind).toBe('anonymous');
  });
});
