import type { z } from 'zod';
import type { Competition } from '../../schemas/competition.schema.ts';
import type { Deleted, PreviewResponse, Published, VersionSaved } from '../../schemas/versions.schema.ts';
import type { Principal } from '../access/access.ts';
import { competitionDefinitions, refuseCompetitionOutOfScope } from '../access/scope.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { StandingsService } from '../scoring/standings.service.ts';
import { clampDay, dayInZone } from '../shared/calendar.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../shared/errors.ts';
import type { StoredCompetition } from '../storage/competitions.store.ts';
import { diffDefinitions } from './definition-diff.ts';
import { comparePlacings } from './preview.ts';
import { validateDefinition } from './validate-definition.ts';

/** JSON with object keys sorted, so two equal definitions compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface CompetitionAdmin {
  /** apply: a new version (a draft unless `publish`), or nothing when it equals the latest version. */
  saveVersion(
    id: string,
    input: { definition: unknown; note: string; publish: boolean; create?: boolean },
    by: Principal,
  ): Promise<z.infer<typeof VersionSaved>>;
  /** PUT: saves and publishes in one step, as before drafts existed. */
  replace(id: string, definition: unknown, by: Principal): Promise<StoredCompetition>;
  publish(id: string, input: { version?: number; note: string }, by: Principal): Promise<z.infer<typeof Published>>;
  /** Deletes a competition that was never current (drafts only); 409 competition_published otherwise. */
  remove(id: string, input: { note: string }, by: Principal): Promise<z.infer<typeof Deleted>>;
  preview(
    id: string,
    input: { definition?: unknown; version?: number; asOf?: string },
    by: Principal,
  ): Promise<z.infer<typeof PreviewResponse>>;
}

export interface CompetitionAdminDeps {
  catalog: Catalog;
  standings: StandingsService;
  now: () => Date;
}

export function createCompetitionAdmin(deps: CompetitionAdminDeps): CompetitionAdmin {
  const { catalog, standings, now } = deps;

  function knownOrThrow(id: string): readonly StoredCompetition[] {
    const versions = catalog.versions(id);
    if (!versions) throw new NotFoundError('competition_not_found', `competition "${id}" does not exist`);
    return versions;
  }

  /** Checks a definition, and that the principal may manage it and every saved version (drafts too). */
  function checked(id: string, raw: unknown, by: Principal): Competition {
    const definition = validateDefinition(raw, catalog.org());
    refuseCompetitionOutOfScope(by, competitionDefinitions(catalog, id, definition), catalog);
    return definition;
  }

  return {
    async saveVersion(id, input, by) {
      const taken = input.create === true ? catalog.versions(id)?.at(-1) : undefined;
      if (taken) {
        const name = taken.definition.name.zh;
        throw new ConflictError(
          'competition_exists',
          `编号 "${id}" 已被竞赛「${name}」使用，请换一个编号（如果是您刚保存的，请在竞赛列表中打开它） / the id "${id}" is taken by the competition "${taken.definition.name.en || name}": choose another id (if you just saved it, open it from the list)`,
        );
      }
      const definition = checked(id, input.definition, by);
      const latest = catalog.versions(id)?.at(-1);
      const current = catalog.competition(id);
      const changes = current ? diffDefinitions(current.definition, definition) : [];
      const unchanged = latest !== undefined && canonical(latest.definition) === canonical(definition);
      const stored = unchanged
        ? latest
        : await catalog.saveCompetition(id, definition, now(), { author: by.name, note: input.note, draft: true });
      if (input.publish && current?.version !== stored.version) {
        await catalog.publish(id, stored.version, now(), { by: by.name, note: input.note });
      }
      const status = catalog.history(id)?.versions.find((v) => v.version === stored.version)?.status ?? 'draft';
      return {
        id,
        outcome: unchanged ? 'unchanged' : 'created',
        version: stored.version,
        status,
        currentVersion: catalog.competition(id)?.version ?? null,
        changes,
      };
    },

    async replace(id, raw, by) {
      const definition = checked(id, raw, by);
      return catalog.saveCompetition(id, definition, now(), { author: by.name });
    },

    async publish(id, input, by) {
      knownOrThrow(id);
      const target = input.version === undefined ? catalog.latestDraft(id) : catalog.version(id, input.version);
      if (!target) {
        if (input.version !== undefined) {
          throw new NotFoundError('version_not_found', `competition "${id}" has no version ${input.version}`);
        }
        throw new ConflictError(
          'nothing_to_publish',
          `没有待发布的草稿 / competition "${id}" has no draft newer than its current version ${catalog.competition(id)?.version ?? '(none)'}; apply a changed definition first, or name a version to roll back to`,
        );
      }
      const previous = catalog.competition(id);
      if (previous?.version === target.version) {
        throw new ConflictError('already_current', `version ${target.version} of "${id}" is already current`);
      }
      refuseCompetitionOutOfScope(by, competitionDefinitions(catalog, id), catalog);
      const publication = await catalog.publish(id, target.version, now(), { by: by.name, note: input.note });
      return {
        id,
        version: target.version,
        previousVersion: previous?.version ?? null,
        publishedAt: publication.publishedAt,
        publishedBy: publication.publishedBy,
        timeZone: target.definition.timeZone,
        changes: previous ? diffDefinitions(previous.definition, target.definition) : [],
      };
    },

    async remove(id, input, by) {
      knownOrThrow(id);
      const history = catalog.history(id);
      const published = history?.versions.find((v) => v.publishedAt !== null);
      if (published) {
        throw new ConflictError(
          'competition_published',
          `竞赛 "${id}" 已发布过（版本 ${published.version}，${published.publishedAt ?? ''}），不能删除；已发布的竞赛保留其排名与历史 / competition "${id}" was published (version ${published.version} at ${published.publishedAt ?? ''}) and cannot be deleted: its standings and history stay; only a competition that was never published can be deleted`,
        );
      }
      refuseCompetitionOutOfScope(by, competitionDefinitions(catalog, id), catalog);
      const stored = await catalog.deleteCompetition(id, now(), { author: by.name, note: input.note });
      return { id, version: stored.version, deletedAt: stored.savedAt, deletedBy: stored.author, note: stored.note };
    },

    async preview(id, input, by) {
      if ((input.definition === undefined) === (input.version === undefined)) {
        throw new InvalidInputError(
          'preview_needs_one',
          'give either a draft definition or a saved version to preview, not both',
          undefined,
          400,
        );
      }
      let draft: Competition;
      let draftVersion: number | null = null;
      if (input.version !== undefined) {
        knownOrThrow(id);
        const stored = catalog.version(id, input.version);
        if (!stored)
          throw new NotFoundError('version_not_found', `competition "${id}" has no version ${input.version}`);
        refuseCompetitionOutOfScope(by, competitionDefinitions(catalog, id), catalog);
        draft = stored.definition;
        draftVersion = stored.version;
      } else {
        draft = checked(id, input.definition, by);
      }
      const current = catalog.competition(id);
      const asOf = input.asOf ?? clampDay(dayInZone(now(), draft.timeZone), draft.period.start, draft.period.end);
      const [currentCrews, draftCrews] = await Promise.all([
        current ? standings.evaluate(id, current.definition, asOf) : Promise.resolve([]),
        standings.evaluate(id, draft, asOf),
      ]);
      return {
        competitionId: id,
        asOf,
        currentVersion: current?.version ?? null,
        draftVersion,
        entrants: draft.entrants,
        changes: current ? diffDefinitions(current.definition, draft) : [],
        ...comparePlacings(currentCrews, draftCrews),
      };
    },
  };
}
