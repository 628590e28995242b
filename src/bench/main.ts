/**
 * bench.html: runs the shared training-kernel bench (runBench.ts) in the browser on WebGPU and
 * shows its tables. Settings are the URL query (same names as the CLI flags); the form edits
 * them and reloads. For automation the page sets data-state on <body> ('running', 'done',
 * 'error') and keeps the last report on window.__benchReport.
 */
import { initBackend } from '../engine/backend';
import { formatReport } from './format';
import { BENCH_KEYS, parseBenchOptions, type BenchKey } from './options';
import { runBench, type BenchReport } from './runBench';
import { errorMessage } from '../engine/errorMessage';

declare global {
  interface Window {
    __benchReport?: BenchReport;
  }
}

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`bench.html is missing #${id}`);
  return el as T;
}

const params = new URLSearchParams(location.search);
const logEl = element<HTMLPreElement>('log');
const reportEl = element<HTMLPreElement>('report');
const statusEl = element<HTMLSpanElement>('status');
const runButton = element<HTMLButtonElement>('run');

function log(line: string): void {
  logEl.textContent += `${line}\n`;
}

function setState(state: 'idle' | 'running' | 'done' | 'error', text: string): void {
  document.body.dataset.state = state;
  statusEl.textContent = text;
}

/** One text field per setting, prefilled from the URL; submitting reloads with the new query. */
function buildForm(): void {
  const form = element<HTMLFormElement>('settings');
  for (const key of BENCH_KEYS) {
    const label = document.createElement('label');
    label.textContent = `${key} `;
    const input = document.createElement('input');
    input.name = key;
    input.value = params.get(key) ?? '';
    input.placeholder = 'default';
    input.dataset.testid = `bench-${key}`;
    label.append(input);
    form.append(label);
  }
  form.addEventListener('change', () => {
    const next = new URLSearchParams();
    for (const el of Array.from(form.elements) as HTMLInputElement[]) if (el.value) next.set(el.name, el.value);
    history.replaceState(null, '', `?${next.toString()}`);
  });
}

async function run(): Promise<void> {
  runButton.disabled = true;
  logEl.textContent = '';
  reportEl.textContent = '';
  setState('running', 'running…');
  try {
    const query = new URLSearchParams(location.search);
    const options = parseBenchOptions((key: BenchKey) => query.get(key) ?? undefined);
    const backend = await initBackend('webgpu');
    if (backend.name !== 'webgpu') throw new Error(`WebGPU is needed: ${backend.fallbackReason ?? backend.name}`);
    const a = backend.adapter;
    log(`WebGPU adapter: ${a ? [a.vendor, a.architecture, a.description].filter(Boolean).join(', ') : 'unknown'}`);
    const report = await runBench({ ...options, log });
    window.__benchReport = report;
    reportEl.textContent = formatReport(report);
    setState('done', 'done');
  } catch (err) {
    log(`error: ${errorMessage(err)}`);
    setState('error', 'failed');
  } finally {
    runButton.disabled = false;
  }
}

buildForm();
setState('idle', 'idle');
runButton.addEventListener('click', () => void run());
if (params.get('autorun') === '1') void run();
