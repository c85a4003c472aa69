import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createCrewPartitioner } from '../../services/kafka/crew-partition.ts';

describe('createCrewPartitioner', () => {
  it("answers kafkajs's murmur2 partition for every crew and partition count, asked once or again", () => {
    const crewPartition = createCrewPartitioner();
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 6, 7, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 500; i++) {
          const crewId = `C${i % 37}-${i}-班组`;
          expect(crewPartition(crewId, partitions)).toBe(
            kafkajs({ topic: 'events', partitionMetadata, message: { key: crewId, value: null } }),
          );
        }
      }
    }
  });
});
