import type { Publication, StoredCompetition } from '../storage/competitions.store.ts';

export type VersionStatus = 'current' | 'draft' | 'superseded';

export interface VersionRecord {
  version: number;
  savedAt: string;
  author: string;
  note: string;
  status: VersionStatus;
  /** When it last became current; null if never. */
  publishedAt: string | null;
  publishedBy: string | null;
  /** Why it was last made current: the publication's note (a version saved current: its own note). */
  publishedNote: string | null;
}

export interface CompetitionHistory {
  /** Oldest first. */
  versions: readonly StoredCompetition[];
  publications: readonly Publication[];
}

interface Activation {
  version: number;
  at: string;
  by: string;
  note: string;
}

/**
 * Every moment a version became current, in order: a version saved without draft was current
 * from its save (how every version was saved before drafts existed), a publication from then on.
 */
function activations(history: CompetitionHistory): Activation[] {
  const out: Activation[] = [
    ...history.versions
      .filter((v) => !v.draft)
      .map((v) => ({ version: v.version, at: v.savedAt, by: v.author, note: v.note })),
    ...history.publications.map((p) => ({ version: p.version, at: p.publishedAt, by: p.publishedBy, note: p.note })),
  ];
  // Equal instants keep insertion order (a save, then a publication of the same moment); sort is stable.
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** The version standings use: the one made current last. */
export function currentVersion(history: CompetitionHistory): number | undefined {
  return activations(history).at(-1)?.version;
}

/** Each version with its status, newest first. */
export function versionRecords(history: CompetitionHistory): VersionRecord[] {
  const acts = activations(history);
  const current = acts.at(-1)?.version;
  const lastActivation = new Map<number, Activation>();
  for (const a of acts) lastActivation.set(a.version, a);
  return [...history.versions].reverse().map((v) => {
    const active = lastActivation.get(v.version);
    const status: VersionStatus =
      v.version === current ? 'current' : isDraft(v.version, current, active) ? 'draft' : 'superseded';
    return {
      version: v.version,
      savedAt: v.savedAt,
      author: v.author,
      note: v.note,
      status,
      publishedAt: active?.at ?? null,
      publishedBy: active?.by ?? null,
      publishedNote: active?.note ?? null,
    };
  });
}

/** Saved after the current version and never current (after a rollback, newer versions are not drafts). */
function isDraft(version: number, current: number | undefined, activation: Activation | undefined): boolean {
  return activation === undefined && (current === undefined || version > current);
}

/** The newest draft, if any: what "publish" publishes by default. */
export function latestDraft(history: CompetitionHistory): StoredCompetition | undefined {
  const acts = activations(history);
  const current = acts.at(-1)?.version;
  const latest = history.versions.at(-1);
  if (!latest) return undefined;
  return isDraft(
    latest.version,
    current,
    acts.find((a) => a.version === latest.version),
  )
    ? latest
    : undefined;
}
