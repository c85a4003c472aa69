import type { Catalog } from './catalog.ts';

/**
 * Whether the registry lists a person: a set of ids rebuilt when the registry's version changes,
 * not on every event (100,000 persons).
 */
export function personLookup(catalog: Pick<Catalog, 'org' | 'orgVersion'>): (personId: string) => boolean {
  let known: { version: number; ids: ReadonlySet<string> } | undefined;
  return (personId) => {
    const version = catalog.orgVersion();
    if (known?.version !== version) known = { version, ids: new Set(catalog.org().persons.map((p) => p.id)) };
    return known.ids.has(personId);
  };
}
