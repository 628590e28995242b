/**
 * Seeded random numbers for everything stochastic in training: initialisation, shuffling,
 * augmentation, mixup's λ, CutMix's box. One explicit generator is passed down; nothing
 * calls Math.random, so a seed reproduces a run (He et al. 2019 report means over runs; we
 * need each run to be repeatable to compare tricks fairly).
 */

/** A seeded pseudo-random generator (sfc32), with the distributions training needs. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Gamma(shape, 1) (Marsaglia–Tsang). */
  gamma(shape: number): number;
  /** Beta(a, b) from two gammas. */
  beta(a: number, b: number): number;
  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Uint32Array;
  /** A new independent generator derived from this one and a label (e.g. 'init', 'shuffle'). */
  fork(label: string): Rng;
  /** The generator's full state (for checkpoints): the same draws follow after `restore`. */
  save(): RngState;
  /** Sets the state to one `save` returned (from this or any generator). */
  restore(state: RngState): void;
}

/** A generator's state: sfc32's four 32-bit words and Box–Muller's cached second normal. */
export interface RngState {
  words: [number, number, number, number];
  spare: number | null;
}

function hashString(s: string, seed: number): number {
  // FNV-1a mixed with the seed: a stable 32-bit value per (seed, label).
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Creates a generator from a 32-bit integer seed. */
export function createRng(seed: number): Rng {
  let a = hashString('a', seed);
  let b = hashString('b', seed);
  let c = hashString('c', seed);
  let d = (seed ^ 0x9e3779b9) >>> 0;
  const u32 = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  let spare: number | null = null;
  const rng: Rng = {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    gamma: (shape) => {
      if (shape < 1) {
        // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k).
        const u = Math.max(rng.next(), Number.MIN_VALUE);
        return rng.gamma(shape + 1) * Math.pow(u, 1 / shape);
      }
      const dd = shape - 1 / 3;
      const cc = 1 / Math.sqrt(9 * dd);
      for (;;) {
        let x: number;
        let v: number;
        do {
          x = rng.normal();
          v = 1 + cc * x;
        } while (v <= 0);
        v = v * v * v;
        const u = rng.next();
        if (u < 1 - 0.0331 * x * x * x * x) return dd * v;
        if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v;
      }
    },
    beta: (alpha, beta) => {
      const x = rng.gamma(alpha);
      const y = rng.gamma(beta);
      return x + y === 0 ? 0.5 : x / (x + y);
    },
    permutation: (n) => {
      const p = new Uint32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    },
    fork: (label) => createRng(hashString(label, u32())),
    save: () => ({ words: [a >>> 0, b >>> 0, c >>> 0, d >>> 0], spare }),
    restore: (state) => {
      const w = state.words;
      if (w.length !== 4 || !w.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)) throw new Error('rng state: expected four 32-bit words');
      [a, b, c, d] = w;
      spare = state.spare;
    },
  };
  return rng;
}
