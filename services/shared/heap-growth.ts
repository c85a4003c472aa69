import { setFlagsFromString } from 'node:v8';

/**
 * Bounds how far V8 lets the heap grow past the objects alive after a full collection before it
 * collects again (HEAP_GROWTH_PERCENT; 0 leaves V8's own choice). V8 grows it by up to four
 * times: the scoring service's live objects are 100–200 MB while a batch is decoded, its heap
 * reached 650 MB, which is RSS. V8 reads this flag at each collection, so it takes effect when
 * set after start-up (docs/performance.md, 内存 · Memory).
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
