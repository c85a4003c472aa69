import type { ClickHouseClient } from '@clickhouse/client';
import type { EvidenceContentType } from '../../schemas/evidence-upload.schema.ts';
import type { EvidenceId } from '../../schemas/evidence.schema.ts';
import { fromClickHouseTime } from './clickhouse-time.ts';
import { insertRows } from './insert-rows.ts';

export interface EvidenceUpload {
  evidenceId: EvidenceId;
  crewId: string;
  contentType: EvidenceContentType;
  bytes: number;
  width: number | undefined;
  height: number | undefined;
  keptMetadata: boolean;
  /** The uploading token's id ('' in open mode) and name. */
  uploadedByToken: string;
  uploadedBy: string;
  uploadedAt: string;
}

interface UploadRow {
  evidence_id: EvidenceId;
  crew_id: string;
  content_type: EvidenceContentType;
  bytes: number | string;
  width: number | null;
  height: number | null;
  kept_metadata: boolean;
  uploaded_by_token: string;
  uploaded_by: string;
  uploaded_at: string;
}

/** Written after the bytes are stored, so a row never names a file that is not there. */
export async function recordEvidenceUpload(client: ClickHouseClient, upload: EvidenceUpload): Promise<void> {
  await insertRows(client, 'evidence_uploads', [
    {
      evidence_id: upload.evidenceId,
      crew_id: upload.crewId,
      content_type: upload.contentType,
      bytes: upload.bytes,
      width: upload.width ?? null,
      height: upload.height ?? null,
      kept_metadata: upload.keptMetadata,
      uploaded_by_token: upload.uploadedByToken,
      uploaded_by: upload.uploadedBy,
      uploaded_at: upload.uploadedAt,
    },
  ]);
}

/** Every upload of one file (one per crew it was uploaded for, the first of each). */
export async function evidenceUploads(client: ClickHouseClient, evidenceId: EvidenceId): Promise<EvidenceUpload[]> {
  const result = await client.query({
    query: `SELECT * FROM evidence_uploads WHERE evidence_id = {id:String}
            ORDER BY crew_id, uploaded_at LIMIT 1 BY crew_id`,
    query_params: { id: evidenceId },
    format: 'JSONEachRow',
  });
  return (await result.json<UploadRow>()).map((row) => ({
    evidenceId: row.evidence_id,
    crewId: row.crew_id,
    contentType: row.content_type,
    bytes: Number(row.bytes),
    width: row.width ?? undefined,
    height: row.height ?? undefined,
    keptMetadata: row.kept_metadata,
    uploadedByToken: row.uploaded_by_token,
    uploadedBy: row.uploaded_by,
    uploadedAt: fromClickHouseTime(row.uploaded_at),
  }));
}
