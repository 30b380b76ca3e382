// A small seeded pseudo-random generator for the sample log generator. Math.random cannot be
// seeded, and the demo, the rule pack's end-to-end test and the benchmarks must all see the same
// events for the same seed. The core is sfc32 (fast, 128-bit state, good statistical quality for
// simulation); the state is seeded by hashing a text label, so independent streams can be forked
// by name without depending on how many numbers another stream has drawn.

/** Four 32-bit words from a text, mixed so that similar labels give unrelated states. */
function hashLabel(text: string): [number, number, number, number] {
  let h1 = 0x6a09e667;
  let h2 = 0xbb67ae85;
  let h3 = 0x3c6ef372;
  let h4 = 0xa54ff53a;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 0x9e3779b1);
    h2 = h3 ^ Math.imul(h2 ^ k, 0x85ebca77);
    h3 = h4 ^ Math.imul(h3 ^ k, 0xc2b2ae3d);
    h4 = h1 ^ Math.imul(h4 ^ k, 0x27d4eb2f);
  }
  // Final avalanche so a one-character difference changes every output bit with even odds.
  h1 = Math.imul(h3 ^ (h1 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h4 ^ (h2 >>> 13), 0xc2b2ae35);
  h3 = Math.imul(h1 ^ (h3 >>> 16), 0x85ebca6b);
  h4 = Math.imul(h2 ^ (h4 >>> 13), 0xc2b2ae35);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

export class Random {
  readonly label: string;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** A stream named by `label` (a seed as text, or a seed and a path of fork names). */
  constructor(label: string | number) {
    this.label = String(label);
    [this.#a, this.#b, this.#c, this.#d] = hashLabel(this.label);
    // The first outputs of sfc32 still correlate with the seed words: discard them.
    for (let i = 0; i < 15; i++) this.next32();
  }

  /**
   * An independent stream derived from this one's label, not from its state: forking
   * `auth` gives the same numbers whether or not other streams drew before.
   */
  fork(name: string): Random {
    return new Random(`${this.label}/${name}`);
  }

  /** A uniform unsigned 32-bit integer. */
  next32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next32() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick: no items to pick from');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** One item, each with the given relative weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.float() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('Random.weighted: no items to pick from');
    return last[0];
  }

  /** `count` distinct items (all of them, shuffled, when count >= length). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, Math.min(count, copy.length));
  }

  /** Standard normal variate scaled to (mean, sd), Box–Muller. */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.float();
    const v = this.float();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median; sigma is the spread of the underlying normal. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** Poisson count with mean `lambda`: exact for small means, normal approximation above 50. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 50) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** Lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.next32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  /** An RFC 4122 version 4 shaped UUID (random bits from this stream). */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((this.next32() & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Uppercase letters and digits, like AWS access key ids and request ids. */
  upperAlnum(length: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let out = '';
    for (let i = 0; i < length; i++) out += chars[this.next32() & 31];
    return out;
  }

  /** Sorted uniform times in [startMs, endMs), `count` of them, whole milliseconds. */
  times(startMs: number, endMs: number, count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(Math.floor(this.between(startMs, endMs)));
    return out.sort((a, b) => a - b);
  }
}
