/**
 * `npm run soak -- [--steps 2000] [--backend webgpu|cpu]`: the long-run memory check of the
 * robustness issue at full length (src/engine/train/soak.ts): a tiny model trained for N steps,
 * printing what the backend holds every 25 steps, then the growth after the first epoch. Exit
 * code 0 when everything stayed flat, 1 when anything grew.
 */
import { parseArgs } from 'node:util';
import { sampleMemory } from '../engine/memory';
import { soak } from '../engine/train/soak';
import { nodeEnvironment, runMain, startBackend } from './common';

runMain(async () => {
  const { values } = parseArgs({ options: { steps: { type: 'string', default: '2000' }, backend: { type: 'string', default: 'webgpu' } } });
  const backendName = values.backend === 'cpu' ? 'cpu' : 'webgpu';
  const backend = await startBackend(backendName);
  const steps = Number(values.steps);
  console.log(`soak: ${steps} steps on ${backend.name}; before: ${JSON.stringify(sampleMemory())}`);
  const report = await soak(steps, nodeEnvironment(backend));
  const first = report.samples[0]?.memory;
  const last = report.samples.at(-1);
  console.log(`after epoch 1 (step ${report.samples[0]?.step}): ${JSON.stringify(first)}`);
  console.log(`at step ${last?.step}: ${JSON.stringify(last?.memory)}`);
  console.log(`status ${report.result.status}; ${report.samples.length} samples; largest growth ${JSON.stringify(report.growth)}; ${report.seconds.toFixed(0)} s (${((1000 * report.seconds) / steps).toFixed(0)} ms/step)`);
  const flat = report.result.status === 'finished' && Object.values(report.growth).every((g) => g === 0);
  console.log(flat ? 'flat: no growth after the first epoch' : 'GREW: memory rose after the first epoch');
  return flat ? 0 : 1;
});
