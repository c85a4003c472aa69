import type { EvidenceConfig } from './evidence-config.ts';
import type { EvidenceStore } from './evidence-store.ts';
import { createLocalEvidenceStore } from './local-evidence-store.ts';
import { createS3EvidenceStore } from './s3-evidence-store.ts';

/** The store the configuration names (EVIDENCE_STORE); S3 is reached (and its bucket made) here, at start. */
export async function openEvidenceStore(config: EvidenceConfig): Promise<EvidenceStore> {
  return config.store === 'local' ? createLocalEvidenceStore(config.dir) : createS3EvidenceStore(config.s3);
}
