/** npm run schemas: writes the JSON Schema of every contract into schemas/json/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMAS, jsonSchemaText } from './json-schemas.ts';

const dir = fileURLToPath(new URL('./json/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(JSON_SCHEMAS)) {
  writeFileSync(`${dir}${name}`, jsonSchemaText(name, schema));
  process.stdout.write(`wrote schemas/json/${name}\n`);
}
