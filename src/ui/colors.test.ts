import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assignColors, colorFor, createColorMemory, PALETTE } from './colors';

const keys = (n: number, prefix = 'config') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('assignColors', () => {
  it('gives the first PALETTE.length configs distinct colours, in palette order', () => {
    const colors = assignColors(keys(PALETTE.length));
    expect([...colors.values()]).toEqual(PALETTE);
    expect(new Set(colors.values()).size).toBe(PALETTE.length);
  });

  it('repeats the palette only past its length', () => {
    const colors = assignColors(keys(PALETTE.length + 2));
    expect(colors.get(`config-${PALETTE.length}`)).toBe(PALETTE[0]);
    expect(colors.get(`config-${PALETTE.length + 1}`)).toBe(PALETTE[1]);
  });

  it('keeps a config its colour when others are added before it, removed or reordered', () => {
    const first = assignColors(['a', 'b', 'c']);
    const later = assignColors(['new', 'c', 'a'], first);
    expect(later.get('a')).toBe(first.get('a'));
    expect(later.get('c')).toBe(first.get('c'));
    // The new config takes b's colour, the first one free.
    expect(later.get('new')).toBe(first.get('b'));
  });

  it('gives a repeated key one colour and never hands one colour to two keys', () => {
    const colors = assignColors(['a', 'b', 'a'], new Map([['a', PALETTE[3]], ['b', PALETTE[3]]]));
    expect(colors.size).toBe(2);
    expect(colors.get('a')).toBe(PALETTE[3]);
    expect(colors.get('b')).toBe(PALETTE[0]);
  });
});

describe('createColorMemory', () => {
  it('gives a config that left and came back its colour again while it is free', () => {
    const memory = createColorMemory();
    const before = memory.assign(['a', 'b']);
    expect(memory.assign(['b']).get('b')).toBe(before.get('b'));
    const back = memory.assign(['c', 'a', 'b']);
    expect(back.get('a')).toBe(before.get('a'));
    expect(back.get('b')).toBe(before.get('b'));
    expect(back.get('c')).toBe(PALETTE[2]);
  });
});

describe('colorFor', () => {
  it('cycles through the palette', () => {
    expect(colorFor(0)).toBe(PALETTE[0]);
    expect(colorFor(PALETTE.length + 1)).toBe(PALETTE[1]);
  });
});

// What the palette must keep: every colour visible on both themes' panels, and the Okabe & Ito
// part (the first configs' colours) distinct to colour-blind eyes.
const OKABE_ITO_PART = PALETTE.slice(0, 8);

/** sRGB hex to linear RGB in [0, 1]. */
function linear(hex: string): [number, number, number] {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return [r, g, b];
}

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, b] = linear(hex);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Colour-vision deficiency simulation, severity 1 (Machado, Oliveira & Fernandes 2009), on linear RGB. */
const CVD: Record<string, number[][]> = {
  normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

/** CIELAB (D65) of a linear RGB colour, clamped to the gamut. */
function lab([r, g, b]: number[]): [number, number, number] {
  const [R, G, B] = [r, g, b].map((v) => Math.min(1, Math.max(0, v)));
  const x = (0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.9505;
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  const z = (0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.089;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

function seenAs(hex: string, matrix: number[][]): [number, number, number] {
  const c = linear(hex);
  return lab(matrix.map((row) => row[0] * c[0] + row[1] * c[1] + row[2] * c[2]));
}

/** The panels' background (`--surface`) in the light theme and in the dark one, read from the stylesheet. */
function surfaces(): string[] {
  const css = readFileSync(fileURLToPath(new URL('./app.css', import.meta.url)), 'utf8');
  return [...css.matchAll(/--surface:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\s*;/g)].map((m) => (m[1].length === 4 ? `#${[...m[1].slice(1)].map((d) => d + d).join('')}` : m[1]));
}

describe('the palette reads', () => {
  it('has the stylesheet give one panel colour per theme', () => {
    expect(surfaces()).toHaveLength(2);
  });

  it('draws every colour at 2:1 or more on the light and the dark panels', () => {
    for (const surface of surfaces()) {
      for (const color of PALETTE) expect(contrast(color, surface), `${color} on ${surface}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('keeps its Okabe & Ito part apart for protanopes, deuteranopes and tritanopes (ΔE ≥ 8)', () => {
    for (const [vision, matrix] of Object.entries(CVD)) {
      for (const [i, a] of OKABE_ITO_PART.entries()) {
        for (const b of OKABE_ITO_PART.slice(i + 1)) {
          const [p, q] = [seenAs(a, matrix), seenAs(b, matrix)];
          expect(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]), `${a} vs ${b}, ${vision}`).toBeGreaterThanOrEqual(8);
        }
      }
    }
  });

  it('has a contrast measure that agrees with WCAG (white on black 21:1, the old yellow 1.3:1 on white)', () => {
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrast('#F0E442', '#ffffff')).toBeCloseTo(1.32, 2);
  });
});
