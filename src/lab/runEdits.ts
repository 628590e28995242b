/**
 * The user's edits of a run (cancel, move, retry, resume), each judged against the run as stored
 * (runRules.ts) in one storage transaction: a stale tab's edit of a run that moved on is refused,
 * the run is shown as stored and a notice says why. Stopping the run that trains is the queue
 * owner's (this tab's worker, or a request to the owning tab).
 */
import type { LabRun } from '../engine/lab/types';
import { patchRun, type LabState, type Notice } from './foldLabEvent';
import type { GuardedStore } from './guardedStore';
import { cancelRule, moveRule, resumeRule, retryRule, type RuleResult, type RunRule } from './runRules';

export interface RunEditsHost {
  get(): LabState;
  set(next: LabState): void;
  guard: GuardedStore;
  notify(kind: Notice['kind'], text: string): void;
  /** Stops the run the queue trains now. */
  stopActive(runId: string): void;
  startQueue(): void;
}

export interface RunEdits {
  /** Shows an edit's outcome: the new run, or the stored one and a notice (unless quiet). True when applied. */
  apply(run: LabRun, pending: Promise<RuleResult>, quiet?: boolean): Promise<boolean>;
  cancel(id: string): Promise<void>;
  move(id: string, delta: -1 | 1): Promise<void>;
  retry(id: string): Promise<void>;
  resume(id: string): Promise<void>;
}

export function createRunEdits(host: RunEditsHost): RunEdits {
  const { guard } = host;
  const runById = (id: string) => host.get().runs.find((r) => r.id === id);
  /** A run that exists and is not the one training now. */
  const idle = (id: string) => (id === host.get().activeRunId ? undefined : runById(id));

  async function apply(run: LabRun, pending: Promise<RuleResult>, quiet = false): Promise<boolean> {
    const result = await pending;
    host.set(patchRun(host.get(), run.id, 'run' in result ? result.run : result.stored));
    if ('refused' in result && !quiet) host.notify('error', result.refused);
    return 'run' in result;
  }

  return {
    apply,
    async cancel(id) {
      const run = idle(id);
      if (run) await apply(run, guard.updateRun(run, cancelRule));
      else if (id === host.get().activeRunId) host.stopActive(id);
    },
    async move(id, delta) {
      const runs = host.get().runs;
      const i = runs.findIndex((r) => r.id === id);
      const other = runs[i + delta];
      if (i < 0 || !other || !(await apply(runs[i], guard.swapRuns(runs[i], other, moveRule)))) return;
      const next = [...host.get().runs];
      const [a, b] = [next.findIndex((r) => r.id === id), next.findIndex((r) => r.id === other.id)];
      if (a >= 0 && b >= 0) [next[a], next[b]] = [next[b], next[a]];
      host.set({ ...host.get(), runs: next });
    },
    async retry(id) {
      const run = idle(id);
      if (!run || !(await apply(run, guard.updateRun(run, retryRule)))) return;
      guard.restart(id);
      host.startQueue();
    },
    async resume(id) {
      const run = idle(id);
      if (!run) return;
      // A checkpoint deleted meanwhile: the row says the run starts over, not where it resumes.
      const kept = run.checkpointEpoch !== null && (await guard.loadCheckpoint(id)) !== undefined;
      const rule: RunRule = kept ? resumeRule : (stored) => resumeRule({ ...stored, checkpointEpoch: null });
      if (await apply(run, guard.updateRun(run, rule))) host.startQueue();
    },
  };
}
