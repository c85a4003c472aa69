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
