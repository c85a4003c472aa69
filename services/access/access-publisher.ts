import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import type { AccessRecord, PublishedRegistry, PublishedToken } from '../../schemas/access.schema.ts';
import type { Org } from '../../schemas/org.schema.ts';
import type { KafkaConfig } from '../kafka/kafka-config.ts';
import { createKafkaPublisher } from '../ingest/kafka-publisher.ts';
import type { StoredToken } from '../storage/api-tokens.store.ts';
import { UnavailableError } from '../shared/errors.ts';

export interface AccessPublisher {
  /** Resolves once the brokers acknowledged; throws UnavailableError (503) when they did not. */
  publish(records: readonly AccessRecord[]): Promise<void>;
}

export function publishedToken(t: StoredToken): PublishedToken {
  return {
    kind: 'token',
    id: t.id,
    version: t.version,
    name: t.name,
    role: t.role,
    branchIds: t.branchIds,
    unitIds: t.unitIds,
    crewIds: t.crewIds,
    tokenHash: t.tokenHash,
    createdAt: t.createdAt,
    createdBy: t.createdBy,
    revokedAt: t.revokedAt,
  };
}

/**
 * Keyed by token id AND version: compaction keeps every version, so a stale version republished
 * later (another API instance starting) can never take the place of a revocation; readers keep
 * the highest version of each token.
 */
export function accessMessage(record: AccessRecord): Message {
  return {
    key: record.kind === 'token' ? `token:${record.id}:${record.version}` : record.kind,
    value: JSON.stringify(record),
  };
}

export function publishedRegistry(org: Org, version: number): PublishedRegistry {
  const branchOfUnit = new Map(org.units.map((u) => [u.id, u.branchId]));
  return {
    kind: 'registry',
    version,
    crews: org.crews.map((c) => ({ id: c.id, unitId: c.unitId, branchId: branchOfUnit.get(c.unitId) ?? '' })),
  };
}

/** Publishes token versions and the access mode to the compacted access topic (see ingest/access-follower.ts). */
export function createAccessPublisher(deps: {
  producer: Producer;
  config: KafkaConfig;
  now: () => number;
}): AccessPublisher {
  const publisher = createKafkaPublisher<AccessRecord>({
    producer: deps.producer,
    toMessage: accessMessage,
    topic: deps.config.access.name,
    timeoutMs: deps.config.produceTimeoutMs,
    maxInFlightEvents: deps.config.maxInFlightEvents,
    now: deps.now,
    // A registry of 100,000 crews is several MB of JSON: compressed it stays under the broker's limit.
    compression: CompressionTypes.GZIP,
  });
  return { publish: (records) => publisher.publish(records) };
}

/** Publishes, saying what failed in terms of tokens (the stored change stands; a retry publishes it again). */
export async function publishAccess(publisher: AccessPublisher, records: readonly AccessRecord[]): Promise<void> {
  try {
    await publisher.publish(records);
  } catch (err) {
    throw new UnavailableError(
      '令牌已保存，但未能通知接入服务（Kafka 未确认）；请重试 / the token change is stored but Kafka did not take it for the ingest services; retry the request',
      2,
      { cause: err },
    );
  }
}
