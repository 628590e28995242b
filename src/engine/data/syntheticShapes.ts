/**
 * The ten classes of the synthetic dataset as coverage functions: given a shape's random
 * parameters, `coverage(x, y)` is how much of the pixel at (x, y) the shape covers, 0-1, with
 * a one-pixel soft edge (signed distances clamped), so small shapes still antialias. Several
 * pairs overlap on purpose (a thick ring is nearly a disc; a square turned 22° is nearly a
 * diamond; stripes tilt up to 30°), so a classifier cannot reach 100%.
 */
import type { Rng } from '../rng';

/** Pixel coverage 0-1 at pixel-centre coordinates relative to the shape's centre. */
export type Coverage = (x: number, y: number) => number;

export interface ShapeClass {
  /** Class name shown in the UI. */
  name: string;
  /** Draws random parameters for a shape of about `radius` pixels and returns its coverage. */
  make(rng: Rng, radius: number): Coverage;
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
const DEG = Math.PI / 180;

/** Coverage from a signed distance in pixels (negative inside), with a 1-pixel ramp. */
export function fromDistance(d: number): number {
  return d <= -0.5 ? 1 : d >= 0.5 ? 0 : 0.5 - d;
}

/** Rotates the coordinate frame by `angle` radians before calling `f`. */
function rotated(angle: number, f: (u: number, v: number) => number): Coverage {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return (x, y) => f(c * x + s * y, -s * x + c * y);
}

/** A disc or a square of the given radius, as the area a texture fills. */
function region(rng: Rng, radius: number): (u: number, v: number) => number {
  if (rng.next() < 0.5) return (u, v) => fromDistance(Math.sqrt(u * u + v * v) - radius);
  const h = radius * 0.85;
  return (u, v) => fromDistance(Math.max(Math.abs(u), Math.abs(v)) - h);
}

/** Stripes across the v axis: period in pixels, soft edges of about one pixel. */
function stripes(rng: Rng, radius: number, baseAngle: number): Coverage {
  const period = uniform(rng, 3.5, 7);
  const phase = uniform(rng, 0, 2 * Math.PI);
  const inside = region(rng, radius + 1);
  const k = (2 * Math.PI) / period;
  const sharp = period / 3; // slope so the 0→1 ramp spans about one pixel
  return rotated(baseAngle + uniform(rng, -30, 30) * DEG, (u, v) => {
    const a = inside(u, v);
    return a === 0 ? 0 : a * Math.min(1, Math.max(0, 0.5 + sharp * Math.sin(k * v + phase)));
  });
}

/** The classes in label order. */
export const SHAPE_CLASSES: ShapeClass[] = [
  {
    name: 'disc',
    make: (_rng, r) => (x, y) => fromDistance(Math.sqrt(x * x + y * y) - r),
  },
  {
    name: 'ring',
    make: (rng, r) => {
      const half = uniform(rng, 0.9, 0.55 * r); // a thick ring leaves only a small hole
      return (x, y) => fromDistance(Math.abs(Math.sqrt(x * x + y * y) - r + half) - half);
    },
  },
  {
    name: 'square',
    make: (rng, r) => {
      const h = r * 0.8;
      return rotated(uniform(rng, -22, 22) * DEG, (u, v) => fromDistance(Math.max(Math.abs(u), Math.abs(v)) - h));
    },
  },
  {
    name: 'diamond',
    make: (rng, r) => {
      const h = r * 0.8;
      return rotated((45 + uniform(rng, -22, 22)) * DEG, (u, v) => fromDistance(Math.max(Math.abs(u), Math.abs(v)) - h));
    },
  },
  {
    name: 'triangle',
    make: (rng, r) => rotated(uniform(rng, 0, 2 * Math.PI), (u, v) => fromDistance(triangleDistance(u, v, r * 1.1))),
  },
  {
    name: 'plus',
    make: (rng, r) => {
      const t = uniform(rng, 0.18, 0.4) * r; // half the arm's thickness
      return rotated(uniform(rng, -20, 20) * DEG, (u, v) => {
        const au = Math.abs(u);
        const av = Math.abs(v);
        return fromDistance(Math.min(Math.max(au - r, av - t), Math.max(au - t, av - r)));
      });
    },
  },
  { name: 'stripes-h', make: (rng, r) => stripes(rng, r, 0) },
  { name: 'stripes-v', make: (rng, r) => stripes(rng, r, 90 * DEG) },
  {
    name: 'checker',
    make: (rng, r) => {
      const k = (2 * Math.PI) / uniform(rng, 5, 9);
      const inside = region(rng, r + 1);
      return rotated(uniform(rng, 0, 2 * Math.PI), (u, v) => {
        const a = inside(u, v);
        return a === 0 ? 0 : a * Math.min(1, Math.max(0, 0.5 + 2 * Math.sin(k * u) * Math.sin(k * v)));
      });
    },
  },
  {
    name: 'dots',
    make: (rng, r) => {
      const period = uniform(rng, 4.5, 7);
      const dot = uniform(rng, 0.9, 0.3 * period);
      const inside = region(rng, r + 1);
      return rotated(uniform(rng, 0, 2 * Math.PI), (u, v) => {
        const a = inside(u, v);
        if (a === 0) return 0;
        const du = u - period * Math.round(u / period);
        const dv = v - period * Math.round(v / period);
        return a * fromDistance(Math.sqrt(du * du + dv * dv) - dot);
      });
    },
  },
];

/** Signed distance to an equilateral triangle of circumradius-ish `r` pointing up (Quilez). */
function triangleDistance(px: number, py: number, r: number): number {
  const k = Math.sqrt(3);
  let x = Math.abs(px) - r;
  let y = py + r / k;
  if (x + k * y > 0) {
    const nx = (x - k * y) / 2;
    const ny = (-k * x - y) / 2;
    x = nx;
    y = ny;
  }
  x -= Math.min(Math.max(x, -2 * r), 0);
  return -Math.sqrt(x * x + y * y) * Math.sign(y);
}

/** Small shapes drawn over the background as clutter: a blob, a block, or a thin line. */
export function makeDistractor(rng: Rng): Coverage {
  const kind = rng.int(3);
  if (kind === 0) {
    const r = uniform(rng, 1.5, 3.5);
    return (x, y) => fromDistance(Math.sqrt(x * x + y * y) - r);
  }
  if (kind === 1) {
    const h = uniform(rng, 1.2, 3);
    return rotated(uniform(rng, 0, Math.PI), (u, v) => fromDistance(Math.max(Math.abs(u), Math.abs(v)) - h));
  }
  const half = uniform(rng, 4, 10);
  const width = uniform(rng, 0.4, 0.9);
  return rotated(uniform(rng, 0, Math.PI), (u, v) => fromDistance(Math.max(Math.abs(u) - half, Math.abs(v) - width)));
}
