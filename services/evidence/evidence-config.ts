import { join } from 'node:path';
import { z } from 'zod';
import { blankAsUnset, envInt } from '../shared/env.ts';
import type { S3EvidenceConfig } from './s3-evidence-store.ts';

const optional = z.preprocess(blankAsUnset, z.string().min(1).optional());

/** The evidence store's variables (part of the API's Env). */
export const EvidenceEnv = z.object({
  EVIDENCE_STORE: z.enum(['local', 's3']).default('local'),
  /** local: the folder; default DATA_DIR/evidence. */
  EVIDENCE_DIR: optional,
  EVIDENCE_S3_ENDPOINT: z.preprocess(blankAsUnset, z.url().optional()),
  EVIDENCE_S3_REGION: z.preprocess(blankAsUnset, z.string().default('us-east-1')),
  EVIDENCE_S3_BUCKET: z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3–63 lowercase letters, digits, . and -')
      .default('evidence'),
  ),
  EVIDENCE_S3_PREFIX: z.preprocess(blankAsUnset, z.string().default('')),
  EVIDENCE_S3_ACCESS_KEY: optional,
  EVIDENCE_S3_SECRET_KEY: optional,
  /** 10 MiB: a phone photo resized in the browser is well under 1 MiB; a scanned PDF may be several. */
  EVIDENCE_MAX_BYTES: envInt(10 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** Decoded image size bound (width × height): a small file must not unpack into gigabytes. */
  EVIDENCE_MAX_PIXELS: envInt(50_000_000, 1),
});

export type EvidenceConfig = {
  maxBytes: number;
  maxPixels: number;
} & ({ store: 'local'; dir: string } | { store: 's3'; s3: S3EvidenceConfig });

/** Checks that s3 has what it needs; adds issues under the variables' names. */
export function checkEvidenceEnv(e: z.infer<typeof EvidenceEnv>, ctx: z.RefinementCtx): void {
  if (e.EVIDENCE_STORE !== 's3') return;
  for (const name of ['EVIDENCE_S3_ENDPOINT', 'EVIDENCE_S3_ACCESS_KEY', 'EVIDENCE_S3_SECRET_KEY'] as const) {
    if (e[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'needed with EVIDENCE_STORE=s3' });
  }
}

export function evidenceConfigFrom(e: z.infer<typeof EvidenceEnv>, dataDir: string): EvidenceConfig {
  const limits = { maxBytes: e.EVIDENCE_MAX_BYTES, maxPixels: e.EVIDENCE_MAX_PIXELS };
  if (e.EVIDENCE_STORE === 'local')
    return { ...limits, store: 'local', dir: e.EVIDENCE_DIR ?? join(dataDir, 'evidence') };
  return {
    ...limits,
    store: 's3',
    s3: {
      endpoint: e.EVIDENCE_S3_ENDPOINT ?? '',
      region: e.EVIDENCE_S3_REGION,
      bucket: e.EVIDENCE_S3_BUCKET,
      accessKeyId: e.EVIDENCE_S3_ACCESS_KEY ?? '',
      secretAccessKey: e.EVIDENCE_S3_SECRET_KEY ?? '',
      prefix: e.EVIDENCE_S3_PREFIX,
    },
  };
}
