/**
 * Wires the lab into the page: IndexedDB opened in the background (the controller starts at
 * once and reads the saved runs when it is open), the shared training worker as its port, the
 * single-run client as the source of the dataset, backend and "busy" status, a plan from a
 * shared link (`#share=…`), decoded and validated like any import, and the other tabs of the lab
 * (Web Locks for the queue, a BroadcastChannel for the news). With `?faults=1` the page offers
 * `window.trickLabTabs` to robustness tests: a tab that stops hearing the others (stale), and
 * the runs its worker was asked to start.
 */
import { createPlan, type Plan } from '../engine/lab/plan';
import { decodeSetup, shareCodeFromHash } from '../engine/lab/shareLink';
import type { TrainingClient } from '../client/trainingClient';
import { createLabController, type LabController, type LabPort } from './labController';
import { openLabStore, type LabStore } from './labStore';
import { broadcastTabChannel, SOLO_LOCK, webQueueLock, type TabChannel } from './tabSync';
import { errorMessage } from '../engine/errorMessage';

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
    loadRunsById: call('loadRunsById') as LabStore['loadRunsById'],
    updateRun: call('updateRun') as LabStore['updateRun'],
    swapRuns: call('swapRuns') as LabStore['swapRuns'],
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
export function createBrowserLab(worker: LabPort, client: TrainingClient, hash: string, allowFaults = false): LabController {
  let initialPlan: Plan | undefined;
  let linkError: string | null = null;
  const code = shareCodeFromHash(hash);
  if (code) {
    try {
      const setup = decodeSetup(code);
      initialPlan = setup.plan ?? createPlan(setup.config, { tricks: [] });
    } catch (err) {
      linkError = errorMessage(err);
    }
  }
  const channel = broadcastTabChannel();
  let port = worker;
  let tabs: TabChannel = channel;
  if (allowFaults) {
    let deaf = false;
    const started: string[] = [];
    tabs = { post: channel.post, listen: (l) => channel.listen((m) => !deaf && l(m)) };
    port = {
      postMessage: (m, transfer) => {
        if (m.type === 'start' && m.lab) started.push(m.runId);
        worker.postMessage(m, transfer);
      },
      addEventListener: (type, l) => worker.addEventListener(type, l),
    };
    Object.assign(window, { trickLabTabs: { setDeaf: (on: boolean) => void (deaf = on), started: () => [...started] } });
  }
  const lab = createLabController({
    port,
    store: lazyLabStore(openLabStore()),
    workerStatus: () => {
      const s = client.getSnapshot();
      return { backend: s.backend, dataset: s.dataset, busy: s.datasetLoading || LIVE.includes(s.phase) };
    },
    userAgent: navigator.userAgent,
    newId,
    initialPlan,
    lock: typeof navigator.locks?.request === 'function' ? webQueueLock(navigator.locks) : SOLO_LOCK,
    channel: tabs,
  });
  client.subscribe(() => lab.workerStatusChanged());
  if (linkError) lab.notify('error', `The shared link's setup was not loaded: ${linkError}`);
  else if (initialPlan) lab.notify('info', 'Loaded the plan from the link.');
  return lab;
}
