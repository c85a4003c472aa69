import type { DefinitionChange } from '../../schemas/versions.schema.ts';
import type { Paint } from './cli-output.ts';

/** Values as compact JSON, one line each, so a diff can be pasted into a ticket. */
export function compactValue(value: unknown): string {
  if (value === undefined) return '∅';
  // JSON has no text for functions and symbols; a definition never holds them, but say what it was.
  return JSON.stringify(value) ?? `<${typeof value}>`;
}

/** `~ indicators[0].weight: 1 → 1.2`, `+ stages[2]: {…}`, `- vetoes[0]: {…}`. */
export function renderChange(change: DefinitionChange, p: Paint): string {
  switch (change.op) {
    case 'added':
      return p.green(`+ ${change.path}: ${compactValue(change.after)}`);
    case 'removed':
      return p.red(`- ${change.path}: ${compactValue(change.before)}`);
    case 'changed':
      return p.yellow(`~ ${change.path}: ${compactValue(change.before)} → ${compactValue(change.after)}`);
  }
}

/** The changes under a heading, or a line saying there are none. */
export function renderChanges(changes: readonly DefinitionChange[], p: Paint, indent = '  '): string[] {
  if (changes.length === 0) return [`${indent}（无变更 / no changes）`];
  return changes.map((c) => `${indent}${renderChange(c, p)}`);
}
