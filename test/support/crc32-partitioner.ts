import { crc32 } from 'node:zlib';
import type { ICustomPartitioner } from 'kafkajs';

/**
 * librdkafka's default partitioner (`consistent_random`, what kcat, confluent-kafka and most C, Go
 * and Python clients use), for kafkajs. librdkafka src/rdkafka_msg.c:
 *
 *   rd_kafka_msg_partitioner_consistent_random: keylen == 0 ? random : consistent
 *   rd_kafka_msg_partitioner_consistent:        return rd_crc32(key, keylen) % partition_cnt;
 *
 * and src/rdcrc32.h: rd_crc32 is zlib's crc32 (CRC-32/IEEE, reflected, init and final xor
 * 0xffffffff), an unsigned 32-bit value, so the modulo is unsigned. node:zlib's crc32 is the
 * same function.
 */
export const librdkafkaPartitioner: ICustomPartitioner = () => {
  return ({ partitionMetadata, message }) => {
    const count = partitionMetadata.length;
    const key = message.key;
    const bytes = key === null || key === undefined ? Buffer.alloc(0) : Buffer.isBuffer(key) ? key : Buffer.from(key);
    if (bytes.length === 0) return Math.floor(Math.random() * count);
    return crc32(bytes) % count;
  };
};
