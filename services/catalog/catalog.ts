import type { ClickHouseClient } from '@clickhouse/client';
import type { Competition } from '../../schemas/competition.schema.ts';
import type { Org } from '../../schemas/org.schema.ts';
import {
  currentVersion,
  latestDraft,
  versionRecords,
  type CompetitionHistory,
  type VersionRecord,
} from '../competition/version-history.ts';
import {
  loadCompetitionVersions,
  loadPublications,
  saveCompetitionVersion,
  savePublication,
  type Publication,
  type StoredCompetition,
} from '../storage/competitions.store.ts';
import { createOneAtATime } from '../shared/one-at-a-time.ts';
import { loadLatestOrg, saveOrg } from '../storage/org.store.ts';
import type { CrewProfile } from '../scoring/engine/types.ts';

const NO_TARGETS: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map();

const EMPTY_ORG: Org = { groupName: '集团公司', branches: [], units: [], crews: [], persons: [], targets: [] };

/**
 * What changed scores in the catalog: a new registry version (participants, headcounts, targets
 * feed every competition), or competitions whose current version changed (a publish, a rollback,
 * a PUT, or another instance's change seen on reload).
 */
export type CatalogChange =
  { kind: 'registry'; version: number } | { kind: 'rules'; competitionIds: readonly string[] };

export interface Catalog {
  org(): Org;
  orgVersion(): number;
  crew(crewId: string): CrewProfile | undefined;
  competition(id: string): StoredCompetition | undefined;
  competitions(): StoredCompetition[];
  /**
   * Crews taking part in a competition, in registry order; a retired crew takes part in none. The
   * same array while the registry and the definition are the same: callers must not change it.
   */
  participants(competition: Competition): readonly CrewProfile[];
  /** crewId -> metric -> target, for one competition. */
  targets(competitionId: string): ReadonlyMap<string, ReadonlyMap<string, number>>;
  replaceOrg(org: Org, now: Date): Promise<number>;
  /**
   * Plans a change against the latest registry and saves the result, in the same turn as every
   * other registry or competition save: two imports at once cannot lose each other's rows.
   * The plan returns null to save nothing.
   */
  updateOrg<T>(
    plan: (current: Org) => { org: Org | null; result: T },
    now: Date,
  ): Promise<{ version: number | null; result: T }>;
  /**
   * Saves a new version of a competition. Without `draft` it is current at once (PUT); a draft
   * waits for publish.
   */
  saveCompetition(
    id: string,
    definition: Competition,
    now: Date,
    meta?: { author?: string; note?: string; draft?: boolean },
  ): Promise<StoredCompetition>;
  /**
   * Deletes a competition that was never published: one more version, marked deleted, keeps the
   * saved ones as history; the id is gone from every list, and saving it again starts anew.
   */
  deleteCompetition(id: string, now: Date, meta: { author: string; note: string }): Promise<StoredCompetition>;
  /** Makes a saved version current. */
  publish(id: string, version: number, now: Date, meta: { by: string; note: string }): Promise<Publication>;
  /** Every saved version of a competition (oldest first), drafts included; undefined if never saved. */
  versions(id: string): readonly StoredCompetition[] | undefined;
  version(id: string, version: number): StoredCompetition | undefined;
  /** Each version with its status, newest first, and the current version. */
  history(id: string): { currentVersion: number | undefined; versions: VersionRecord[] } | undefined;
  latestDraft(id: string): StoredCompetition | undefined;
  /** Every competition with a saved version, drafts included. */
  competitionIds(): string[];
  /** Re-reads registry and competitions from storage (another process may have written them). */
  reload(): Promise<void>;
  /** Told after every change of the registry version or of a competition's current version. */
  onChange(listener: (change: CatalogChange) => void): void;
}

function profiles(org: Org): Map<string, CrewProfile> {
  const branches = new Map(org.branches.map((b) => [b.id, b]));
  const units = new Map(org.units.map((u) => [u.id, u]));
  const out = new Map<string, CrewProfile>();
  for (const crew of org.crews) {
    const unit = units.get(crew.unitId);
    const branch = unit ? branches.get(unit.branchId) : undefined;
    if (!unit || !branch) continue; // the Org schema guarantees both; this keeps the types honest
    out.set(crew.id, {
      crewId: crew.id,
      crewName: crew.name,
      unitId: unit.id,
      unitName: unit.name,
      unitType: unit.type,
      branchId: branch.id,
      branchName: branch.name,
      headcount: crew.headcount,
    });
  }
  return out;
}

function targetIndex(org: Org): Map<string, Map<string, Map<string, number>>> {
  const index = new Map<string, Map<string, Map<string, number>>>();
  for (const t of org.targets) {
    let byCrew = index.get(t.competitionId);
    if (!byCrew) index.set(t.competitionId, (byCrew = new Map<string, Map<string, number>>()));
    let byMetric = byCrew.get(t.crewId);
    if (!byMetric) byCrew.set(t.crewId, (byMetric = new Map<string, number>()));
    byMetric.set(t.metric, t.value);
  }
  return index;
}

/** The registry and competition definitions, held in memory and written through to ClickHouse. */
export async function createCatalog(client: ClickHouseClient): Promise<Catalog> {
  let org = EMPTY_ORG;
  let orgVersion = 0;
  let crews = new Map<string, CrewProfile>();
  let retired = new Set<string>();
  /**
   * Participants per definition, for the current registry: every refresh of every competition
   * asks (300 competitions over 10,000 crews filtered 10,000 profiles each, per refresh cycle).
   */
  let participantsOf = new WeakMap<Competition, readonly CrewProfile[]>();
  /**
   * The same participants (every crew, or the same branches, units and crews chosen) are the same
   * array for every definition naming them, so what the scoring engine keeps per entrant array
   * (the crewId order, the index by id, the ranking groups' members) is kept once for all of them:
   * 300 competitions over the same 10,000 crews held 300 copies and built them again (issue 19).
   */
  let participantsBySpec = new Map<string, readonly CrewProfile[]>();
  let targets = new Map<string, Map<string, Map<string, number>>>();
  let competitions = new Map<string, StoredCompetition>();
  let histories = new Map<string, CompetitionHistory>();
  /** The highest version number stored per id, deleted ones included: numbering goes on after a deletion. */
  let lastVersions = new Map<string, number>();
  const oneAtATime = createOneAtATime();
  const listeners: ((change: CatalogChange) => void)[] = [];

  function currentVersions(): Map<string, number> {
    return new Map([...competitions].map(([id, c]) => [id, c.version]));
  }

  /** Tells the listeners what a change of the catalog's state changed, once it is in place. */
  function announce(orgBefore: number, versionsBefore: Map<string, number>): void {
    const changes: CatalogChange[] = [];
    if (orgVersion !== orgBefore) changes.push({ kind: 'registry', version: orgVersion });
    const competitionIds = [...competitions.keys()].filter(
      (id) => versionsBefore.get(id) !== competitions.get(id)?.version,
    );
    if (competitionIds.length > 0) changes.push({ kind: 'rules', competitionIds });
    for (const change of changes) for (const listener of listeners) listener(change);
  }

  /** Runs a change of the state and announces what it changed. */
  function changing<T>(change: () => T): T {
    const orgBefore = orgVersion;
    const versionsBefore = currentVersions();
    const result = change();
    announce(orgBefore, versionsBefore);
    return result;
  }

  function useHistories(next: Map<string, CompetitionHistory>): void {
    histories = next;
    competitions = new Map();
    for (const [id, history] of next) {
      const current = currentVersion(history);
      const stored = history.versions.find((v) => v.version === current);
      if (stored) competitions.set(id, stored);
    }
  }

  function historyOf(id: string): CompetitionHistory {
    return histories.get(id) ?? { versions: [], publications: [] };
  }

  function useOrg(next: Org, version: number): void {
    org = next;
    orgVersion = version;
    crews = profiles(next);
    retired = new Set(next.crews.filter((c) => c.retired === true).map((c) => c.id));
    participantsOf = new WeakMap();
    participantsBySpec = new Map();
    targets = targetIndex(next);
  }

  async function reload(): Promise<void> {
    const [stored, versions, publications] = await Promise.all([
      loadLatestOrg(client),
      loadCompetitionVersions(client),
      loadPublications(client),
    ]);
    const next = new Map<string, CompetitionHistory>();
    lastVersions = new Map();
    for (const v of versions) {
      lastVersions.set(v.id, Math.max(lastVersions.get(v.id) ?? 0, v.version));
      // A deletion ends the id's history so far (versions load oldest first).
      if (v.deleted) next.delete(v.id);
      else next.set(v.id, { versions: [...(next.get(v.id)?.versions ?? []), v], publications: [] });
    }
    for (const p of publications) {
      const history = next.get(p.competitionId);
      if (history) next.set(p.competitionId, { ...history, publications: [...history.publications, p] });
    }
    changing(() => {
      if (stored) useOrg(stored.org, stored.version);
      useHistories(next);
    });
  }

  await reload();

  return {
    org: () => org,
    orgVersion: () => orgVersion,
    crew: (crewId) => crews.get(crewId),
    competition: (id) => competitions.get(id),
    competitions: () => [...competitions.values()].sort((a, b) => a.id.localeCompare(b.id)),
    participants(competition) {
      const kept = participantsOf.get(competition);
      if (kept !== undefined) return kept;
      const p = competition.participants;
      const spec = p.scope === 'all' ? 'all' : JSON.stringify([p.branchIds, p.unitIds, p.crewIds]);
      let chosen = participantsBySpec.get(spec);
      if (chosen === undefined) {
        // Still in the registry (its events, frozen standings and name are kept), no longer ranked.
        const all = [...crews.values()].filter((c) => !retired.has(c.crewId));
        chosen = all;
        if (p.scope !== 'all') {
          const branchIds = new Set(p.branchIds);
          const unitIds = new Set(p.unitIds);
          const crewIds = new Set(p.crewIds);
          chosen = all.filter((c) => branchIds.has(c.branchId) || unitIds.has(c.unitId) || crewIds.has(c.crewId));
        }
        participantsBySpec.set(spec, chosen);
      }
      participantsOf.set(competition, chosen);
      return chosen;
    },
    // The same empty map each time: the score memo keeps scores only while the targets are the same object.
    targets: (competitionId) => targets.get(competitionId) ?? NO_TARGETS,
    replaceOrg: (next, now) =>
      oneAtATime(async () => {
        const stored = await saveOrg(client, next, orgVersion, now);
        changing(() => useOrg(stored.org, stored.version));
        return stored.version;
      }),
    updateOrg: (plan, now) =>
      oneAtATime(async () => {
        const { org: next, result } = plan(org);
        if (!next) return { version: null, result };
        const stored = await saveOrg(client, next, orgVersion, now);
        changing(() => useOrg(stored.org, stored.version));
        return { version: stored.version, result };
      }),
    saveCompetition: (id, definition, now, meta = {}) =>
      oneAtATime(async () => {
        const history = historyOf(id);
        const stored: StoredCompetition = {
          id,
          version: (lastVersions.get(id) ?? 0) + 1,
          savedAt: now.toISOString(),
          author: meta.author ?? '',
          note: meta.note ?? '',
          draft: meta.draft ?? false,
          deleted: false,
          definition,
        };
        await saveCompetitionVersion(client, stored);
        lastVersions.set(id, stored.version);
        changing(() =>
          useHistories(new Map(histories).set(id, { ...history, versions: [...history.versions, stored] })),
        );
        return stored;
      }),
    deleteCompetition: (id, now, meta) =>
      oneAtATime(async () => {
        const latest = historyOf(id).versions.at(-1);
        if (!latest) throw new Error(`competition "${id}" has no version to delete`);
        const stored: StoredCompetition = {
          ...latest,
          version: (lastVersions.get(id) ?? 0) + 1,
          savedAt: now.toISOString(),
          author: meta.author,
          note: meta.note,
          draft: true,
          deleted: true,
        };
        await saveCompetitionVersion(client, stored);
        lastVersions.set(id, stored.version);
        const next = new Map(histories);
        next.delete(id);
        useHistories(next);
        return stored;
      }),
    publish: (id, version, now, meta) =>
      oneAtATime(async () => {
        const history = historyOf(id);
        const publication: Publication = {
          competitionId: id,
          version,
          publishedAt: now.toISOString(),
          publishedBy: meta.by,
          note: meta.note,
        };
        await savePublication(client, publication);
        changing(() =>
          useHistories(
            new Map(histories).set(id, { ...history, publications: [...history.publications, publication] }),
          ),
        );
        return publication;
      }),
    versions: (id) => histories.get(id)?.versions,
    version: (id, version) => histories.get(id)?.versions.find((v) => v.version === version),
    history(id) {
      const history = histories.get(id);
      if (!history) return undefined;
      return { currentVersion: currentVersion(history), versions: versionRecords(history) };
    },
    competitionIds: () => [...histories.keys()].sort(),
    latestDraft: (id) => {
      const history = histories.get(id);
      return history ? latestDraft(history) : undefined;
    },
    reload,
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
