import { AssignerProtocol, PartitionAssigners, type PartitionAssigner } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ClickHouseTarget } from '../../storage/clickhouse-client.ts';

/**
 * What each scoring instance tells the group about itself (in its member metadata's userData):
 * where it stores, so that an instance on the embedded engine never shares a group's work.
 */
export const MemberInfo = z.object({
  storage: z.enum(['embedded', 'server']),
  /** Embedded: host and data folder (the same folder after a restart is the same instance). */
  instance: z.string(),
  /** For people: where it stores, without credentials. */
  describe: z.string(),
  startedAt: z.number(),
});
export type MemberInfo = z.infer<typeof MemberInfo>;

/** This process's MemberInfo for its storage target (no credentials in it). */
export function memberInfoFor(target: ClickHouseTarget, startedAt: number): MemberInfo {
  if (target.mode === 'embedded') {
    const at = `${hostname()}:${resolve(target.dataDir)}`;
    return { storage: 'embedded', instance: at, describe: `embedded ClickHouse at ${at}`, startedAt };
  }
  const url = new URL(target.url);
  return {
    storage: 'server',
    instance: randomUUID(),
    describe: `ClickHouse server ${url.host} database ${target.database}`,
    startedAt,
  };
}

export interface GroupMemberView {
  memberId: string;
  memberMetadata: Buffer;
}

/** The consumer refused a group it must not share: the service stops with this message. */
export class GroupRefusedError extends Error {
  readonly code = 'consumer_group_refused';
}

function infoOf(member: GroupMemberView): MemberInfo | undefined {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(member.memberMetadata) ?? {};
    const parsed = MemberInfo.safeParse(JSON.parse(userData?.toString('utf8') ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const older = (a: MemberInfo, b: MemberInfo) =>
  a.startedAt < b.startedAt || (a.startedAt === b.startedAt && a.instance < b.instance);

/**
 * Another instance in the group that this one must not work beside: a group with an instance on
 * the embedded engine holds that one instance only (each embedded instance stores in its own
 * folder, so two would each hold part of the events, one of them without the registry). Members
 * with this instance's own identity are itself, or its previous run that has not timed out yet.
 * Before joining (`joined` false) any such member counts; once joined, only an older one does:
 * the younger of two instances leaves, so the one that was working carries on.
 */
export function findConflictingMember(
  members: readonly GroupMemberView[],
  me: MemberInfo,
  joined: boolean,
): MemberInfo | undefined {
  for (const member of members) {
    const other = infoOf(member);
    if (!other || other.instance === me.instance) continue;
    if (me.storage !== 'embedded' && other.storage !== 'embedded') continue;
    if (!joined || older(other, me)) return other;
  }
  return undefined;
}

export function refusal(group: string, me: MemberInfo, other: MemberInfo): GroupRefusedError {
  return new GroupRefusedError(
    `消费组 ${group} 中已有另一个计分实例（${other.describe}）。嵌入式 ClickHouse 只属于一个进程，两个实例会各存一部分事件：` +
      `请只运行一个计分实例，或让所有实例设置同一个 CLICKHOUSE_URL（ClickHouse 服务器）。 / ` +
      `Consumer group ${group} already has another scoring instance (${other.describe}); this one stores in ${me.describe}. ` +
      `An embedded engine belongs to one process, so two instances would each hold part of the events. ` +
      `Run one scoring instance, or give every instance the same CLICKHOUSE_URL (a ClickHouse server).`,
  );
}

/**
 * kafkajs's round-robin assignment, with this instance's MemberInfo as userData. The leader
 * re-reads the cluster's metadata before assigning, so partitions added to the topic since are
 * assigned too (kafkajs otherwise keeps its metadata for minutes).
 */
export function assignerWith(me: MemberInfo): PartitionAssigner {
  return (config) => {
    const base = PartitionAssigners.roundRobin(config);
    const userData = Buffer.from(JSON.stringify(me));
    return {
      name: base.name,
      version: base.version,
      async assign(group) {
        await config.cluster.refreshMetadata();
        return base.assign(group);
      },
      protocol: ({ topics }) => ({
        name: base.name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: base.version, topics, userData }),
      }),
    };
  };
}
