import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { findConflictingMember, type MemberInfo } from '../../services/scoring/consumer/group-membership.ts';

const member = (info: MemberInfo | undefined) => ({
  memberId: `m-${info?.instance ?? 'old'}`,
  memberMetadata: AssignerProtocol.MemberMetadata.encode({
    version: 0,
    topics: ['events'],
    userData: Buffer.from(info ? JSON.stringify(info) : ''),
  }),
});
const embedded = (instance: string, startedAt: number): MemberInfo => ({
  storage: 'embedded',
  instance,
  describe: instance,
  startedAt,
});
const server = (instance: string, startedAt: number): MemberInfo => ({
  storage: 'server',
  instance,
  describe: instance,
  startedAt,
});

describe('findConflictingMember', () => {
  const me = embedded('host:/data', 200);
  it.each([
    { name: 'an empty group', members: [], joined: false, want: undefined },
    {
      name: 'my own previous run, not timed out yet',
      members: [embedded('host:/data', 100)],
      joined: false,
      want: undefined,
    },
    {
      name: 'another embedded instance, before joining',
      members: [embedded('host:/other', 300)],
      joined: false,
      want: 'host:/other',
    },
    { name: 'a server instance, before joining', members: [server('s1', 300)], joined: false, want: 's1' },
    {
      name: 'an older instance, once joined',
      members: [embedded('host:/other', 100)],
      joined: true,
      want: 'host:/other',
    },
    {
      name: 'a younger instance, once joined: it leaves',
      members: [embedded('host:/other', 300)],
      joined: true,
      want: undefined,
    },
    { name: 'a member without our metadata', members: [undefined], joined: false, want: undefined },
  ])('$name', ({ members, joined, want }) => {
    expect(findConflictingMember(members.map(member), me, joined)?.instance).toBe(want);
  });

  it('lets server instances share a group', () => {
    expect(findConflictingMember([member(server('s1', 1))], server('s2', 2), false)).toBeUndefined();
  });
});
