import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { AccessRecord, type PublishedToken } from '../../schemas/access.schema.ts';
import type { KafkaConfig } from '../kafka/kafka-config.ts';
import { hashToken } from '../shared/secret-token.ts';

export interface AccessFollower {
  /** True once every message the access topic held at start has been read. */
  loaded(): boolean;
  /** The current version of the token a secret belongs to (revoked ones too); undefined when unknown. */
  find(secret: string): PublishedToken | undefined;
  /** Whether the API runs open; undefined until it said so. */
  apiOpen(): boolean | undefined;
  /** The latest registry the API published; undefined when it published none. */
  registry(): PublishedPlaces | undefined;
  stop(): Promise<void>;
}

export interface PublishedPlaces {
  crewIds: ReadonlySet<string>;
  crew(crewId: string): { branchId: string; unitId: string } | undefined;
}

/** Token versions and the access mode, as read from the topic: the highest version of each token wins. */
export function createAccessView() {
  const byId = new Map<string, PublishedToken>();
  const byHash = new Map<string, PublishedToken>();
  let open: boolean | undefined;
  let registry: (PublishedPlaces & { version: number }) | undefined;
  return {
    apply(record: AccessRecord): void {
      if (record.kind === 'mode') {
        open = record.open;
        return;
      }
      if (record.kind === 'registry') {
        if (registry && registry.version > record.version) return;
        const places = new Map(record.crews.map((c) => [c.id, { branchId: c.branchId, unitId: c.unitId }]));
        registry = { version: record.version, crewIds: new Set(places.keys()), crew: (id) => places.get(id) };
        return;
      }
      const current = byId.get(record.id);
      if (current && current.version >= record.version) return;
      byId.set(record.id, record);
      byHash.set(record.tokenHash, record);
    },
    find: (secret: string) => byHash.get(hashToken(secret)),
    apiOpen: () => open,
    registry: () => registry,
  };
}

function jsonOf(value: Buffer | null): unknown {
  try {
    return JSON.parse(value?.toString() ?? 'null');
  } catch {
    return undefined;
  }
}

/**
 * Reads the compacted access topic the API publishes to (access-publisher.ts) from its beginning,
 * and follows it: the ingest service knows every token without asking the API, after a restart
 * too, and a revocation reaches it as soon as the message does. Each process reads with a group
 * of its own (nothing committed), so every instance sees every record.
 */
export async function followAccess(deps: {
  kafka: Kafka;
  config: KafkaConfig;
  logger: Logger;
}): Promise<AccessFollower> {
  const topic = deps.config.access.name;
  const view = createAccessView();
  const admin = deps.kafka.admin();
  await admin.connect();
  /** Per partition, the offset to reach before the view is complete (the end at start). */
  let target: Map<number, number>;
  try {
    target = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
  const reached = new Map<number, number>();
  let loaded = false;
  const checkLoaded = () => {
    if (loaded) return;
    loaded = [...target].every(([partition, high]) => (reached.get(partition) ?? 0) >= high);
    if (loaded) deps.logger.info({ topic }, 'API tokens read from Kafka');
  };
  checkLoaded();
  const consumer = deps.kafka.consumer({
    groupId: `${deps.config.clientId}-access-${randomUUID()}`,
    // A revocation should reach this service within a second.
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const parsed = AccessRecord.safeParse(jsonOf(message.value));
        // One bad record must not keep the others out.
        if (parsed.success) view.apply(parsed.data);
        else deps.logger.warn({ topic, offset: message.offset, issues: parsed.error.issues }, 'access record skipped');
      }
      reached.set(batch.partition, Number(batch.lastOffset()) + 1);
      checkLoaded();
    },
  });
  return {
    loaded: () => loaded,
    find: view.find,
    apiOpen: view.apiOpen,
    registry: view.registry,
    stop: () => consumer.disconnect(),
  };
}
