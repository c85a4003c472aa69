/**
 * A Bloom filter over the keys (crewId, eventId) of stored events: "no" is certain, "maybe" must
 * be checked in storage. The dedupe step asks it first, so a fresh event needs no storage lookup;
 * a duplicate always gets "maybe" and is found in ClickHouse, so counting stays exact.
 *
 * Why: ClickHouse answers "which of these keys are stored?" by reading every granule of the
 * batch's crews, which grows with the table (about 100 ms per 32,000 keys at 3 million events).
 * At about one false "maybe" in 10,000 the lookups that remain name a handful of crews.
 *
 * It grows as a chain of filters (a scalable Bloom filter): each twice the capacity of the last,
 * with half its false-positive rate, so the whole chain stays under twice the first rate.
 */
export interface KeyFilter {
  add(crewId: string, eventId: string): void;
  /** Adds a key given as the bytes `crewId<TAB>eventId`, as ClickHouse writes it in TabSeparated. */
  addLine(bytes: Uint8Array, start: number, end: number): void;
  mightContain(crewId: string, eventId: string): boolean;
  readonly size: number;
}

const FIRST_FALSE_POSITIVE_RATE = 5e-5;
const TAB = 9;

interface Segment {
  bits: Uint32Array;
  nbits: number;
  hashes: number;
  capacity: number;
  count: number;
}

function segment(capacity: number, falsePositiveRate: number): Segment {
  const nbits = Math.ceil((capacity * -Math.log(falsePositiveRate)) / (Math.LN2 * Math.LN2));
  const hashes = Math.ceil(-Math.log2(falsePositiveRate));
  return { bits: new Uint32Array(Math.ceil(nbits / 32)), nbits, hashes, capacity, count: 0 };
}

/** murmur3's finaliser: spreads every input bit over the whole word. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createKeyFilter(initialCapacity = 1 << 20): KeyFilter {
  const segments: Segment[] = [segment(initialCapacity, FIRST_FALSE_POSITIVE_RATE)];
  let size = 0;

  // Two FNV-1a lanes with different bases and primes, combined by double hashing (Kirsch and
  // Mitzenmacher); kept in two numbers rather than a returned pair, as this runs for every event.
  // Ids are ASCII (schemas/common.schema.ts), so a string's char codes are its bytes and a key
  // hashes the same from a request as from ClickHouse's output.
  let lane1 = 0;
  let lane2 = 0;
  function start(): void {
    lane1 = 0x811c9dc5;
    lane2 = 0x2545f491;
  }
  function feed(c: number): void {
    lane1 = Math.imul(lane1 ^ c, 0x01000193);
    lane2 = Math.imul(lane2 ^ c, 0x5bd1e995);
  }
  function feedKey(crewId: string, eventId: string): void {
    start();
    for (let i = 0; i < crewId.length; i++) feed(crewId.charCodeAt(i));
    feed(TAB);
    for (let i = 0; i < eventId.length; i++) feed(eventId.charCodeAt(i));
  }

  function insert(): void {
    const h1 = fmix(lane1);
    const h2 = (fmix(lane2) | 1) >>> 0;
    let s = segments[segments.length - 1];
    if (!s || s.count >= s.capacity) {
      s = segment((s?.capacity ?? initialCapacity) * 2, FIRST_FALSE_POSITIVE_RATE / 2 ** segments.length);
      segments.push(s);
    }
    for (let i = 0; i < s.hashes; i++) {
      const bit = (h1 + i * h2) % s.nbits;
      s.bits[bit >>> 5] = (s.bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
    }
    s.count++;
    size++;
  }

  function contained(): boolean {
    const h1 = fmix(lane1);
    const h2 = (fmix(lane2) | 1) >>> 0;
    for (const s of segments) {
      let all = true;
      for (let i = 0; i < s.hashes && all; i++) {
        const bit = (h1 + i * h2) % s.nbits;
        all = ((s.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }

  return {
    add(crewId, eventId) {
      feedKey(crewId, eventId);
      insert();
    },
    addLine(bytes, from, to) {
      start();
      for (let i = from; i < to; i++) feed(bytes[i] ?? 0);
      insert();
    },
    mightContain(crewId, eventId) {
      feedKey(crewId, eventId);
      return contained();
    },
    get size() {
      return size;
    },
  };
}
