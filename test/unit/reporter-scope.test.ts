import { describe, expect, it } from 'vitest';
import { TokenCreate } from '../../schemas/access.schema.ts';
import type { Principal } from '../../services/access/access.ts';
import { crewInScope, isLimited, refuseCrewsOutOfScope } from '../../services/access/scope.ts';
import { AppError } from '../../services/shared/errors.ts';

const reporter: Principal = {
  kind: 'token',
  token: undefined,
  tokenId: 'tok_r',
  name: '西湖甲班 安全员',
  role: 'reporter',
  branchIds: [],
  unitIds: [],
  crewIds: ['C1'],
};
const crews = new Map([
  ['C1', { branchId: 'B1', unitId: 'U1' }],
  ['C2', { branchId: 'B1', unitId: 'U1' }],
]);

describe('a reporter limited to crews', () => {
  it('is limited, and covers its own crew only, not the crew beside it in the same unit', () => {
    expect(isLimited(reporter)).toBe(true);
    expect(crewInScope(reporter, { crewId: 'C1', branchId: 'B1', unitId: 'U1' })).toBe(true);
    expect(crewInScope(reporter, { crewId: 'C2', branchId: 'B1', unitId: 'U1' })).toBe(false);
  });

  it('refuses items for crews outside its scope, naming them', () => {
    expect(() => refuseCrewsOutOfScope(reporter, [{ crewId: 'C1' }], (id) => crews.get(id))).not.toThrow();
    try {
      refuseCrewsOutOfScope(reporter, [{ crewId: 'C1' }, { crewId: 'C2' }], (id) => crews.get(id));
      expect.unreachable('C2 is out of scope');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('crew_out_of_scope');
      expect((err as AppError).message).toContain('crews C1');
    }
  });

  it('must name a scope when created', () => {
    expect(TokenCreate.safeParse({ name: 'x', role: 'reporter' }).success).toBe(false);
    expect(TokenCreate.safeParse({ name: 'x', role: 'reporter', crewIds: ['C1'] }).success).toBe(true);
    expect(TokenCreate.safeParse({ name: 'x', role: 'viewer', crewIds: ['C1'] }).success).toBe(false);
  });
});
