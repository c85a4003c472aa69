import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * The partition of a crew's key under the partitioner producers should use: murmur2 of the key,
 * positive, modulo the partition count. kafkajs's DefaultPartitioner (used here, so this is its
 * own code), the Java client's default and librdkafka's `murmur2` / `murmur2_random` agree on it.
 */
export function createCrewPartitioner(): (crewId: string, partitions: number) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const layouts = new Map<number, PartitionMetadata[]>();
  return (crewId, partitions) => {
    let partitionMetadata = layouts.get(partitions);
    if (!partitionMetadata) {
      partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      layouts.set(partitions, partitionMetadata);
    }
    return partitioner({ topic: '', partitionMetadata, message: { key: crewId, value: null } });
  };
}
