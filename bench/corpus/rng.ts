/**
 * A small seeded PRNG (mulberry32) and seed mixing. Every random choice in the corpus generator goes through
 * an `Rng` derived from (seed, study index, purpose), so study N is the same whatever the corpus size and
 * whatever was generated before it: the next-day snapshot can regenerate any base study on its own, and the
 * same seed and options always give byte-identical output. Never Math.random.
 */

/** Mixes numbers and strings into one 32-bit seed (FNV-1a over the parts, then a murmur3 finaliser). */
export function mixSeed(...parts: Array<number | string>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = typeof part === 'number' ? part.toString(36) : part;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2f;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: cannot pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks a key of a weight table ({ COMPLETED: 0.55, … }); weights need not sum to 1. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as Array<[K, number]>;
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let target = this.next() * total;
    for (const [key, weight] of entries) {
      target -= weight;
      if (target < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  /** Log-normal draw with the given median and spread (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  }

  /**
   * A rank in [1, ∞) with P(rank ≥ r) ≈ 1/r^exponent (a discrete Pareto tail, capped at `max`).
   * Used where the number of distinct values must keep growing with the corpus (new topic words).
   */
  paretoRank(exponent: number, max: number): number {
    const u = 1 - this.next();
    return Math.min(max, Math.floor(u ** (-1 / exponent)));
  }
}

/** An Rng for one purpose of one study: independent of every other study and purpose. */
export function rngFor(seed: number, ...parts: Array<number | string>): Rng {
  return new Rng(mixSeed(seed, ...parts));
}
