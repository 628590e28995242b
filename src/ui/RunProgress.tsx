/**
 * The run's progress: phase, a progress bar, epoch, step, ETA and throughput; how each step runs
 * on the GPU and, with FP16 on, in what precision it really trains.
 */
import type { EpochEvent, StepEvent } from '../engine/events';
import { formatDuration } from '../data/format';
import { etaSeconds } from './runPlan';
import type { RunPhase } from '../client/trainingClient';

export interface RunProgressProps {
  phase: RunPhase;
  lastStep: StepEvent | null;
  lastEpoch: EpochEvent | null;
  totalEpochs: number;
  /** The run's end status once done ('finished', 'stopped', …). */
  status: string | null;
  /** GPU pipelines compiled so far before the first step, of the run's total. */
  compiling?: { done: number; total: number } | null;
}

const PHASE_LABEL: Record<RunPhase, string> = {
  idle: 'Ready',
  starting: 'Starting (compiling GPU kernels)…',
  running: 'Training',
  paused: 'Paused',
  stopping: 'Stopping…',
  done: 'Done',
};

export function RunProgress({ phase, lastStep, lastEpoch, totalEpochs, status, compiling = null }: RunProgressProps) {
  const total = lastStep?.totalSteps ?? 0;
  const step = lastStep?.step ?? 0;
  const epoch = Math.max(lastStep?.epoch ?? 0, lastEpoch?.epoch ?? 0);
  const finished = phase === 'done' && status === 'finished';
  const fraction = finished ? 1 : total > 0 ? step / total : 0;
  const eta = lastStep && (phase === 'running' || phase === 'paused') ? etaSeconds(lastStep) : null;
  return (
    <div className="run-progress" data-testid="run-progress">
      <div className="progress-line">
        <span className={`phase phase-${phase}`} data-testid="run-phase" data-phase={phase}>
          {phase === 'starting' && compiling && compiling.total > 0 ? `Starting: compiling GPU kernels ${compiling.done} of ${compiling.total}…` : PHASE_LABEL[phase]}
          {phase === 'done' && status ? ` (${status})` : ''}
        </span>
        <progress max={1} value={fraction} aria-label="Training progress" data-testid="progress-bar" />
      </div>
      <dl className="progress-stats">
        <div>
          <dt>Epoch</dt>
          <dd data-testid="progress-epoch">
            {epoch}/{totalEpochs}
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd data-testid="progress-step" data-step={step}>
            {step}/{total || '?'}
          </dd>
        </div>
        <div>
          <dt>ETA</dt>
          <dd data-testid="progress-eta">{eta === null ? '–' : formatDuration(eta)}</dd>
        </div>
      </dl>
      {lastStep?.stepPath ? (
        <p className="step-path" data-testid="step-path" title="How each training step runs on the GPU: compiled (captured once, replayed as one command buffer) or op by op, and why">
          {lastStep.stepPath}
        </p>
      ) : null}
      {lastStep?.precision ? (
        <p className="step-path" data-testid="precision-note" title="What the FP16 trick really does here: tfjs has no half-precision tensors, so values are rounded to half and kept in fp32 (FP16's effect on accuracy, not its speed)">
          {lastStep.precision}
        </p>
      ) : null}
    </div>
  );
}
