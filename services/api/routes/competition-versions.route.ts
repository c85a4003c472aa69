import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../../../schemas/api.schema.ts';
import { DigitsInt, PathId } from '../../../schemas/common.schema.ts';
import { DEFAULT_TIME_ZONE } from '../../../schemas/competition.schema.ts';
import {
  PreviewRequest,
  PreviewResponse,
  PublishRequest,
  Published,
  VersionDetail,
  VersionHistory,
  VersionSave,
  VersionSaved,
} from '../../../schemas/versions.schema.ts';
import type { Access } from '../../access/access.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { CompetitionAdmin } from '../../competition/competition-admin.ts';
import { NotFoundError } from '../../shared/errors.ts';

export interface CompetitionVersionsRouteDeps {
  catalog: Catalog;
  admin: CompetitionAdmin;
  access: Access;
}

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export function competitionVersionsRoute(deps: CompetitionVersionsRouteDeps) {
  const { catalog, admin, access } = deps;
  const params = z.object({ id: PathId((id) => catalog.versions(id) !== undefined) });
  return async function register(app: FastifyInstance): Promise<void> {
    const r = app.withTypeProvider<ZodTypeProvider>();

    function historyOrThrow(id: string) {
      const history = catalog.history(id);
      if (!history) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
      return history;
    }

    r.post('/v1/competitions/:id/versions', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '保存竞赛新版本（草稿）/ Save a new version (a draft)',
        description:
          'Creates a competition or saves a new version of one, as a draft that standings do not use until it is published (or at once with publish: true). A definition equal to the latest version saves nothing (outcome unchanged). Every problem is reported at once with its path (422 invalid_competition), including participants missing from the registry. The answer lists what changes against the current version.',
        tags: ['competitions'],
        params,
        body: VersionSave,
        response: { 200: VersionSaved, ...errors, 422: ErrorResponse },
      },
      handler: async (request) => admin.saveVersion(request.params.id, request.body, access.principal(request)),
    });

    r.get('/v1/competitions/:id/versions', {
      onRequest: access.read,
      schema: {
        summary: '版本历史 / Version history',
        description:
          'Every saved version, newest first: who saved it, when, why, and whether it is current, a draft or superseded.',
        tags: ['competitions'],
        params,
        response: { 200: VersionHistory, ...errors },
      },
      handler: async (request) => {
        const history = historyOrThrow(request.params.id);
        const newest = history.versions[0];
        const rules = newest ? catalog.version(request.params.id, newest.version)?.definition : undefined;
        return {
          id: request.params.id,
          timeZone: rules?.timeZone ?? DEFAULT_TIME_ZONE,
          currentVersion: history.currentVersion ?? null,
          versions: history.versions,
        };
      },
    });

    r.get('/v1/competitions/:id/versions/:version', {
      onRequest: access.read,
      schema: {
        summary: '某一版本的定义 / One version’s definition',
        tags: ['competitions'],
        params: params.extend({ version: DigitsInt(1, 1_000_000_000) }),
        response: { 200: VersionDetail, ...errors },
      },
      handler: async (request) => {
        const { id, version } = request.params;
        const record = historyOrThrow(id).versions.find((v) => v.version === version);
        const stored = catalog.version(id, version);
        if (!record || !stored)
          throw new NotFoundError('version_not_found', `competition "${id}" has no version ${version}`);
        return { id, ...record, definition: stored.definition };
      },
    });

    r.post('/v1/competitions/:id/publish', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '发布 / Publish a version',
        description:
          'Makes a version current: the latest draft by default, or any saved version (a rollback). Standings are recomputed from the stored events; nothing is re-ingested. Closed periods keep their final standings.',
        tags: ['competitions'],
        params,
        body: PublishRequest,
        response: { 200: Published, ...errors, 409: ErrorResponse },
      },
      handler: async (request) => admin.publish(request.params.id, request.body, access.principal(request)),
    });

    r.post('/v1/competitions/:id/preview', {
      onRequest: access.require('organiser'),
      schema: {
        summary: '预览 / Preview a draft',
        description:
          'The overall standings a draft definition (or a saved version) would give now, beside the current ones, with each crew’s rank and score change. Nothing is saved or published.',
        tags: ['competitions'],
        params,
        body: PreviewRequest,
        response: { 200: PreviewResponse, ...errors, 422: ErrorResponse },
      },
      handler: async (request) => admin.preview(request.params.id, request.body, access.principal(request)),
    });
  };
}
