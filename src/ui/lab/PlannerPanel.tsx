/**
 * The ablation planner: a baseline, a design (each trick alone, cumulative stack, leave-one-out
 * or a hand-made list), the tricks and the seeds; it lists every planned run and estimates the
 * total time before anything starts (from this device's earlier runs when there are any), then
 * queues the plan. The plan is shared as a link or downloaded for `npm run ablate`.
 *
 * Laid out experiment first, as the single-run page: what it trains on, the design, the tricks,
 * the plan's size and time and Queue fit the first screen; the baseline's fields fold away
 * under a one-line summary (opened by itself when one of them is wrong).
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { BackendInfo } from '../../engine/events';
import { estimatePlan, throughputSample, trainImagesFor, type ThroughputSample } from '../../engine/lab/estimate';
import { expandPlan, inapplicableTricks, PLAN_MODES, type Plan, type PlanMode } from '../../engine/lab/plan';
import { datasetMismatch } from '../../engine/lab/planDataset';
import { needsTeacher } from '../../engine/lab/teacher';
import type { LabRun } from '../../engine/lab/types';
import { PlanError, validatePlan } from '../../engine/lab/validatePlan';
import type { DatasetInfo } from '../../worker/protocol';
import { formatDuration } from '../../data/format';
import { baselineParts } from '../baselineSummary';
import { SelectField } from '../SelectField';
import { BaselineFields, SeedFields } from './BaselineFields';
import { downloadText } from './downloads';
import { FactorialNote } from './FactorialPanel';
import { LinearScalingPanel } from './LinearScalingPanel';
import { TeacherChooser, teacherBlock } from './TeacherChooser';
import { TrickChooser } from './TrickChooser';

export interface PlannerPanelProps {
  plan: Plan;
  onChange: (plan: Plan) => void;
  runs: readonly LabRun[];
  dataset: DatasetInfo | null;
  backend: BackendInfo | null;
  teacherRunId: string | null;
  onTeacher: (runId: string | null) => void;
  onQueue: () => void;
  /** The page's URL with the plan in its fragment. */
  shareUrl: string;
  /** What the runs train on, and the picker of datasets (LabDatasetPicker). */
  datasetPanel?: ReactNode;
}

const MODE_LABELS: Record<PlanMode, string> = {
  'each-alone': 'Each trick alone on the baseline',
  cumulative: 'Cumulative stack (Table 6 style)',
  'leave-one-out': 'Leave one out from all on',
  custom: 'Hand-made list',
  'factorial-iv': 'Fractional factorial, resolution IV (main effects)',
  'factorial-v': 'Fractional factorial, resolution V (+ two-trick interactions)',
};
const MODES = PLAN_MODES.map((m) => ({ value: m, label: MODE_LABELS[m] }));

function planProblem(plan: Plan): { field: string; message: string } | null {
  try {
    validatePlan(plan);
    return null;
  } catch (err) {
    return err instanceof PlanError ? { field: err.field, message: err.message.slice(err.field.length + 2) } : { field: '', message: String(err) };
  }
}

export function PlannerPanel(props: PlannerPanelProps) {
  const { plan, onChange, runs, dataset, backend, teacherRunId, onTeacher, onQueue, shareUrl, datasetPanel } = props;
  const [copied, setCopied] = useState(false);
  const problem = useMemo(() => planProblem(plan), [plan]);
  // The Baseline section starts folded and opens when one of its fields becomes wrong.
  const [baselineOpen, setBaselineOpen] = useState(false);
  const baselineProblem = problem?.field.startsWith('baseline.') ? problem.field : null;
  const [seenProblem, setSeenProblem] = useState<string | null>(null);
  if (baselineProblem !== seenProblem) {
    setSeenProblem(baselineProblem);
    if (baselineProblem) setBaselineOpen(true);
  }
  const expanded = useMemo(() => (problem ? null : expandPlan(plan)), [plan, problem]);
  const samples = useMemo(() => runs.filter((r) => r.source === 'local' && r.result).map((r) => throughputSample(r.result!)).filter((s): s is ThroughputSample => s !== null), [runs]);
  const estimate = useMemo(() => {
    if (!expanded || !dataset) return null;
    return estimatePlan(expanded.runs, (c) => trainImagesFor(c, dataset), samples, backend?.name);
  }, [expanded, dataset, samples, backend]);
  const distils = expanded?.groups.some((g) => needsTeacher(g.config)) ?? false;
  const otherData = dataset !== null && datasetMismatch(plan.dataset, dataset) !== null;
  const blocked = otherData || (distils && teacherBlock(plan, runs, teacherRunId, dataset) !== null);
  const inapplicable = problem ? [] : inapplicableTricks(plan);
  const count = expanded?.runs.length ?? 0;
  const scales = [...plan.tricks, ...plan.variants.flatMap((v) => v.tricks)].includes('linearScaling');

  const copyLink = () => {
    void navigator.clipboard?.writeText(shareUrl).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <section className="panel lab-planner" aria-label="Ablation planner">
      <h2>Plan an ablation</h2>
      {datasetPanel}
      <div className="inline-field">
        <SelectField label="Design" value={plan.mode} options={MODES} testId="lab-mode" onChange={(mode) => onChange({ ...plan, mode })} />
      </div>
      <TrickChooser plan={plan} onChange={onChange} disabled={false} />
      <FactorialNote plan={plan} />
      {scales ? <LinearScalingPanel plan={plan} valid={!problem} onChange={onChange} /> : null}
      {distils ? <TeacherChooser plan={plan} onChange={onChange} runs={runs} dataset={dataset} teacherRunId={teacherRunId} onTeacher={onTeacher} /> : null}
      <details className="baseline lab-baseline" open={baselineOpen} onToggle={(e) => setBaselineOpen(e.currentTarget.open)} data-testid="lab-baseline-section">
        <summary>
          <span className="baseline-title">Baseline</span> <span className="field-hint" data-testid="lab-baseline-summary">{baselineParts(plan.baseline).join(' · ')}</span>
        </summary>
        <BaselineFields plan={plan} onChange={onChange} disabled={false} error={problem} />
      </details>
      <SeedFields plan={plan} onChange={onChange} disabled={false} error={problem} />
      {problem ? (
        <p className="error" role="alert" data-testid="lab-plan-error">
          {problem.field}: {problem.message}
        </p>
      ) : null}
      {inapplicable.map((t) => (
        <p key={t.id} className="field-hint">
          {t.id} changes nothing here: {t.reason}.
        </p>
      ))}
      {expanded ? (
        <p className="lab-preview" data-testid="lab-preview">
          <strong data-testid="lab-planned-count">{count}</strong> runs: {expanded.groups.length} config{expanded.groups.length === 1 ? '' : 's'} × {plan.seeds.length} seed
          {plan.seeds.length === 1 ? '' : 's'} ({plan.seeds.join(', ')}).
          {estimate ? (
            <>
              {' '}
              About <strong data-testid="lab-estimate">{formatDuration(estimate.totalSeconds)}</strong>.
            </>
          ) : null}
        </p>
      ) : null}
      <div className="run-controls">
        <button type="button" className="primary" disabled={!expanded || count === 0 || !dataset || blocked} onClick={onQueue} data-testid="lab-queue-plan">
          Queue {count} run{count === 1 ? '' : 's'}
        </button>
        <button type="button" onClick={copyLink} data-testid="lab-copy-link">
          {copied ? 'Link copied' : 'Copy link'}
        </button>
        <button type="button" disabled={!!problem} onClick={() => downloadText(JSON.stringify(plan, null, 2), 'plan.json', 'application/json')}>
          Download plan
        </button>
      </div>
      {/* How the time was estimated, under Queue: the button stays on the first screen. */}
      {expanded && estimate ? <p className="field-hint lab-estimate-note">{estimate.note}</p> : null}
      {expanded ? (
        <ol className="lab-planned" aria-label="Planned configs">
          {expanded.groups.map((g) => (
            <li key={g.index}>
              {g.label}
              {g.isReference ? ' (reference)' : ''}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
