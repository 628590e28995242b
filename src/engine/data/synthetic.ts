/**
 * The embedded default dataset: procedurally drawn 32×32 colour images in ten shape and
 * texture classes, so the page trains something real without a download. It is made to be
 * CIFAR-like in the ways that matter for comparing tricks (He et al. 2019): the object moves,
 * scales, rotates and changes colour; the background has a gradient and a texture; clutter
 * and sensor noise are added; some classes overlap. A ResNet-20 learns it but not in one
 * epoch, and augmentation (crop, flip) and regularisers have something to do.
 * Same seed → identical bytes (everything is drawn from the seeded Rng).
 */
import { createRng, type Rng } from '../rng';
import { makeDistractor, SHAPE_CLASSES, type Coverage } from './syntheticShapes';
import { IMAGE_BYTES as BYTES_EXPORT, IMAGE_SIZE as SIZE_EXPORT, type Dataset, type ImageSplit } from './types';

// Module-local copies: some bundlers turn imported bindings into getters, slow in pixel loops.
const IMAGE_BYTES = BYTES_EXPORT;
const IMAGE_SIZE = SIZE_EXPORT;

export interface SyntheticOptions {
  seed: number;
  /** Training images (classes balanced to within one). */
  trainCount: number;
  /** Test images (classes balanced to within one); 0 gives `test: null`. */
  testCount: number;
}

/**
 * The embedded dataset the app and the Node runner train on by default: the same seed and
 * size everywhere, whatever the run's own seed, so runs stay comparable.
 */
export const SYNTHETIC_DEFAULT: SyntheticOptions = { seed: 1, trainCount: 5000, testCount: 1000 };

/** Class names in label order. */
export const SYNTHETIC_CLASS_NAMES = SHAPE_CLASSES.map((c) => c.name);

/**
 * Generates the synthetic dataset. Train and test come from independent forks of the seed,
 * so changing `trainCount` leaves the test images unchanged.
 */
export function createSyntheticDataset({ seed, trainCount, testCount }: SyntheticOptions): Dataset {
  for (const [key, value] of Object.entries({ trainCount, testCount })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${key} must be a non-negative integer, got ${value}`);
  }
  const rng = createRng(seed);
  const trainRng = rng.fork('synthetic-train');
  const testRng = rng.fork('synthetic-test');
  return {
    name: `synthetic (seed ${seed})`,
    id: 'synthetic',
    classNames: [...SYNTHETIC_CLASS_NAMES],
    train: generateSplit(trainCount, trainRng),
    test: testCount > 0 ? generateSplit(testCount, testRng) : null,
  };
}

/** Gaussian noise is read from a shared table at a random start and odd stride: cheap, seeded. */
const NOISE_TABLE_SIZE = 1 << 16;

function generateSplit(count: number, rng: Rng): ImageSplit {
  const classes = SHAPE_CLASSES.length;
  const labels = new Uint8Array(count);
  const order = rng.permutation(count);
  for (let i = 0; i < count; i++) labels[order[i]] = i % classes;
  const noise = new Float32Array(NOISE_TABLE_SIZE);
  for (let i = 0; i < NOISE_TABLE_SIZE; i++) noise[i] = rng.normal();
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < count; i++) drawImage(images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), labels[i], rng, noise);
  return { images, labels, count };
}

const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/** A placed shape: coverage in its own frame, centre and a bounding radius in pixels. */
interface Placed {
  coverage: Coverage;
  cx: number;
  cy: number;
  reach: number;
  color: [number, number, number];
}

/** An RGB colour from hue (0-6), saturation (0-1) and value (0-255). */
function hsv(hue: number, sat: number, val: number): [number, number, number] {
  const f = hue - Math.floor(hue);
  const p = val * (1 - sat);
  const q = val * (1 - sat * f);
  const t = val * (1 - sat * (1 - f));
  switch (Math.floor(hue) % 6) {
    case 0: return [val, t, p];
    case 1: return [q, val, p];
    case 2: return [p, val, t];
    case 3: return [p, q, val];
    case 4: return [t, p, val];
    default: return [val, p, q];
  }
}

function randomColor(rng: Rng): [number, number, number] {
  return hsv(uniform(rng, 0, 6), uniform(rng, 0.1, 0.9), uniform(rng, 40, 240));
}

/**
 * The object's colour: 70% of the time near its class's hue (a weak prior, like CIFAR's blue
 * ships and green frogs), and lighter than the background with probability 0.7.
 */
function objectColor(rng: Rng, label: number, bgValue: number): [number, number, number] {
  const hue = rng.next() < 0.3 ? uniform(rng, 0, 6) : (label * 0.6 + uniform(rng, -0.6, 0.6) + 6) % 6;
  const wantLighter = rng.next() < 0.7;
  const lighter = wantLighter ? bgValue < 215 : bgValue < 55; // no room the wanted way: go the other
  const val = lighter ? uniform(rng, bgValue + 35, 255) : uniform(rng, 15, bgValue - 35);
  return hsv(hue, uniform(rng, 0.2, 0.9), val);
}

function drawImage(out: Uint8Array, label: number, rng: Rng, noise: Float32Array): void {
  const S = IMAGE_SIZE;
  // Background: a base colour, a linear gradient (± 40 per 32 px) and a tinted wave texture.
  const bgValue = uniform(rng, 40, 240);
  const bg = hsv(uniform(rng, 0, 6), uniform(rng, 0.1, 0.9), bgValue);
  const gradAngle = uniform(rng, 0, 2 * Math.PI);
  const grad = uniform(rng, 0, 40) / S;
  const gx = grad * Math.cos(gradAngle);
  const gy = grad * Math.sin(gradAngle);
  const waveAmp = rng.next() < 0.6 ? uniform(rng, 4, 30) : 0;
  const wavePeriod = uniform(rng, 6, 24);
  const waveAngle = uniform(rng, 0, 2 * Math.PI);
  const kx = ((2 * Math.PI) / wavePeriod) * Math.cos(waveAngle);
  const ky = ((2 * Math.PI) / wavePeriod) * Math.sin(waveAngle);
  const phase = uniform(rng, 0, 2 * Math.PI);
  const tint = [uniform(rng, 0.3, 1), uniform(rng, 0.3, 1), uniform(rng, 0.3, 1)];

  // The object: class shape at a random place and size; usually lighter than the background.
  const radius = uniform(rng, 5, 11.5);
  const shape = SHAPE_CLASSES[label];
  const object: Placed = {
    coverage: shape.make(rng, radius),
    cx: 16 + uniform(rng, -7, 7),
    cy: 16 + uniform(rng, -7, 7),
    reach: radius * 1.3 + 2, // covers every class's extent (a triangle's corner is at 1.27·radius)
    color: objectColor(rng, label, bgValue),
  };
  // Clutter under the object: up to three small blobs, blocks or lines.
  const clutter: Placed[] = [];
  const nClutter = rng.int(4);
  for (let i = 0; i < nClutter; i++) {
    clutter.push({ coverage: makeDistractor(rng), cx: uniform(rng, 0, S), cy: uniform(rng, 0, S), reach: 11, color: randomColor(rng) });
  }
  const sigma = uniform(rng, 3, 18); // sensor noise, in 0-255 units
  let n = rng.int(NOISE_TABLE_SIZE);
  const stride = 2 * rng.int(NOISE_TABLE_SIZE / 2) + 1;

  // sin(kx·x + ky·y + φ) = sin(kx·x)cos(ky·y + φ) + cos(kx·x)sin(ky·y + φ): 64 sines, not 1024.
  const sinX = new Float64Array(S);
  const cosX = new Float64Array(S);
  const sinY = new Float64Array(S);
  const cosY = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    sinX[i] = Math.sin(kx * (i + 0.5));
    cosX[i] = Math.cos(kx * (i + 0.5));
    sinY[i] = Math.sin(ky * (i + 0.5) + phase);
    cosY[i] = Math.cos(ky * (i + 0.5) + phase);
  }
  const work = scratch;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const texture = waveAmp * (sinX[x] * cosY[y] + cosX[x] * sinY[y]);
      const shade = gx * (x + 0.5 - 16) + gy * (y + 0.5 - 16);
      const o = 3 * (y * S + x);
      work[o] = bg[0] + shade + texture * tint[0];
      work[o + 1] = bg[1] + shade + texture * tint[1];
      work[o + 2] = bg[2] + shade + texture * tint[2];
    }
  }
  for (const layer of clutter) paint(work, layer);
  paint(work, object);
  for (let o = 0; o < IMAGE_BYTES; o++) {
    out[o] = clampByte(work[o] + sigma * noise[n]);
    n = (n + stride) & (NOISE_TABLE_SIZE - 1);
  }
}

/** Per-image float buffer, reused (generation is synchronous). */
const scratch = new Float32Array(IMAGE_BYTES);

/** Blends a layer's colour over the pixels its coverage touches, within its bounding box. */
function paint(work: Float32Array, layer: Placed): void {
  const S = IMAGE_SIZE;
  const x0 = Math.max(0, Math.floor(layer.cx - layer.reach));
  const x1 = Math.min(S, Math.ceil(layer.cx + layer.reach));
  const y0 = Math.max(0, Math.floor(layer.cy - layer.reach));
  const y1 = Math.min(S, Math.ceil(layer.cy + layer.reach));
  const [r, g, b] = layer.color;
  for (let y = y0; y < y1; y++) {
    const dy = y + 0.5 - layer.cy;
    for (let x = x0; x < x1; x++) {
      const a = layer.coverage(x + 0.5 - layer.cx, dy);
      if (a === 0) continue;
      const o = 3 * (y * S + x);
      work[o] += a * (r - work[o]);
      work[o + 1] += a * (g - work[o + 1]);
      work[o + 2] += a * (b - work[o + 2]);
    }
  }
}

/** Rounds and clamps to 0-255 (`(v + 0.5) | 0`: Math.round made the whole generator 3× slower). */
function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
}
