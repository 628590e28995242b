/**
 * Node runner: `npm run train -- --config run.json [--data path] [--out results.json]`.
 * Runs the same engine as the browser on WebGPU through Dawn (npm `webgpu`), falling back to
 * tfjs CPU with a warning, prints progress, and writes the same results JSON the browser offers.
 * The config file may be partial: it is merged over the defaults, then validated.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { makeConfig, type DeepPartial, type ExperimentConfig } from '../engine/config';
import { initBackend } from '../engine/backend';
import { createSyntheticDataset, SYNTHETIC_DEFAULT } from '../engine/data/synthetic';
import type { Dataset } from '../engine/data/types';
import type { TrainEvent } from '../engine/events';
import { startTraining } from '../engine/train/trainer';
import { validateConfig } from '../engine/validateConfig';
import { loadDatasetFromPath } from '../node/loadDataset';
import { installNodeWebGPU } from '../node/webgpu';

const USAGE = `usage: npm run train -- [--config run.json] [--data path] [--out results.json] [--backend auto|webgpu|cpu]
  --config  experiment config JSON (partial configs are merged over the defaults)
  --data    CIFAR-10 binary: cifar-10-binary.tar.gz, its folder, or a .bin file (default: the embedded synthetic set)
  --out     where to write the results JSON (default: results.json)`;

function format(e: TrainEvent): string {
  if (e.kind === 'step') {
    return `epoch ${e.epoch} step ${e.step}/${e.totalSteps}  loss ${e.loss.toFixed(4)}  lr ${e.lr.toPrecision(3)}  ${e.imagesPerSecond.toFixed(1)} img/s`;
  }
  return `epoch ${e.epoch}/${e.totalEpochs}  train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(2)}%  val loss ${e.valLoss.toFixed(4)} top-1 ${(100 * e.valTop1).toFixed(2)}% top-5 ${(100 * e.valTop5).toFixed(2)}%  (${e.seconds.toFixed(1)} s)`;
}

async function loadConfig(path: string | undefined): Promise<ExperimentConfig> {
  if (!path) return makeConfig();
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return validateConfig(makeConfig(parsed as DeepPartial<ExperimentConfig>));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string', default: 'results.json' },
      backend: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = await loadConfig(values.config);
  if (values.backend) config.run.backend = validateConfig({ ...config, run: { ...config.run, backend: values.backend } }).run.backend;
  if (config.run.backend === 'auto' || config.run.backend === 'webgpu') {
    const problem = await installNodeWebGPU();
    if (problem) console.warn(`warning: ${problem}`);
  }
  const backend = await initBackend(config.run.backend);
  if (backend.name !== 'webgpu') console.warn(`warning: training on tfjs ${backend.name}, not WebGPU (${backend.fallbackReason ?? 'as asked'}); this is slow`);
  const adapter = backend.adapter ? ` (${[backend.adapter.vendor, backend.adapter.architecture, backend.adapter.description].filter(Boolean).join(', ')})` : '';
  console.log(`backend: ${backend.name}${adapter}`);

  let dataset: Dataset;
  if (values.data) {
    dataset = await loadDatasetFromPath(values.data);
    config.data.dataset = dataset.id;
  } else {
    if (config.data.dataset !== 'synthetic') throw new Error(`data.dataset is '${config.data.dataset}': pass --data with the dataset's path`);
    dataset = createSyntheticDataset(SYNTHETIC_DEFAULT);
  }
  console.log(`dataset: ${dataset.name}, ${dataset.train.count} training images, ${dataset.test ? `${dataset.test.count} test images` : 'no test split (a seeded split of the training set is used)'}`);

  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.log('\nstopping after this step (Ctrl-C again to quit at once)…');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const run = startTraining({
    config,
    dataset,
    environment: { backend, userAgent: `node ${process.version} (${platform()} ${arch()})`, runtime: 'node' },
    onEvent: (e) => console.log(format(e)),
    signal: controller.signal,
  });
  const result = await run.result;
  await writeFile(values.out as string, JSON.stringify(result, null, 2));
  console.log(`${result.status}${result.message ? `: ${result.message}` : ''}; results written to ${values.out}`);
  return result.status === 'failed' ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
