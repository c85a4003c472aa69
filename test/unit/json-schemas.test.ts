import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMAS, jsonSchemaText } from '../../schemas/json-schemas.ts';

const committed = (name: string): string =>
  readFileSync(new URL(`../../schemas/json/${name}`, import.meta.url), 'utf8');

describe('exported JSON Schemas', () => {
  it.each(Object.keys(JSON_SCHEMAS))('schemas/json/%s matches the zod schema (run npm run schemas)', (name) => {
    const schema = JSON_SCHEMAS[name];
    if (!schema) throw new Error(name);
    expect(committed(name)).toBe(jsonSchemaText(name, schema));
  });

  // A station system in another language validates with any JSON Schema validator; ajv stands in.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(committed('event.schema.json')) as object);

  it.each([
    [
      {
        eventId: 'e1',
        crewId: 'C1',
        type: 'sales',
        occurredAt: '2026-03-10T09:00:00+08:00',
        volume: 10,
        unit: 'litres',
      },
      true,
    ],
    [
      {
        eventId: 'e1',
        crewId: 'C1',
        type: 'sales',
        occurredAt: '2026-03-10T09:00:00+08:00',
        volume: -1,
        unit: 'litres',
      },
      false,
    ],
    [{ eventId: 'e1', crewId: 'C1', type: 'sales', occurredAt: '2026-03-10 09:00', volume: 1, unit: 'litres' }, false],
    [{ eventId: 'e2', crewId: 'C1', type: 'violation', occurredAt: '2026-03-10T09:00:00Z', kind: 'operation' }, true],
    [{ eventId: 'e3', crewId: 'C1', type: 'teleport', occurredAt: '2026-03-10T09:00:00Z' }, false],
    [
      {
        eventId: 'e4',
        crewId: 'C1',
        type: 'innovation',
        occurredAt: '2026-03-10T09:00:00Z',
        innovationId: 'I1',
        category: 'design',
        status: 'awarded',
        awardLevel: 4,
      },
      false,
    ],
  ])('validates %j as %s', (event, valid) => {
    expect(validate(event)).toBe(valid);
  });
});
