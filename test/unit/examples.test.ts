import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';

// The README sends organisers to these files first: they must pass the same schema as the API.
describe('schemas/examples', () => {
  it('competition.yaml is a valid competition whose weights add up to its weightTotal', () => {
    const file = parse(readFileSync(new URL('../../schemas/examples/competition.yaml', import.meta.url), 'utf8')) as {
      id?: unknown;
    };
    const { id, ...definition } = file;
    expect(id).toBe('m11');
    const parsed = Competition.safeParse(definition);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(parsed.data?.stages.map((s) => s.id)).toEqual(['w1', 'w2', 'w3', 'w4']);
  });

  const templates = new URL('../../schemas/examples/templates/', import.meta.url);
  it.each(readdirSync(templates).filter((f) => f.endsWith('.yaml')))('templates/%s is a valid competition', (file) => {
    const { id, ...definition } = parse(readFileSync(new URL(file, templates), 'utf8')) as { id?: unknown };
    expect(id).toEqual(expect.stringMatching(/^[a-z][a-z-]*$/));
    const parsed = Competition.safeParse(definition);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });
});
