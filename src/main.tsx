/**
 * Entry point: starts the training worker (an ES module worker, so tfjs never runs on the main
 * thread), asks it for a backend and the embedded synthetic data, and renders the app.
 * `?backend=webgl|cpu` forces a backend (to see the fallback path).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { BackendName } from './engine/config';
import { SYNTHETIC_DEFAULT } from './engine/data/synthetic';
import { App } from './ui/App';
import { createTrainingClient } from './ui/trainingClient';
import './ui/app.css';

const BACKENDS: readonly ('auto' | BackendName)[] = ['auto', 'webgpu', 'webgl', 'cpu'];
const requested = new URLSearchParams(location.search).get('backend');
const backend = BACKENDS.find((b) => b === requested) ?? 'auto';

const worker = new Worker(new URL('./worker/trainingWorker.ts', import.meta.url), { type: 'module' });
const client = createTrainingClient(worker);
client.init(backend);
client.loadSynthetic(SYNTHETIC_DEFAULT);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={client} backend={backend} />
  </StrictMode>,
);
