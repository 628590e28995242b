/**
 * Wires the lab into the page: IndexedDB opened in the background (the controller starts at
 * once and reads the saved runs when it is open), the shared training worker as its port, the
 * single-run client as the source of the dataset, backend and "busy" status, and a plan from
 * a shared link (`#share=…`), decoded and validated like any import.
 */
import { createPlan, type Plan } from '../engine/lab/plan';
import { decodeSetup, shareCodeFromHash } from '../engine/lab/shareLink';
import type { TrainingClient } from '../client/trainingClient';
import { createLabController, type LabController, type LabPort } from './labController';
import { openLabStore, type LabStore } from './labStore';

/** A store whose calls wait for the database to open (and fail as it fails). */
export function lazyLabStore(opening: Promise<LabStore>): LabStore {
  const call =
    <K extends keyof LabStore>(name: K) =>
    async (...args: Parameters<LabStore[K]>) =>
      ((await opening)[name] as (...a: Parameters<LabStore[K]>) => unknown)(...args);
  return {
    loadRuns: call('loadRuns') as LabStore['loadRuns'],
    loadMeta: call('loadMeta') as LabStore['loadMeta'],
    saveMeta: call('saveMeta') as LabStore['saveMeta'],
    saveRuns: call('saveRuns') as LabStore['saveRuns'],
    deleteRun: call('deleteRun') as LabStore['deleteRun'],
    saveWeights: call('saveWeights') as LabStore['saveWeights'],
    loadWeights: call('loadWeights') as LabStore['loadWeights'],
    saveCheckpoint: call('saveCheckpoint') as LabStore['saveCheckpoint'],
    loadCheckpoint: call('loadCheckpoint') as LabStore['loadCheckpoint'],
    deleteCheckpoint: call('deleteCheckpoint') as LabStore['deleteCheckpoint'],
    clear: call('clear') as LabStore['clear'],
    close: () => void opening.then((s) => s.close(), () => undefined),
  };
}

function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${Date.now().toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const LIVE = ['starting', 'running', 'paused', 'stopping'];

/** The page's lab: shares `worker` with the single-run page (`client`). */
export function createBrowserLab(worker: LabPort, client: TrainingClient, hash: string): LabController {
  let initialPlan: Plan | undefined;
  let linkError: string | null = null;
  const code = shareCodeFromHash(hash);
  if (code) {
    try {
      const setup = decodeSetup(code);
      initialPlan = setup.plan ?? createPlan(setup.config, { tricks: [] });
    } catch (err) {
      linkError = err instanceof Error ? err.message : String(err);
    }
  }
  const lab = createLabController({
    port: worker,
    store: lazyLabStore(openLabStore()),
    workerStatus: () => {
      const s = client.getSnapshot();
      return { backend: s.backend, dataset: s.dataset, busy: s.datasetLoading || LIVE.includes(s.phase) };
    },
    userAgent: navigator.userAgent,
    newId,
    initialPlan,
  });
  client.subscribe(() => lab.workerStatusChanged());
  if (linkError) lab.notify('error', `The shared link's setup was not loaded: ${linkError}`);
  else if (initialPlan) lab.notify('info', 'Loaded the plan from the link.');
  return lab;
}
