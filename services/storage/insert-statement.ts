/** Pieces of INSERT statements: names and values written into the SQL text. */

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain ClickHouse identifier`);
  return name;
}

/** A ClickHouse string literal. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Settings of an insert statement's SETTINGS clause, as `name = value` each. */
export function settingList(settings: Readonly<Record<string, string | number>>): string[] {
  return Object.entries(settings).map(
    ([name, value]) => `${identifier(name)} = ${typeof value === 'number' ? String(value) : quoted(value)}`,
  );
}

/** ` (a, b, c)`, or nothing without columns. */
export function columnList(columns: readonly string[] | undefined): string {
  return columns ? ` (${columns.map(identifier).join(', ')})` : '';
}
