import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceIdOf, type EvidenceStore } from '../../services/evidence/evidence-store.ts';
import { createLocalEvidenceStore } from '../../services/evidence/local-evidence-store.ts';
import { createS3EvidenceStore } from '../../services/evidence/s3-evidence-store.ts';
import type { Leaderboard } from '../../services/api/leaderboard.ts';
import { GPS_MARK, jpegWithLocation } from '../support/evidence-files.ts';
import { smallOrg } from '../support/fixtures.ts';
import { minioMissing, startMinio, type MinioServer } from '../support/minio.ts';
import { fixedClock, startTestLeaderboard } from '../support/test-leaderboard.ts';
import { freePort } from '../support/spawn-service.ts';

/**
 * The two evidence stores against what they really write to: a folder on disk, and a real MinIO
 * server started here (infra/minio/local.sh install, or MINIO_BIN). Without one the MinIO tests
 * are skipped, their names saying how to install it: CI cannot build MinIO within its budget.
 */
const missing = minioMissing();
const withMinio = missing === undefined ? '' : ` (skipped: ${missing})`;
const photo = new Uint8Array(Buffer.from('pretend these are the bytes of a photo of a hazard'));
const other = new Uint8Array(Buffer.from('and these of its rectification'));

/** What both stores must do. */
function storeContract(open: () => EvidenceStore) {
  it('stores bytes under their SHA-256 and gives them back; unknown ids give nothing', async () => {
    const store = open();
    const id = evidenceIdOf(photo);
    await store.put(id, photo, 'image/jpeg');
    expect(await store.get(id)).toEqual(photo);
    expect(await store.get(evidenceIdOf(other))).toBeUndefined();
  });

  it('refuses bytes under an id that is not their hash', async () => {
    const store = open();
    await expect(store.put(evidenceIdOf(other), photo, 'image/jpeg')).rejects.toThrow(/do not hash to/);
    expect(await store.get(evidenceIdOf(other))).toBeUndefined();
  });

  it('takes the same bytes again, at once too, and keeps them unchanged', async () => {
    const store = open();
    const id = evidenceIdOf(other);
    await Promise.all([store.put(id, other, 'image/png'), store.put(id, other, 'image/png')]);
    await store.put(id, other, 'image/png');
    expect(await store.get(id)).toEqual(other);
  });
}

describe('the local folder store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-local-'));
  storeContract(() => createLocalEvidenceStore(dir));

  it('keeps one file per content (fan-out folder of its first two hex digits) and no temporary files', () => {
    const hex = evidenceIdOf(photo).slice('sha256:'.length);
    expect(readdirSync(join(dir, hex.slice(0, 2)))).toEqual([hex]);
  });

  it('never leaves a half file under the id when a write is cut off', async () => {
    const cutDir = mkdtempSync(join(tmpdir(), 'evidence-cut-'));
    // A disk that fills up halfway through: half the bytes reach the file, then the write fails.
    const failingWrite: typeof writeFile = async (path, data, options) => {
      await writeFile(path, (data as Uint8Array).subarray(0, 10), options);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const store = createLocalEvidenceStore(cutDir, { writeFile: failingWrite });
    const id = evidenceIdOf(photo);
    await expect(store.put(id, photo, 'image/jpeg')).rejects.toThrow(/ENOSPC/);
    expect(await store.get(id)).toBeUndefined();
    const hex = id.slice('sha256:'.length);
    const fanOut = join(cutDir, hex.slice(0, 2));
    expect(existsSync(fanOut) ? readdirSync(fanOut) : []).toEqual([]);
    // The same store, the disk freed: the upload goes through and is whole.
    const healthy = createLocalEvidenceStore(cutDir);
    await healthy.put(id, photo, 'image/jpeg');
    expect(await healthy.get(id)).toEqual(photo);
  });
});

describe.skipIf(missing !== undefined)(`the S3 store against a real MinIO server${withMinio}`, () => {
  let minio: MinioServer | undefined;
  let store: EvidenceStore | undefined;
  beforeAll(async () => {
    minio = await startMinio();
    // The bucket does not exist yet: the store makes it.
    store = await createS3EvidenceStore({
      endpoint: minio.endpoint,
      region: 'us-east-1',
      bucket: 'evidence-test',
      accessKeyId: minio.accessKey,
      secretAccessKey: minio.secretKey,
      prefix: 'evidence/',
    });
  }, 90_000);
  afterAll(async () => {
    await store?.close();
    await minio?.stop();
  });
  storeContract(() => {
    if (!store) throw new Error('the S3 store did not start');
    return store;
  });

  it('stores each content once, under the prefix, with its content type', async () => {
    if (!minio) throw new Error('MinIO did not start');
    const client = new S3Client({
      endpoint: minio.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'evidence-test' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual([photo, other].map((b) => `evidence/${evidenceIdOf(b).slice('sha256:'.length)}`).sort());
    const head = await client.send(
      new HeadObjectCommand({ Bucket: 'evidence-test', Key: `evidence/${evidenceIdOf(photo).slice(7)}` }),
    );
    expect(head.ContentType).toBe('image/jpeg');
    client.destroy();
  });

  it('refuses wrong credentials at start, naming the variables to check', async () => {
    if (!minio) throw new Error('MinIO did not start');
    await expect(
      createS3EvidenceStore({
        endpoint: minio.endpoint,
        region: 'us-east-1',
        bucket: 'evidence-test',
        accessKeyId: minio.accessKey,
        secretAccessKey: 'not-the-secret',
        prefix: '',
      }),
    ).rejects.toThrow(
      `evidence store: bucket "evidence-test" at ${minio.endpoint}: access denied (403): check EVIDENCE_S3_ACCESS_KEY and EVIDENCE_S3_SECRET_KEY`,
    );
  });

  it('says which endpoint it cannot reach', async () => {
    const closed = await freePort();
    await expect(
      createS3EvidenceStore({
        endpoint: `http://127.0.0.1:${closed}`,
        region: 'us-east-1',
        bucket: 'evidence-test',
        accessKeyId: 'x',
        secretAccessKey: 'y',
        prefix: '',
      }),
    ).rejects.toThrow(`evidence store: bucket "evidence-test" at http://127.0.0.1:${closed}: not reachable (`);
  });
});

describe.skipIf(missing !== undefined)(`the API with EVIDENCE_STORE=s3 against a real MinIO server${withMinio}`, () => {
  const clock = fixedClock('2026-03-10T12:00:00+08:00');
  let minio: MinioServer | undefined;
  let lb: Leaderboard | undefined;
  beforeAll(async () => {
    minio = await startMinio();
    lb = await startTestLeaderboard(clock, {
      EVIDENCE_STORE: 's3',
      EVIDENCE_S3_ENDPOINT: minio.endpoint,
      EVIDENCE_S3_BUCKET: 'leaderboard-evidence',
      EVIDENCE_S3_ACCESS_KEY: minio.accessKey,
      EVIDENCE_S3_SECRET_KEY: minio.secretKey,
    });
    const put = await lb.app.inject({ method: 'PUT', url: '/v1/org', payload: smallOrg });
    expect(put.statusCode).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await lb?.close();
    await minio?.stop();
  });

  it('keeps the re-encoded photo, without its GPS location, in the bucket and serves it from there', async () => {
    if (!lb || !minio) throw new Error('did not start');
    const photo = await jpegWithLocation();
    const res = await lb.app.inject({
      method: 'POST',
      url: '/v1/evidence?crewId=C1',
      headers: { 'content-type': 'image/jpeg' },
      payload: photo,
    });
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    const client = new S3Client({
      endpoint: minio.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
    });
    const object = await client.send(
      new GetObjectCommand({ Bucket: 'leaderboard-evidence', Key: id.slice('sha256:'.length) }),
    );
    const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    client.destroy();
    expect(`sha256:${createHash('sha256').update(stored).digest('hex')}`).toBe(id);
    expect(stored.includes(GPS_MARK)).toBe(false);
    const served = await lb.app.inject({ method: 'GET', url: `/v1/evidence/${id}` });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(stored)).toBe(true);
  });
});
