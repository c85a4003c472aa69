/**
 * Child process of test/unit/heap-growth.test.ts: applies HEAP_GROWTH_PERCENT's limit (argv[2])
 * after start-up, as the services do, then keeps three batches of 100,000 small objects alive at
 * a time (about 40 MB), as the consumer keeps its batches, and prints the largest heap in MB.
 */
import { limitHeapGrowth } from '../../services/shared/heap-growth.ts';

limitHeapGrowth(Number(process.argv[2]));
const live: unknown[][] = [];
let peak = 0;
for (let round = 0; round < 60; round++) {
  const batch: unknown[] = [];
  for (let i = 0; i < 100_000; i++) batch.push({ crewId: `C${i}`, volume: i, sums: [i, i + 1] });
  live.push(batch);
  if (live.length > 3) live.shift();
  await new Promise((resolve) => setTimeout(resolve, 5));
  peak = Math.max(peak, process.memoryUsage().heapTotal);
}
process.stdout.write(String(Math.round(peak / 1_048_576)));
