/**
 * The run queue: runs execute one after another in the training worker; each row shows its
 * status, a progress bar and an ETA (from the live step for the active run, from the planner's
 * estimate for waiting ones), with cancel, reorder, retry, resume (an interrupted run goes on
 * from its last epoch checkpoint) and remove. Imported runs are listed apart: compared, not run.
 * An ended run that is not in browser storage (see StorageBanner) is tagged "not saved".
 */
import type { StepEvent } from '../../engine/events';
import { rateFor, throughputSample, trainImagesFor, type ThroughputSample } from '../../engine/lab/estimate';
import { hasEnded, type LabRun } from '../../engine/lab/types';
import { VirtualList } from './VirtualList';
import type { LabController, LabState } from '../../lab/labController';
import type { DatasetInfo } from '../../worker/protocol';
import { formatDuration } from '../../data/format';
import { etaSeconds } from '../runPlan';
import { QueueOwnerNote } from './QueueOwnerNote';

export interface QueuePanelProps {
  lab: LabController;
  runs: readonly LabRun[];
  activeRunId: string | null;
  queueRunning: boolean;
  /** Which tab runs the queue (this one, another, or none since its tab closed). */
  queueOwner: LabState['queueOwner'];
  lastStep: StepEvent | null;
  /** Runs that exist only in this tab (their record failed to save). */
  unsaved: ReadonlySet<string>;
  dataset: DatasetInfo | null;
  backendName: string | null;
}

const STATUS_TEXT: Record<LabRun['status'], string> = {
  queued: 'queued',
  running: 'running',
  interrupted: 'interrupted',
  cancelled: 'cancelled',
  finished: 'finished',
  stopped: 'stopped',
  diverged: 'diverged',
  failed: 'failed',
};

interface RowProps {
  run: LabRun;
  index: number;
  last: number;
  lab: LabController;
  active: boolean;
  lastStep: StepEvent | null;
  estimate: number | null;
  unsaved: boolean;
  /** From VirtualList: the row's index and, in a long list, its measuring ref. */
  measure: { 'data-index': number; ref?: (el: HTMLElement | null) => void };
}

function progressOf(run: LabRun, active: boolean, lastStep: StepEvent | null): number {
  if (run.status === 'finished') return 1;
  if (active && lastStep) return lastStep.step / lastStep.totalSteps;
  return run.epochs.length / run.config.run.epochs;
}

/** The tag on an ended run that only this tab holds. */
function UnsavedTag() {
  return (
    <span className="lab-unsaved" title="Not in browser storage: export the lab to keep it" data-testid="lab-run-unsaved">
      not saved
    </span>
  );
}

function RunRow({ run, index, last, lab, active, lastStep, estimate, unsaved, measure }: RowProps) {
  const eta = active && lastStep ? etaSeconds(lastStep) : run.status === 'queued' ? estimate : null;
  const final = run.result?.final;
  return (
    <li {...measure} className={`lab-run lab-run-${run.status}`} data-testid="lab-run" data-status={run.status} data-run-id={run.id} data-checkpoint={run.checkpointEpoch ?? 0} data-epochs={run.epochs.length} data-unsaved={unsaved}>
      <div className="lab-run-head">
        <span className="lab-run-label">
          {run.label} <span className="field-hint">seed {run.config.run.seed}</span>
          {unsaved && run.result ? <UnsavedTag /> : null}
        </span>
        <span className="lab-status" data-testid="lab-run-status">
          {STATUS_TEXT[run.status]}
          {run.status === 'interrupted' && run.checkpointEpoch ? ` (checkpoint after epoch ${run.checkpointEpoch})` : ''}
        </span>
      </div>
      <div className="progress-line">
        <progress max={1} value={progressOf(run, active, lastStep)} aria-label={`Progress of ${run.label}, seed ${run.config.run.seed}`} />
        <span className="lab-eta" data-testid="lab-run-eta">
          {eta !== null ? `${active ? '' : '~'}${formatDuration(eta)}` : final ? `top-1 ${(100 * final.valTop1).toFixed(1)}%` : ''}
        </span>
      </div>
      {run.message && run.status !== 'finished' ? <p className={run.status === 'failed' || run.status === 'diverged' ? 'error' : 'field-hint'}>{run.message}</p> : null}
      {active && lastStep?.stepPath ? (
        <p className="step-path" data-testid="lab-step-path">
          {lastStep.stepPath}
        </p>
      ) : null}
      {active && lastStep?.precision ? (
        <p className="step-path" data-testid="lab-precision-note">
          {lastStep.precision}
        </p>
      ) : null}
      <div className="lab-run-actions">
        {run.status === 'queued' ? (
          <>
            <button type="button" aria-label="Move up" disabled={index === 0} onClick={() => void lab.move(run.id, -1)}>
              ↑
            </button>
            <button type="button" aria-label="Move down" disabled={index === last} onClick={() => void lab.move(run.id, 1)}>
              ↓
            </button>
          </>
        ) : null}
        {run.status === 'queued' || active ? (
          <button type="button" onClick={() => void lab.cancel(run.id)}>
            Cancel
          </button>
        ) : null}
        {run.status === 'interrupted' ? (
          <button type="button" className="primary" onClick={() => void lab.resume(run.id)}>
            Resume
          </button>
        ) : null}
        {hasEnded(run) || run.status === 'cancelled' || run.status === 'interrupted' ? (
          <button type="button" onClick={() => void lab.retry(run.id)}>
            Retry
          </button>
        ) : null}
        {!active ? (
          <button type="button" onClick={() => lab.remove(run.id)}>
            Remove
          </button>
        ) : null}
      </div>
    </li>
  );
}

export function QueuePanel({ lab, runs, activeRunId, queueRunning, queueOwner, lastStep, unsaved, dataset, backendName }: QueuePanelProps) {
  const local = runs.filter((r) => r.source === 'local');
  const imported = runs.filter((r) => r.source === 'imported');
  const samples = local.map((r) => (r.result ? throughputSample(r.result) : null)).filter((s): s is ThroughputSample => s !== null && (!backendName || s.backend === backendName));
  const estimateOf = (run: LabRun) => (dataset ? (run.config.run.epochs * trainImagesFor(run.config, dataset)) / rateFor(run.config, samples).imagesPerSecond : null);
  const waiting = local.filter((r) => r.status === 'queued');
  const left = waiting.reduce((s, r) => s + (estimateOf(r) ?? 0), 0) + (lastStep && activeRunId ? etaSeconds(lastStep) : 0);
  const owned = queueOwner === 'here' || queueOwner === 'elsewhere';
  const canRun = waiting.length > 0 && !queueRunning && owned;
  return (
    <section className="panel lab-queue" aria-label="Run queue">
      <h2>Runs</h2>
      <QueueOwnerNote lab={lab} owner={queueOwner} />
      <div className="run-controls">
        <button type="button" className="primary" disabled={!canRun} onClick={lab.startQueue} data-testid="lab-run-queue">
          Run queue
        </button>
        <button type="button" disabled={!queueRunning || !owned} onClick={lab.pauseQueue}>
          Pause queue
        </button>
        <span className="field-hint" data-testid="lab-queue-summary">
          {waiting.length} queued{activeRunId ? ', 1 running' : ''}
          {waiting.length || activeRunId ? `, about ${formatDuration(left)} left` : ''}
          {queueRunning ? '' : waiting.length ? ' (paused)' : ''}
        </span>
      </div>
      {local.length === 0 ? <p className="field-hint">No runs yet: plan an ablation and queue it.</p> : null}
      <VirtualList
        ordered
        className="lab-runs"
        testId="lab-runs"
        count={local.length}
        estimateHeight={64}
        renderItem={(i, measure) => {
          const run = local[i];
          return (
            <RunRow
              key={run.id}
              run={run}
              index={i}
              last={local.length - 1}
              lab={lab}
              active={run.id === activeRunId}
              lastStep={run.id === activeRunId ? lastStep : null}
              estimate={estimateOf(run)}
              unsaved={unsaved.has(run.id)}
              measure={measure}
            />
          );
        }}
      />
      {imported.length > 0 ? (
        <>
          <h3>Imported</h3>
          <VirtualList
            className="lab-runs"
            testId="lab-imported"
            count={imported.length}
            renderItem={(i, measure) => {
              const run = imported[i];
              return (
              <li key={run.id} {...measure} className="lab-run" data-testid="lab-imported-run" data-status={run.status}>
                <span className="lab-run-label">
                  {run.label} <span className="field-hint">seed {run.config.run.seed}, {run.status}, from {run.origin}</span>
                </span>{' '}
                {unsaved.has(run.id) ? <UnsavedTag /> : null}
                <button type="button" onClick={() => lab.remove(run.id)}>
                  Remove
                </button>
              </li>
              );
            }}
          />
        </>
      ) : null}
    </section>
  );
}
