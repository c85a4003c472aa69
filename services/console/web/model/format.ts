/** Numbers and times as a union office reads them. Pure. */

export function points(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

/** An ISO instant in Beijing time, to the minute: 2026-03-10 10:05. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** The ranking groups of a definition as the standings API names them. */
export function groupsOf(
  rankingGroups: readonly string[],
  org: { branches: { id: string; name: string }[]; units: { type: string }[] } | undefined,
): { value: string; kind: 'overall' | 'branch' | 'unit_type'; key: string }[] {
  const out: { value: string; kind: 'overall' | 'branch' | 'unit_type'; key: string }[] = [
    { value: 'overall', kind: 'overall', key: '' },
  ];
  if (rankingGroups.includes('branch')) {
    for (const b of org?.branches ?? []) out.push({ value: `branch:${b.id}`, kind: 'branch', key: b.name });
  }
  if (rankingGroups.includes('unit_type')) {
    for (const type of [...new Set(org?.units.map((u) => u.type) ?? [])]) {
      out.push({ value: `unit_type:${type}`, kind: 'unit_type', key: type });
    }
  }
  return out;
}
