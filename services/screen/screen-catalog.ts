import type { ClickHouseClient } from '@clickhouse/client';
import type { ScreenSet } from '../../schemas/screen.schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { InvalidInputError, type FieldError } from '../shared/errors.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import { loadCurrentScreens, saveScreenVersion, type StoredScreen } from '../storage/screens.store.ts';
import { BUILT_IN_PREFIX, builtInScreenId, defaultScreenFor } from './default-screen.ts';

export interface ResolvedScreen {
  id: string;
  /** 0 for a competition's built-in screen. */
  version: number;
  savedAt: string | null;
  builtIn: boolean;
  definition: ScreenSet;
}

export interface ScreenCatalog {
  screen(id: string): ResolvedScreen | undefined;
  /** Saved screens first, then every competition's built-in one. */
  list(): ResolvedScreen[];
  save(id: string, definition: ScreenSet, now: Date): Promise<StoredScreen>;
  /**
   * Deletes a saved screen set: one more version marked deleted keeps the saved ones as history;
   * the id is gone from every list and saving it again starts anew. The caller checks it was never
   * published (no display link).
   */
  remove(id: string, now: Date, meta: { author: string; note: string }): Promise<StoredScreen>;
  reload(): Promise<void>;
}

export function competitionsOf(screen: ScreenSet): string[] {
  return [...new Set(screen.views.map((v) => v.competitionId))];
}

/** Every problem of a screen set against the competitions and registry, each with its path. */
export function screenProblems(screen: ScreenSet, catalog: Catalog): FieldError[] {
  const problems: FieldError[] = [];
  const org = catalog.org();
  const branchIds = new Set(org.branches.map((b) => b.id));
  const unitTypes = new Set(org.units.map((u) => u.type));
  screen.views.forEach((view, index) => {
    const at = (field: string) => `views[${index}].${field}`;
    const competition = catalog.competition(view.competitionId);
    if (!competition) {
      problems.push({ path: at('competitionId'), message: `competition "${view.competitionId}" does not exist` });
      return;
    }
    const def = competition.definition;
    if ('indicators' in view && view.indicators) {
      const known = new Set(def.indicators.map((i) => i.id));
      view.indicators.forEach((id, i) => {
        if (!known.has(id)) {
          problems.push({
            path: at(`indicators[${i}]`),
            message: `competition "${competition.id}" has no indicator "${id}"; it has ${[...known].join(', ')}`,
          });
        }
      });
    }
    if (view.kind === 'ranking' && view.group !== 'overall') {
      const [groupBy, key = ''] = view.group.split(/:(.*)/s) as [string, string?];
      if (!def.rankingGroups.includes(groupBy as 'branch' | 'unit_type')) {
        problems.push({
          path: at('group'),
          message: `competition "${competition.id}" does not rank by ${groupBy}; its ranking groups are ${def.rankingGroups.join(', ')}`,
        });
      } else if (groupBy === 'branch' ? !branchIds.has(key) : !unitTypes.has(key as never)) {
        problems.push({
          path: at('group'),
          message: `no ${groupBy === 'branch' ? 'branch' : 'unit type'} "${key}" in the registry`,
        });
      }
    }
    if (view.kind === 'branch_tops' && !def.rankingGroups.includes('branch')) {
      problems.push({
        path: at('kind'),
        message: `competition "${competition.id}" does not rank by branch: add "branch" to its rankingGroups or use a ranking view`,
      });
    }
    if (view.kind === 'innovations' && !def.indicators.some((i) => i.rule.kind === 'innovation')) {
      problems.push({ path: at('kind'), message: `competition "${competition.id}" scores no 五小 innovations` });
    }
  });
  return problems;
}

/** Saved screen sets, held in memory and written through to ClickHouse, plus each competition's built-in one. */
export async function createScreenCatalog(client: ClickHouseClient, catalog: Catalog): Promise<ScreenCatalog> {
  let saved = new Map<string, StoredScreen>();
  /** The highest version per id, deleted ones included: numbering goes on after a deletion. */
  let lastVersions = new Map<string, number>();
  const oneAtATime = createOneAtATime();

  async function reload(): Promise<void> {
    const current = await loadCurrentScreens(client);
    lastVersions = new Map(current.map((s) => [s.id, s.version]));
    saved = new Map(current.filter((s) => !s.deleted).map((s) => [s.id, s]));
  }
  await reload();

  const fromSaved = (s: StoredScreen): ResolvedScreen => ({
    id: s.id,
    version: s.version,
    savedAt: s.savedAt,
    builtIn: false,
    definition: s.definition,
  });

  function screen(id: string): ResolvedScreen | undefined {
    const stored = saved.get(id);
    if (stored) return fromSaved(stored);
    if (!id.startsWith(BUILT_IN_PREFIX)) return undefined;
    const competition = catalog.competition(id.slice(BUILT_IN_PREFIX.length));
    if (!competition) return undefined;
    return {
      id,
      version: 0,
      savedAt: null,
      builtIn: true,
      definition: defaultScreenFor(competition, catalog.org().branding),
    };
  }

  return {
    screen,
    list() {
      const builtIn = catalog
        .competitions()
        .map((c) => screen(builtInScreenId(c.id)))
        .filter((s) => s !== undefined);
      return [...[...saved.values()].map(fromSaved), ...builtIn];
    },
    save(id, definition, now) {
      if (id.startsWith(BUILT_IN_PREFIX)) {
        throw new InvalidInputError(
          'screen_id_reserved',
          `screen ids starting with "${BUILT_IN_PREFIX}" are the competitions' built-in screens; choose another id`,
          [{ path: 'id', message: `starts with "${BUILT_IN_PREFIX}"` }],
        );
      }
      const problems = screenProblems(definition, catalog);
      if (problems.length > 0) {
        throw new InvalidInputError(
          'invalid_screen',
          `the screen set has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
          problems,
        );
      }
      return oneAtATime(async () => {
        const stored = await saveScreenVersion(client, id, definition, (lastVersions.get(id) ?? 0) + 1, now);
        lastVersions.set(id, stored.version);
        saved.set(id, stored);
        return stored;
      });
    },
    remove(id, now, meta) {
      return oneAtATime(async () => {
        const current = saved.get(id);
        if (!current) throw new Error(`screen set "${id}" is not saved`);
        const stored = await saveScreenVersion(
          client,
          id,
          current.definition,
          (lastVersions.get(id) ?? 0) + 1,
          now,
          meta,
        );
        lastVersions.set(id, stored.version);
        saved.delete(id);
        return stored;
      });
    },
    reload,
  };
}
