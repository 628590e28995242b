/**
 * The results table: one row per config, final and peak validation top-1 and final top-5 as
 * mean ± sd over its finished seeds, the paired Δ of final top-1 against the reference config
 * with its 95% interval and the number of seed pairs (an interval clear of 0 is marked), how
 * every seed ended, wall time and images/s; sortable by any column, with the reference chosen
 * in a select, and the rows as CSV. Long tables render only the rows in view (virtualised), and
 * a row's checkbox adds its config to the charts when the lab has more configs than they draw.
 * Beside it, Δ per config as bars with their intervals.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { resultsCsv } from '../../engine/lab/csv';
import { describeSeeds, type PairedDelta } from '../../engine/lab/pairedDelta';
import { sortRows, type GroupSummary, type SortColumn, type Stat } from '../../engine/lab/summary';
import { formatDuration } from '../../data/format';
import { DeltaChart } from './DeltaChart';
import { downloadText } from './downloads';

export interface ResultsTableProps {
  rows: readonly GroupSummary[];
  colors: ReadonlyMap<string, string>;
  onReference: (key: string | null) => void;
  /** Configs the charts draw, and the ones picked to be drawn. */
  charted: ReadonlySet<string>;
  picked: ReadonlySet<string>;
  onPick: (key: string) => void;
  /** Per config key, the teacher its runs distilled from ("teacher ResNet-56: 92.1% top-1"). */
  teachers?: ReadonlyMap<string, string>;
}

/** The peak is chosen on the same split it is measured on, so it reads high; the label says so. */
export const PEAK_LABEL = 'Peak top-1 (chosen on the test set, optimistic)';

const COLUMNS: { id: SortColumn; label: string }[] = [
  { id: 'label', label: 'Config' },
  { id: 'finalTop1', label: 'Final top-1' },
  { id: 'delta', label: 'Δ top-1 [95% CI]' },
  { id: 'peakTop1', label: PEAK_LABEL },
  { id: 'finalTop5', label: 'Final top-5' },
  { id: 'wallSeconds', label: 'Wall time' },
  { id: 'imagesPerSecond', label: 'img/s' },
];

/** Rows drawn beyond the visible ones, and from how many rows on the table is virtualised. */
const OVERSCAN = 8;
const VIRTUAL_FROM = 60;
const ROW_HEIGHT = 30;

const pctStat = (s: Stat | null) => (s ? `${(100 * s.mean).toFixed(1)}${s.n > 1 ? ` ± ${(100 * s.std).toFixed(1)}` : ''}` : '—');

/** '+1.2' / '−0.4' percentage points, with a real minus sign. */
export function formatDelta(delta: number | null): string {
  if (delta === null) return '—';
  const points = 100 * delta;
  const text = Math.abs(points).toFixed(1);
  return text === '0.0' ? '±0.0' : `${points > 0 ? '+' : '−'}${text}`;
}

/** '+2.5 [+1.3, +3.7]', or '+2.5 (1 seed: no interval)'. */
export function formatPaired(d: PairedDelta): string {
  return d.low === null || d.high === null ? `${formatDelta(d.mean)} (1 seed: no interval)` : `${formatDelta(d.mean)} [${formatDelta(d.low)}, ${formatDelta(d.high)}]`;
}

/** The teacher beside a distillation config's Δ. */
const TeacherNote = ({ teacher }: { teacher?: string }) =>
  teacher ? (
    <span className="field-hint lab-result-teacher" data-testid="lab-result-teacher">
      {' '}
      ({teacher})
    </span>
  ) : null;

function DeltaCell({ row, teacher }: { row: GroupSummary; teacher?: string }) {
  const d = row.delta;
  if (row.isReference) return <td data-testid="lab-result-delta">—<TeacherNote teacher={teacher} /></td>;
  if (!d) return <td data-testid="lab-result-delta" title="No seed finished in both this config and the reference.">—<TeacherNote teacher={teacher} /></td>;
  const cls = d.excludesZero ? (d.mean > 0 ? 'delta-up' : 'delta-down') : 'delta-unclear';
  const why = d.excludesZero ? 'The 95% interval excludes 0.' : 'The 95% interval includes 0 (or there is only one pair).';
  return (
    <td className={cls} data-testid="lab-result-delta" data-excludes-zero={d.excludesZero} title={`${why} Paired over seeds ${d.pairs.map((p) => p.seed).join(', ')}.`}>
      {formatPaired(d)}
      {d.excludesZero ? <span aria-label="interval excludes 0"> ✱</span> : null} <span className="field-hint">n={d.n}</span>
      <TeacherNote teacher={teacher} />
    </td>
  );
}

export function ResultsTable({ rows, colors, onReference, charted, picked, onPick, teachers }: ResultsTableProps) {
  const [sort, setSort] = useState<{ column: SortColumn; descending: boolean } | null>(null);
  const sorted = sort ? sortRows(rows, sort.column, sort.descending) : rows;
  const reference = rows.find((r) => r.isReference);
  const clickSort = (column: SortColumn) => setSort((s) => ({ column, descending: s?.column === column ? !s.descending : column !== 'label' }));
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = sorted.length >= VIRTUAL_FROM;
  // The virtualizer re-renders this component itself on scroll; nothing memoises its functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN, enabled: virtual });
  const items = virtual ? virtualizer.getVirtualItems() : sorted.map((_, index) => ({ index, start: index * ROW_HEIGHT }));
  const padTop = virtual && items.length > 0 ? items[0].start : 0;
  const padBottom = virtual && items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].start - ROW_HEIGHT : 0;
  const capped = charted.size < rows.length;
  return (
    <section className="panel lab-results" aria-label="Results">
      <div className="lab-results-head">
        <h2>Results</h2>
        <label className="field lab-reference">
          Δ against{' '}
          <select value={reference?.key ?? ''} onChange={(e) => onReference(e.target.value || null)} disabled={rows.length === 0} data-testid="lab-reference">
            {/* Before any run, one line that says why there is nothing to choose (an empty select looked broken). */}
            {rows.length === 0 ? <option value="">no configs yet</option> : null}
            {/* The configs the charts draw (and the reference): a select of thousands helps nobody. */}
            {rows
              .filter((r) => r.isReference || charted.has(r.key))
              .map((r) => (
              <option key={r.key} value={r.key}>
                {r.label}
              </option>
              ))}
          </select>
        </label>
        <button type="button" disabled={rows.length === 0} onClick={() => downloadText(resultsCsv(sorted), 'trick-lab-results.csv', 'text/csv')} data-testid="lab-download-csv">
          Download CSV
        </button>
      </div>
      <p className="field-hint" data-testid="lab-results-count">
        {rows.length} config{rows.length === 1 ? '' : 's'}. Δ is paired by seed (final top-1 minus the reference's, seeds finished in both) with its 95% Student-t interval; ✱ marks an
        interval that excludes 0.
        {capped ? ` The charts draw ${charted.size} of them (the reference, the highest and lowest Δ, and the ones ticked in the Chart column).` : ''}
      </p>
      <div className="lab-results-body">
        <div ref={scroller} className={virtual ? 'lab-table-scroll' : undefined} data-testid="lab-results-scroll">
          <table className="lab-table" data-testid="lab-results-table" aria-rowcount={sorted.length + 1}>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.id} aria-sort={sort?.column === c.id ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                    <button type="button" className="lab-sort" onClick={() => clickSort(c.id)}>
                      {c.label}
                    </button>
                  </th>
                ))}
                <th>Seeds</th>
                <th>Chart</th>
              </tr>
            </thead>
            <tbody>
              {padTop > 0 ? <tr style={{ height: padTop }} aria-hidden="true" /> : null}
              {items.map(({ index }) => {
                const r = sorted[index];
                return (
                  <tr key={r.key} data-testid="lab-result-row" data-reference={r.isReference} aria-rowindex={index + 2} style={virtual ? { height: ROW_HEIGHT } : undefined}>
                    <th scope="row">
                      <span className="swatch" style={{ background: colors.get(r.key) }} /> <span data-testid="lab-result-label">{r.label}</span>
                      {r.isReference ? <span className="field-hint"> (reference)</span> : null}
                    </th>
                    <td data-testid="lab-result-final">{pctStat(r.finalTop1)}</td>
                    <DeltaCell row={r} teacher={teachers?.get(r.key)} />
                    <td>{pctStat(r.peakTop1)}</td>
                    <td>{pctStat(r.finalTop5)}</td>
                    <td>{r.wallSeconds ? formatDuration(r.wallSeconds.mean) : '—'}</td>
                    <td>{r.imagesPerSecond ? r.imagesPerSecond.mean.toFixed(0) : '—'}</td>
                    <td data-testid="lab-result-seeds" className={r.counts.finished < r.counts.seeds ? 'lab-seeds-short' : undefined}>
                      {describeSeeds(r.counts)}
                    </td>
                    <td>
                      <input type="checkbox" aria-label={`Draw ${r.label} in the charts`} checked={charted.has(r.key)} disabled={!capped || (charted.has(r.key) && !picked.has(r.key))} onChange={() => onPick(r.key)} />
                    </td>
                  </tr>
                );
              })}
              {padBottom > 0 ? <tr style={{ height: padBottom }} aria-hidden="true" /> : null}
            </tbody>
          </table>
        </div>
        <DeltaChart rows={rows.filter((r) => charted.has(r.key))} />
      </div>
    </section>
  );
}
