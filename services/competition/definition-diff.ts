import type { DefinitionChange } from '../../schemas/versions.schema.ts';
import { formatPath } from '../shared/errors.ts';

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Arrays of things with ids (indicators, vetoes, stages) are matched by id, so inserting one is one change. */
function idOf(value: Json): string | undefined {
  return isRecord(value) && typeof value['id'] === 'string' ? value['id'] : undefined;
}

function sameJson(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function diffArrays(before: Json[], after: Json[], path: PropertyKey[], out: DefinitionChange[]): void {
  const keyed = [...before, ...after].every((v) => idOf(v) !== undefined);
  if (!keyed) {
    const length = Math.max(before.length, after.length);
    for (let i = 0; i < length; i++)
      diffValues(before[i], after[i], [...path, i], out, i < before.length, i < after.length);
    return;
  }
  const beforeById = new Map(before.map((v, i) => [idOf(v), { value: v, index: i }]));
  const afterIds = new Set(after.map(idOf));
  after.forEach((value, index) => {
    const previous = beforeById.get(idOf(value));
    diffValues(previous?.value, value, [...path, index], out, previous !== undefined, true);
  });
  before.forEach((value, index) => {
    if (!afterIds.has(idOf(value))) out.push({ path: formatPath([...path, index]), op: 'removed', before: value });
  });
}

function diffValues(
  before: Json,
  after: Json,
  path: PropertyKey[],
  out: DefinitionChange[],
  hadBefore = before !== undefined,
  hasAfter = after !== undefined,
): void {
  if (!hadBefore && !hasAfter) return;
  if (!hadBefore) {
    out.push({ path: formatPath(path), op: 'added', after });
    return;
  }
  if (!hasAfter) {
    out.push({ path: formatPath(path), op: 'removed', before });
    return;
  }
  if (sameJson(before, after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    diffArrays(before, after, path, out);
    return;
  }
  // A rule whose kind changed is one change, not a field-by-field list of unrelated fields.
  if (isRecord(before) && isRecord(after) && before['kind'] === after['kind']) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      diffValues(before[key], after[key], [...path, key], out, key in before, key in after);
    }
    return;
  }
  out.push({ path: formatPath(path), op: 'changed', before, after });
}

/**
 * What changes from one definition to another, by path (indicators[1].weight), as the API
 * answers apply, preview and publish. Both sides are parsed definitions, so defaults are filled
 * in and a field left out is the same as its default.
 */
export function diffDefinitions(before: Json, after: Json): DefinitionChange[] {
  const out: DefinitionChange[] = [];
  diffValues(before, after, [], out);
  return out;
}
