/**
 * The results table: one row per config, final and best validation top-1 and final top-5 as
 * mean ± sd over its finished seeds, Δ of mean final top-1 against the reference config (signed
 * and coloured), wall time and images/s; sortable by any column, with the reference chosen in a
 * select, and the rows as CSV. Beside it, Δ per config as bars.
 */
import { useState } from 'react';
import { resultsCsv } from '../../engine/lab/csv';
import { sortRows, type GroupSummary, type SortColumn, type Stat } from '../../engine/lab/summary';
import { formatDuration } from '../runPlan';
import { DeltaChart } from './DeltaChart';
import { downloadText } from './downloads';

export interface ResultsTableProps {
  rows: readonly GroupSummary[];
  colors: ReadonlyMap<string, string>;
  onReference: (key: string | null) => void;
}

const COLUMNS: { id: SortColumn; label: string }[] = [
  { id: 'label', label: 'Config' },
  { id: 'finalTop1', label: 'Final top-1' },
  { id: 'bestTop1', label: 'Best top-1' },
  { id: 'finalTop5', label: 'Final top-5' },
  { id: 'deltaTop1', label: 'Δ top-1' },
  { id: 'wallSeconds', label: 'Wall time' },
  { id: 'imagesPerSecond', label: 'img/s' },
];

const pctStat = (s: Stat | null) => (s ? `${(100 * s.mean).toFixed(1)}${s.n > 1 ? ` ± ${(100 * s.std).toFixed(1)}` : ''}` : '—');

/** '+1.2' / '−0.4' percentage points, with a real minus sign. */
export function formatDelta(delta: number | null): string {
  if (delta === null) return '—';
  const points = 100 * delta;
  const text = Math.abs(points).toFixed(1);
  return text === '0.0' ? '±0.0' : `${points > 0 ? '+' : '−'}${text}`;
}

export function ResultsTable({ rows, colors, onReference }: ResultsTableProps) {
  const [sort, setSort] = useState<{ column: SortColumn; descending: boolean } | null>(null);
  const sorted = sort ? sortRows(rows, sort.column, sort.descending) : rows;
  const reference = rows.find((r) => r.isReference);
  const clickSort = (column: SortColumn) => setSort((s) => ({ column, descending: s?.column === column ? !s.descending : column !== 'label' }));
  return (
    <section className="panel lab-results" aria-label="Results">
      <div className="lab-results-head">
        <h2>Results</h2>
        <label className="field lab-reference">
          Δ against{' '}
          <select value={reference?.key ?? ''} onChange={(e) => onReference(e.target.value || null)} data-testid="lab-reference">
            {rows.map((r) => (
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
      <div className="lab-results-body">
        <table className="lab-table" data-testid="lab-results-table">
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
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.key} data-testid="lab-result-row" data-reference={r.isReference}>
                <th scope="row">
                  <span className="swatch" style={{ background: colors.get(r.key) }} /> <span data-testid="lab-result-label">{r.label}</span>
                  {r.isReference ? <span className="field-hint"> (reference)</span> : null}
                </th>
                <td data-testid="lab-result-final">{pctStat(r.finalTop1)}</td>
                <td>{pctStat(r.bestTop1)}</td>
                <td>{pctStat(r.finalTop5)}</td>
                <td className={r.deltaTop1 === null || r.isReference ? '' : r.deltaTop1 >= 0 ? 'delta-up' : 'delta-down'} data-testid="lab-result-delta">
                  {r.isReference ? '—' : formatDelta(r.deltaTop1)}
                </td>
                <td>{r.wallSeconds ? formatDuration(r.wallSeconds.mean) : '—'}</td>
                <td>{r.imagesPerSecond ? r.imagesPerSecond.mean.toFixed(0) : '—'}</td>
                <td data-testid="lab-result-seeds">
                  {r.finished}/{r.total}
                  {r.diverged ? `, ${r.diverged} diverged` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <DeltaChart rows={rows} />
      </div>
    </section>
  );
}
