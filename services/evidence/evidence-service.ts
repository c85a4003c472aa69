import type { ClickHouseClient } from '@clickhouse/client';
import type { Role } from '../../schemas/access.schema.ts';
import type { EvidenceContentType, EvidenceStored } from '../../schemas/evidence-upload.schema.ts';
import type { EvidenceId } from '../../schemas/evidence.schema.ts';
import type { Principal } from '../access/access.ts';
import { crewInScope } from '../access/scope.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../shared/errors.ts';
import { evidenceUploads, recordEvidenceUpload } from '../storage/evidence.store.ts';
import { prepareEvidence } from './evidence-content.ts';
import { evidenceIdOf, type EvidenceStore } from './evidence-store.ts';

export interface EvidenceDeps {
  store: EvidenceStore;
  client: ClickHouseClient;
  catalog: Pick<Catalog, 'crew'>;
  now: () => Date;
  maxPixels: number;
}

export interface EvidenceUploadRequest {
  crewId: string;
  bytes: Uint8Array;
  /** The request's Content-Type, without parameters. */
  declared: string;
  /** An organiser's explicit ask to keep EXIF (the GPS location among it). */
  keepLocation: boolean;
}

export interface Evidence {
  upload(principal: Principal, request: EvidenceUploadRequest): Promise<EvidenceStored>;
  /** The file, to a principal whose scope covers a crew it was uploaded for; 404 to anyone else. */
  read(principal: Principal, id: EvidenceId): Promise<{ bytes: Uint8Array; contentType: EvidenceContentType }>;
}

/** Besides admin: who may send events or reports for a crew may upload its evidence and see it. */
export const EVIDENCE_ROLES: readonly Role[] = ['reporter', 'organiser', 'ingest'];

/** Only organisers (and admins) may keep a photo's location: a reporter's phone must not decide it. */
function mayKeepLocation(p: Principal): boolean {
  return p.role === 'organiser' || p.role === 'admin';
}

export function createEvidence(deps: EvidenceDeps): Evidence {
  return {
    async upload(principal, request) {
      const crew = deps.catalog.crew(request.crewId);
      if (!crew) {
        throw new InvalidInputError(
          'unknown_crew',
          `查询参数 crewId：班组 "${request.crewId}" 不存在 / query parameter crewId: crew "${request.crewId}" is not in the registry`,
          [{ path: 'crewId', message: 'unknown crew' }],
        );
      }
      if (!crewInScope(principal, crew)) {
        throw new ForbiddenError(
          'crew_out_of_scope',
          `令牌 "${principal.name}" 不能为班组 ${request.crewId} 上传证据 / token "${principal.name}" may not upload evidence for crew ${request.crewId} (outside its branches or units)`,
        );
      }
      if (request.keepLocation && !mayKeepLocation(principal)) {
        throw new ForbiddenError(
          'keep_location_forbidden',
          `只有组织者可以保留照片的位置信息（keepLocation=true）/ only an organiser token may keep a photo's location (keepLocation=true)`,
        );
      }
      const prepared = await prepareEvidence(request.bytes, {
        declared: request.declared,
        keepMetadata: request.keepLocation,
        maxPixels: deps.maxPixels,
      });
      const id = evidenceIdOf(prepared.bytes);
      await deps.store.put(id, prepared.bytes, prepared.contentType);
      await recordEvidenceUpload(deps.client, {
        evidenceId: id,
        crewId: request.crewId,
        contentType: prepared.contentType,
        bytes: prepared.bytes.byteLength,
        width: prepared.width,
        height: prepared.height,
        keptMetadata: request.keepLocation,
        uploadedByToken: principal.tokenId ?? '',
        uploadedBy: principal.name,
        uploadedAt: deps.now().toISOString(),
      });
      return {
        id,
        contentType: prepared.contentType,
        bytes: prepared.bytes.byteLength,
        ...(prepared.width === undefined ? {} : { width: prepared.width }),
        ...(prepared.height === undefined ? {} : { height: prepared.height }),
      };
    },
    async read(principal, id) {
      const uploads = await evidenceUploads(deps.client, id);
      const visible = uploads.find((u) => {
        if (principal.role === 'admin') return true;
        const crew = deps.catalog.crew(u.crewId);
        return crew !== undefined && crewInScope(principal, crew);
      });
      const bytes = visible && (await deps.store.get(id));
      // The same answer for "no such file" and "not yours": existence is not revealed.
      if (!visible || !bytes) {
        throw new NotFoundError('evidence_not_found', `证据 ${id} 不存在或无权查看 / evidence ${id} not found`);
      }
      return { bytes, contentType: visible.contentType };
    },
  };
}
