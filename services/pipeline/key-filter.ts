/**
 * A Bloom filter over event keys: "no" is certain, "maybe" must be checked in storage. The
 * dedupe step asks it first, so fresh events (nearly all of them) need no storage lookup; a
 * duplicate always gets a "maybe" and is found in ClickHouse, so counting stays exact.
 * It grows as a chain of filters, each twice the size of the last, to keep false positives low.
 */
export interface KeyFilter {
  add(key: string): void;
  mightContain(key: string): boolean;
  readonly size: number;
}

const BITS_PER_KEY = 10; // about 1 % false positives with 7 hashes
const HASHES = 7;

function hashes(key: string): [number, number] {
  // FNV-1a and a variant with another basis: two 32-bit hashes, combined by double hashing.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

interface Segment {
  bits: Uint32Array;
  nbits: number;
  capacity: number;
  count: number;
}

function segment(capacity: number): Segment {
  const nbits = capacity * BITS_PER_KEY;
  return { bits: new Uint32Array(Math.ceil(nbits / 32)), nbits, capacity, count: 0 };
}

export function createKeyFilter(initialCapacity = 1 << 20): KeyFilter {
  const segments: Segment[] = [segment(initialCapacity)];
  let size = 0;

  function has(s: Segment, h1: number, h2: number): boolean {
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) % s.nbits;
      if (((s.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  return {
    add(key) {
      let s = segments[segments.length - 1];
      if (!s || s.count >= s.capacity) {
        s = segment((s?.capacity ?? initialCapacity) * 2);
        segments.push(s);
      }
      const [h1, h2] = hashes(key);
      for (let i = 0; i < HASHES; i++) {
        const bit = (h1 + i * h2) % s.nbits;
        s.bits[bit >>> 5] = (s.bits[bit >>> 5] ?? 0) | (1 << (bit & 31));
      }
      s.count++;
      size++;
    },
    mightContain(key) {
      const [h1, h2] = hashes(key);
      return segments.some((s) => has(s, h1, h2));
    },
    get size() {
      return size;
    },
  };
}
