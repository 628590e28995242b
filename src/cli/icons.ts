/**
 * `npx tsx src/cli/icons.ts`: draws the app's PNG icons (public/icon-192.png, icon-512.png) from
 * the same shapes as public/favicon.svg: a dark rounded square, a rising curve, a dot at its end.
 * Browsers and the web app manifest want raster icons at these sizes for a pinned tab or an
 * installed app; the SVG stays the favicon. Shapes are in the SVG's 64-unit square, drawn with
 * 4×4 supersampling per pixel for smooth edges, and encoded with fast-png.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encode } from 'fast-png';

type Rgb = readonly [number, number, number];
const BACKGROUND: Rgb = [0x1f, 0x29, 0x37];
const CURVE: Rgb = [0x38, 0xbd, 0xf8];
const DOT: Rgb = [0xf5, 0x9e, 0x0b];
const CORNER = 14;
const CURVE_POINTS: readonly [number, number][] = [[12, 48], [24, 36], [34, 40], [50, 18]];
const CURVE_HALF_WIDTH = 3;
const DOT_CENTRE: [number, number] = [50, 18];
const DOT_RADIUS = 6;
const SAMPLES = 4;

/** Distance from (x, y) to the segment a–b. */
function segmentDistance(x: number, y: number, [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** Inside the rounded square 0..64 with corner radius CORNER. */
function inBackground(x: number, y: number): boolean {
  const cx = Math.min(Math.max(x, CORNER), 64 - CORNER);
  const cy = Math.min(Math.max(y, CORNER), 64 - CORNER);
  return x >= 0 && x <= 64 && y >= 0 && y <= 64 && Math.hypot(x - cx, y - cy) <= CORNER;
}

/** The colour (and coverage 0/1) at a point of the 64-unit square, topmost shape first. */
function colourAt(x: number, y: number): Rgb | null {
  if (Math.hypot(x - DOT_CENTRE[0], y - DOT_CENTRE[1]) <= DOT_RADIUS) return DOT;
  for (let i = 1; i < CURVE_POINTS.length; i++) {
    if (segmentDistance(x, y, CURVE_POINTS[i - 1], CURVE_POINTS[i]) <= CURVE_HALF_WIDTH) return CURVE;
  }
  return inBackground(x, y) ? BACKGROUND : null;
}

/** RGBA pixels of the icon at `size`×`size`. */
function drawIcon(size: number): Uint8Array {
  const data = new Uint8Array(size * size * 4);
  const scale = 64 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let s = 0; s < SAMPLES * SAMPLES; s++) {
        const x = (px + ((s % SAMPLES) + 0.5) / SAMPLES) * scale;
        const y = (py + (Math.floor(s / SAMPLES) + 0.5) / SAMPLES) * scale;
        const c = colourAt(x, y);
        if (!c) continue;
        sum[0] += c[0];
        sum[1] += c[1];
        sum[2] += c[2];
        sum[3] += 255;
      }
      const covered = sum[3] / 255;
      const o = (py * size + px) * 4;
      // Colour averaged over the covered samples (straight alpha), alpha = coverage.
      for (let k = 0; k < 3; k++) data[o + k] = covered > 0 ? Math.round(sum[k] / covered) : 0;
      data[o + 3] = Math.round(sum[3] / (SAMPLES * SAMPLES));
    }
  }
  return data;
}

for (const size of [192, 512]) {
  const path = resolve('public', `icon-${size}.png`);
  writeFileSync(path, encode({ width: size, height: size, data: drawIcon(size), channels: 4, depth: 8 }));
  console.log(`wrote ${path}`);
}
