/**
 * The page's colours for data: one colour per config, the same in every chart, legend and table
 * of a tab (the lab's comparison charts, schedule chart and results table; the single-run page's
 * earlier runs on its charts and in their list), and the single run's own live lines.
 *
 * The palette is Okabe & Ito's colour-blind-safe set (2008, "Color Universal Design"), then
 * Tableau 10's; Okabe & Ito's black is replaced by a mid grey and their yellow (#F0E442, 1.3:1
 * on white) by a dark gold, #A48C4C (3.3:1 on the light panels, 4.5:1 on the dark), chosen as the
 * gold that stays furthest (CIELAB ΔE) from the other Okabe & Ito colours under simulated
 * protanopia, deuteranopia and tritanopia; Tableau's pink (2.0:1 on white) by its red. Every
 * colour has at least 2:1 against both themes' panels (colors.test.ts). A config keeps its colour while it is shown (createColorMemory), so a new
 * config, a sorted table or a removed run never repaints the others.
 */

/** Series colours, in the order new configs take them. */
export const PALETTE: readonly string[] = [
  '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#A48C4C', '#8C8C8C',
  '#4E79A7', '#F28E2B', '#59A14F', '#B07AA1', '#76B7B2', '#E15759',
];

/** The single run's own lines (not configs: the run being trained, drawn over the earlier ones). */
export const LIVE_COLORS = {
  lr: '#2563eb',
  loss: '#9333ea',
  train: '#16a34a',
  val: '#ea580c',
  /** The current step's marker on a schedule. */
  marker: '#dc2626',
} as const;

/** The palette's colour at `index`, cycling past its end. */
export function colorFor(index: number): string {
  const n = PALETTE.length;
  return PALETTE[((index % n) + n) % n];
}

/**
 * Colours for `keys` (configs, in display order; repeats ignored). A key keeps the colour
 * `previous` gave it unless an earlier key in the list already holds that colour; every other
 * key takes the first palette colour not in use, in list order. The first PALETTE.length
 * distinct keys therefore get distinct colours; beyond that the palette repeats.
 */
export function assignColors(keys: readonly string[], previous: ReadonlyMap<string, string> = new Map()): Map<string, string> {
  const colors = new Map<string, string>();
  const used = new Set<string>();
  const fresh = new Set<string>();
  for (const key of keys) {
    if (colors.has(key) || fresh.has(key)) continue;
    const kept = previous.get(key);
    if (kept !== undefined && !used.has(kept)) {
      colors.set(key, kept);
      used.add(kept);
    } else fresh.add(key);
  }
  let next = 0;
  let overflow = 0;
  for (const key of fresh) {
    while (next < PALETTE.length && used.has(PALETTE[next])) next++;
    const color = next < PALETTE.length ? PALETTE[next] : colorFor(overflow++);
    colors.set(key, color);
    used.add(color);
  }
  return colors;
}

/** Remembers every key's colour across calls, so a config that leaves and returns gets its colour back when free. */
export interface ColorMemory {
  /** The colours of `keys` now (assignColors over everything remembered). */
  assign(keys: readonly string[]): ReadonlyMap<string, string>;
}

export function createColorMemory(): ColorMemory {
  const remembered = new Map<string, string>();
  return {
    assign(keys) {
      const colors = assignColors(keys, remembered);
      for (const [key, color] of colors) remembered.set(key, color);
      return colors;
    },
  };
}
