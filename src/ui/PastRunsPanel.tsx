/**
 * The finished runs kept on the charts (pastRuns.ts): each with its colour, label and final
 * top-1, a Keep box (a newer run never pushes it out) and a Show box; Clear empties the list
 * (and the copy kept in the browser, pastRunStore.ts);
 * "Compare in the lab" sends them to the lab as a hand-made plan, saying where the runs differed
 * in more than their tricks.
 */
import type { Plan } from '../engine/lab/plan';
import { MAX_PAST_RUNS, planFromRuns, updatePastRun, type PastRun } from './pastRuns';

export interface PastRunsPanelProps {
  runs: readonly PastRun[];
  onChange: (runs: PastRun[]) => void;
  /** Opens the lab with this plan; absent where there is no lab. */
  onSendToLab?: (plan: Plan) => void;
}

export function PastRunsPanel({ runs, onChange, onSendToLab }: PastRunsPanelProps) {
  if (runs.length === 0) return null;
  const set = (id: string, patch: Partial<Pick<PastRun, 'pinned' | 'hidden'>>) => onChange(updatePastRun(runs, id, patch));
  const { plan, notes } = planFromRuns(runs);
  return (
    <section className="panel past-runs" aria-label="Earlier runs" data-testid="past-runs">
      <h2>Earlier runs on the charts</h2>
      <p className="field-hint">The last {MAX_PAST_RUNS} finished runs stay on the loss and accuracy charts, faded, and are kept in this browser until cleared; keep one to hold it there.</p>
      <ul>
        {runs.map((r) => (
          <li key={r.id} data-testid="past-run" data-run={r.id}>
            <span className="swatch" style={{ background: r.color }} aria-hidden="true" /> <span className="past-run-label">{r.label}</span>
            <span className="field-hint"> {r.val.length > 0 ? `${r.val[r.val.length - 1].y.toFixed(1)}% top-1` : 'no epoch'}</span>
            <label>
              <input type="checkbox" checked={!r.hidden} onChange={(e) => set(r.id, { hidden: !e.target.checked })} /> show
            </label>
            <label>
              <input type="checkbox" checked={r.pinned} onChange={(e) => set(r.id, { pinned: e.target.checked })} /> keep
            </label>
          </li>
        ))}
      </ul>
      <div className="run-controls">
        <button type="button" onClick={() => onChange([])} data-testid="past-runs-clear">
          Clear
        </button>
        {onSendToLab ? (
          <button type="button" onClick={() => onSendToLab(plan)} data-testid="past-runs-to-lab">
            Compare in the lab ({plan.variants.length} {plan.variants.length === 1 ? 'config' : 'configs'})
          </button>
        ) : null}
      </div>
      {notes.map((n) => (
        <p key={n} className="field-hint">
          {n}
        </p>
      ))}
    </section>
  );
}
