/**
 * The results table as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma,
 * quote or line break quoted, quotes doubled). Accuracies are percentages with two decimals;
 * a cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed
 * with an apostrophe (OWASP "CSV injection"), since config labels come from users and files.
 * Δ is the paired mean difference with its 95% interval (empty with one pair); the peak top-1
 * is chosen on the validation split, so it is optimistic.
 */
import { describeSeeds } from './pairedDelta';
import type { GroupSummary, Stat } from './summary';

export const CSV_COLUMNS = [
  'config',
  'tricks',
  'reference',
  'seeds_total',
  'seeds_finished',
  'seeds_diverged',
  'seeds_failed',
  'seed_status',
  'seeds',
  'final_top1_mean_pct',
  'final_top1_std_pct',
  'peak_top1_mean_pct',
  'peak_top1_std_pct',
  'final_top5_mean_pct',
  'final_top5_std_pct',
  'delta_top1_pct',
  'delta_top1_ci95_low_pct',
  'delta_top1_ci95_high_pct',
  'delta_pairs',
  'wall_seconds_mean',
  'images_per_second_mean',
] as const;

/** Quotes a field when needed and defuses formula-looking text. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  const plainNumber = /^-?\d+(\.\d+)?$/.test(text);
  if (!plainNumber && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const pct = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : (100 * v).toFixed(2));
const meanPct = (s: Stat | null): string | null => pct(s?.mean);
const stdPct = (s: Stat | null): string | null => pct(s?.std);
const fixed = (s: Stat | null, digits: number): string | null => (s ? s.mean.toFixed(digits) : null);

/** The table's rows as a CSV document with a header line. */
export function resultsCsv(rows: readonly GroupSummary[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const cells: (string | number | null)[] = [
      r.label,
      r.tricks.join(' '),
      r.isReference ? 'yes' : 'no',
      r.counts.seeds,
      r.counts.finished,
      r.counts.diverged,
      r.counts.failed,
      describeSeeds(r.counts),
      r.seeds.join(' '),
      meanPct(r.finalTop1),
      stdPct(r.finalTop1),
      meanPct(r.peakTop1),
      stdPct(r.peakTop1),
      meanPct(r.finalTop5),
      stdPct(r.finalTop5),
      pct(r.delta?.mean),
      pct(r.delta?.low),
      pct(r.delta?.high),
      r.delta?.n ?? 0,
      fixed(r.wallSeconds, 1),
      fixed(r.imagesPerSecond, 1),
    ];
    lines.push(cells.map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
