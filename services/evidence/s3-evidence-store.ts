import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { EvidenceId } from '../../schemas/evidence.schema.ts';
import { evidenceHex, evidenceIdOf, type EvidenceStore } from './evidence-store.ts';

export interface S3EvidenceConfig {
  /** e.g. http://minio:9000; an S3-compatible service (MinIO, OSS, COS, OBS) or AWS itself. */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects under this prefix (e.g. evidence/), so one bucket may hold other things too. */
  prefix: string;
}

function notFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NoSuchKey');
}

/** Why the store cannot start, with the variables to look at (a HEAD answer has no body to say it). */
function startError(config: S3EvidenceConfig, err: unknown): Error {
  const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
  const why =
    status === 403
      ? 'access denied (403): check EVIDENCE_S3_ACCESS_KEY and EVIDENCE_S3_SECRET_KEY, and that this key may use the bucket'
      : status === undefined
        ? `not reachable (${err instanceof Error ? err.message : String(err)}): check EVIDENCE_S3_ENDPOINT`
        : `HTTP ${status} (${err instanceof Error ? err.name : 'error'})`;
  return new Error(`evidence store: bucket "${config.bucket}" at ${config.endpoint}: ${why}`, { cause: err });
}

/**
 * Evidence in S3-compatible object storage, one object per content hash. The bucket is made at
 * start when it is missing, so a fresh MinIO needs no manual step.
 */
export async function createS3EvidenceStore(config: S3EvidenceConfig): Promise<EvidenceStore> {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    // MinIO and most self-hosted services address buckets by path, not by a DNS name per bucket.
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 3,
  });
  const Bucket = config.bucket;
  const keyOf = (id: EvidenceId) => `${config.prefix}${evidenceHex(id)}`;
  try {
    await client.send(new HeadBucketCommand({ Bucket }));
  } catch (err) {
    if (!notFound(err)) throw startError(config, err);
    await client.send(new CreateBucketCommand({ Bucket })).catch((e: unknown) => {
      throw startError(config, e);
    });
  }
  return {
    where: `${config.endpoint}/${Bucket}/${config.prefix}`,
    async put(id, bytes, contentType) {
      if (evidenceIdOf(bytes) !== id) throw new Error(`evidence bytes do not hash to ${id}`);
      const Key = keyOf(id);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key }));
        return;
      } catch (err) {
        if (!notFound(err)) throw err;
      }
      // S3 stores an object whole or not at all; the checksum makes the service refuse bytes
      // damaged on the way instead of storing them under the id.
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key,
          Body: bytes,
          ContentType: contentType,
          ChecksumSHA256: Buffer.from(evidenceHex(id), 'hex').toString('base64'),
        }),
      );
    },
    async get(id) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: keyOf(id) }));
        return answer.Body ? await answer.Body.transformToByteArray() : undefined;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async close() {
      client.destroy();
    },
  };
}
