/**
 * What each edit of a run may do, judged against the run as it is stored now, not as this tab
 * last saw it: several tabs share one lab, and a tab's copy may be stale. Every edit is a rule
 * that returns the run to write, or a refusal in the user's words. The one invariant: a run
 * never moves backwards by accident. An ended run (finished, stopped, diverged, failed) is only
 * queued again by an explicit Retry; a queued run starts in one tab only (claim).
 */
import { hasEnded, type LabRun } from '../engine/lab/types';

/** The run to write, or why the edit was refused. */
export type RuleResult = { run: LabRun } | { refused: string; stored: LabRun };
export type RunRule = (stored: LabRun) => RuleResult;

const named = (run: LabRun) => `"${run.label}" (seed ${run.config.run.seed})`;
/** A status as a phrase: "has finished", "is running". */
const state = (run: LabRun) => (hasEnded(run) || run.status === 'cancelled' || run.status === 'interrupted' ? `has ${run.status === 'finished' ? 'finished' : `been ${run.status}`}` : `is ${run.status}`);
const refuse = (run: LabRun, what: string): RuleResult => ({ refused: `${named(run)} ${state(run)} (in another tab or before): ${what}.`, stored: run });

/** Takes a queued or interrupted run off the queue. */
export const cancelRule: RunRule = (run) => (run.status === 'queued' || run.status === 'interrupted' ? { run: { ...run, status: 'cancelled' } } : refuse(run, 'it was not cancelled'));

/** Moving changes only the queue order, so only a queued run moves. */
export const moveRule: RunRule = (run) => (run.status === 'queued' ? { run } : refuse(run, 'only queued runs move'));

/** Runs an ended, cancelled or interrupted local run again from the start. */
export const retryRule: RunRule = (run) => {
  if (run.source !== 'local') return { refused: `${named(run)} is imported: it is compared, not run.`, stored: run };
  if (!(hasEnded(run) || run.status === 'cancelled' || run.status === 'interrupted')) return refuse(run, 'it was not queued again');
  return { run: { ...run, status: 'queued', message: null, epochs: [], steps: [], result: null, checkpointEpoch: null, hasWeights: false } };
};

/** Queues an interrupted (or cancelled) run to continue from its checkpoint, if it has one. */
export const resumeRule: RunRule = (run) => {
  if (run.status !== 'interrupted' && run.status !== 'cancelled') return refuse(run, 'it was not resumed');
  const message = run.checkpointEpoch ? `resumes after epoch ${run.checkpointEpoch}` : 'no checkpoint: restarts from the beginning';
  return { run: { ...run, status: 'queued', message } };
};

/** The queue's owner starts a run: only one still queued. */
export const claimRule: RunRule = (run) => (run.status === 'queued' ? { run: { ...run, status: 'running', message: null } } : refuse(run, 'it was not started'));

/** A run left 'running' by a tab that is gone (closed, crashed, reloaded): interrupted, to resume. */
export const orphanRule: RunRule = (run) =>
  run.status === 'running' ? { run: { ...run, status: 'interrupted', message: `interrupted after epoch ${run.checkpointEpoch ?? 0}` } } : refuse(run, 'it is not running any more');

/**
 * Why a whole-record write of `next` over `stored` is refused, or null: an ended run is never
 * overwritten by an unended copy (a stale tab's queued or running version of it).
 */
export function overwriteRefusal(stored: LabRun, next: LabRun): string | null {
  if (hasEnded(stored) && !hasEnded(next)) return `${named(stored)} ${state(stored)}; a stale copy (${next.status}) was not saved over it.`;
  return null;
}
