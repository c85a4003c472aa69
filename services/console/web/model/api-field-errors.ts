/**
 * Errors the API's answer put under a console form's fields, and the value each field had then. antd
 * drops a field's errors only when its own rules run again, and many fields have
 * none (the API checks them): an organiser who corrected a value would keep seeing the API's word
 * about the value it replaced ("必须是数字" under 12). Pure: no React, no antd.
 */
export type FieldName = (string | number)[];

export interface ApiFieldError {
  name: FieldName;
  /** The field's value the API answered about. */
  value: unknown;
}

/** JSON is what went to the API: two values it cannot tell apart are the same answer. */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The fields whose value is no longer the one the API found a problem with. */
export function correctedFields(marked: readonly ApiFieldError[], valueOf: (name: FieldName) => unknown): FieldName[] {
  return marked.filter((m) => !same(m.value, valueOf(m.name))).map((m) => m.name);
}

/** Errors the API's answer put under one field. */
export interface FieldErrors {
  name: FieldName;
  errors: string[];
}

/** One entry per field, its errors in the answer's order (antd shows only the last setFields of a name). */
export function byField(problems: readonly FieldErrors[]): FieldErrors[] {
  const merged = new Map<string, FieldErrors>();
  for (const { name, errors } of problems) {
    const key = JSON.stringify(name);
    const entry = merged.get(key) ?? { name, errors: [] };
    entry.errors.push(...errors);
    merged.set(key, entry);
  }
  return [...merged.values()];
}

/**
 * The marks after a list lost its item at `index` (a Form.List's remove): antd moves each later
 * item's fields, and the errors shown under them, one place up, so their marks move with them;
 * the removed item's marks go with its fields. Left as they were, a mark named the item that
 * moved into its place, was taken for corrected, and clearing it took the error off the item it
 * was about (antd's fields still had their old names then), problem and all: the organiser saw
 * nothing wrong until the next save.
 */
export function afterListRemoval<M extends ApiFieldError>(marked: readonly M[], list: FieldName, index: number): M[] {
  return marked.flatMap((mark) => {
    const { name } = mark;
    const inList = name.length > list.length && list.every((part, i) => name[i] === part);
    const at = inList ? name[list.length] : undefined;
    if (typeof at !== 'number' || at < index) return [mark];
    if (at === index) return [];
    return [{ ...mark, name: [...list, at - 1, ...name.slice(list.length + 1)] }];
  });
}
