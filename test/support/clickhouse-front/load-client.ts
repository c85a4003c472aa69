import { createClickHouse } from '../../../services/storage/clickhouse-client.ts';
import { insertRows } from '../../../services/storage/insert-rows.ts';

// One of several processes writing and reading through the front at once (its conformance test):
// the product's own client and insert path, as a scoring instance uses them.
const env = process.env;
const writer = env['WRITER'] ?? 'w';
const batches = Number(env['BATCHES'] ?? 10);
const rowsPerBatch = Number(env['ROWS'] ?? 1000);
const client = createClickHouse({
  mode: 'server',
  url: env['FRONT_URL'] ?? '',
  username: 'default',
  password: env['FRONT_PASSWORD'] ?? '',
  database: 'default',
});
let seen = 0;
for (let b = 0; b < batches; b++) {
  const rows = Array.from({ length: rowsPerBatch }, (_, i) => [writer, b * rowsPerBatch + i, `${writer}-${b}-${i}`]);
  await insertRows(client, 'front_load', rows, ['writer', 'n', 'label'], {
    insert_deduplication_token: `${writer}:${b}`,
  });
  const result = await client.query({
    query: 'SELECT count() AS n FROM front_load WHERE writer = {writer:String}',
    query_params: { writer },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string | number }>();
  // Each read sees at least everything this process wrote before it.
  seen = Number(row?.n ?? 0);
  if (seen < (b + 1) * rowsPerBatch)
    throw new Error(`${writer}: read ${seen} rows after writing ${(b + 1) * rowsPerBatch}`);
}
await client.close();
process.stdout.write(`${JSON.stringify({ writer, seen })}\n`);
