import { Partitioners, type PartitionMetadata } from 'kafkajs';

/** Crews whose partition is remembered per partition count (registered crews; beyond, computed each time). */
const REMEMBERED_CREWS = 200_000;

/**
 * The partition of a crew's key under the partitioner producers should use: murmur2 of the key,
 * positive, modulo the partition count. kafkajs's DefaultPartitioner (used here, so this is its
 * own code), the Java client's default and librdkafka's `murmur2` / `murmur2_random` agree on it.
 * The consumer asks for every event, so each crew's answer is remembered (the hash encodes the
 * key into a new buffer each time).
 */
export function createCrewPartitioner(): (crewId: string, partitions: number) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const layouts = new Map<number, { metadata: PartitionMetadata[]; byCrew: Map<string, number> }>();
  return (crewId, partitions) => {
    let layout = layouts.get(partitions);
    if (!layout) {
      const metadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      layout = { metadata, byCrew: new Map() };
      layouts.set(partitions, layout);
    }
    let partition = layout.byCrew.get(crewId);
    if (partition === undefined) {
      partition = partitioner({ topic: '', partitionMetadata: layout.metadata, message: { key: crewId, value: null } });
      if (layout.byCrew.size < REMEMBERED_CREWS) layout.byCrew.set(crewId, partition);
    }
    return partition;
  };
}
