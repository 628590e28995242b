/**
 * One colour per config in every lab chart and table (Okabe & Ito's colour-blind-safe palette,
 * then Tableau's), by the config's position in the results table.
 */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#4E79A7', '#F28E2B', '#59A14F', '#B07AA1', '#76B7B2', '#FF9DA7'];

export function colorFor(index: number): string {
  return PALETTE[index % PALETTE.length];
}
