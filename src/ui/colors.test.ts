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
