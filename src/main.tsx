/**
 * Entry point: starts the training worker (an ES module worker, so tfjs never runs on the main
 * thread), asks it for a backend and the embedded synthetic data, and renders the app: the
 * single-run page and the ablation lab, as tabs.
 * `?backend=webgl|cpu` forces a backend (to see the fallback path). `?faults=1` lets the worker
 * provoke its own faults (robustness tests: a lost GPU, a hung or crashing worker), and with it
 * `&watchdog=ms` shortens how long a silent worker is waited for.
 */
import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { BackendName } from './engine/config';
import { SYNTHETIC_DEFAULT } from './engine/data/synthetic';
import { createBrowserLab } from './lab/browserLab';
import { Shell, viewFromHash } from './ui/Shell';
import { readConfigLink } from './ui/useConfigLink';
import { createTrainingClient } from './client/trainingClient';
import { createWorkerHost } from './client/workerHost';
import type { WorkerFault } from './worker/protocol';
import './ui/app.css';

const BACKENDS: readonly ('auto' | BackendName)[] = ['auto', 'webgpu', 'webgl', 'cpu'];
const params = new URLSearchParams(location.search);
const requested = params.get('backend');
const backend = BACKENDS.find((b) => b === requested) ?? 'auto';
const allowFaults = params.get('faults') === '1';
/**
 * A worker silent this long on WebGPU is restarted. On WebGL and the CPU the worker's own work
 * is synchronous (shader linking, CPU kernels) and may block it for minutes, so only its errors
 * are watched there.
 */
const WATCHDOG_MS = (allowFaults && Number(params.get('watchdog'))) || 60_000;

const worker = createWorkerHost({
  create: () => new Worker(new URL('./worker/trainingWorker.ts', import.meta.url), { type: 'module' }),
  // Never while the worker initialises or decodes a dataset (synchronous work either).
  silenceMs: () => {
    const s = client.getSnapshot();
    return s.backend?.name !== 'webgpu' || s.datasetLoading ? Infinity : WATCHDOG_MS;
  },
});
const client = createTrainingClient(worker);
client.init(backend, allowFaults);
// Robustness tests provoke faults from the page: `await window.trickLabFaults('lose-device')`.
if (allowFaults) Object.assign(window, { trickLabFaults: (fault: WorkerFault) => client.injectFault(fault) });
client.loadSynthetic(SYNTHETIC_DEFAULT);
// The ablation lab shares the worker; `#view=lab` opens it, `#share=…` carries a plan; the
// single-run page's config comes in `#config=…`.
const lab = createBrowserLab(worker, client, location.hash, allowFaults);
const hasShare = new URLSearchParams(location.hash.replace(/^#/, '')).has('share');

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// The first render is a transition, so React renders the page in slices and yields between
// them: one synchronous render of the whole page was a long task (~300 ms on a slow machine).
startTransition(() =>
  createRoot(root).render(
    <StrictMode>
      <Shell client={client} lab={lab} backend={backend} initialView={hasShare ? 'lab' : viewFromHash(location.hash)} configLink={readConfigLink(location.hash)} />
    </StrictMode>,
  ),
);
