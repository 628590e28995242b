/**
 * Node runner: `npm run train -- --config run.json [--data path] [--out results.json]`.
 * Runs the same engine as the browser on WebGPU through Dawn (npm `webgpu`), falling back to
 * tfjs CPU with a warning, prints progress, and writes the same results JSON the browser offers.
 * The config file may be partial: it is merged over the defaults, then validated.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { makeConfig, type DeepPartial, type ExperimentConfig } from '../engine/config';
import { startTraining } from '../engine/train/trainer';
import { validateConfig } from '../engine/validateConfig';
import { abortOnInterrupt, createEventPrinter, loadDataset, nodeEnvironment, readJsonFile, runMain, startBackend } from './common';

const USAGE = `usage: npm run train -- [--config run.json] [--data path] [--out results.json] [--backend auto|webgpu|cpu]
  --config  experiment config JSON (partial configs are merged over the defaults)
  --data    CIFAR-10 binary: cifar-10-binary.tar.gz, its folder, or a .bin file (default: the embedded synthetic set)
  --out     where to write the results JSON (default: results.json)`;

async function loadConfig(path: string | undefined): Promise<ExperimentConfig> {
  if (!path) return makeConfig();
  return validateConfig(makeConfig((await readJsonFile(path)) as DeepPartial<ExperimentConfig>));
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
  const backend = await startBackend(config.run.backend);
  const dataset = await loadDataset(values.data, config.data.dataset);
  config.data.dataset = dataset.id;

  const run = startTraining({
    config,
    dataset,
    environment: nodeEnvironment(backend),
    onEvent: createEventPrinter(),
    onCompile: (done, total) => {
      if (done === total && total > 0) console.log(`compiled ${total} GPU kernels before the first step`);
    },
    signal: abortOnInterrupt('the run'),
  });
  const result = await run.result;
  await writeFile(values.out as string, JSON.stringify(result, null, 2));
  console.log(`${result.status}${result.message ? `: ${result.message}` : ''}; results written to ${values.out}`);
  return result.status === 'failed' ? 1 : 0;
}

runMain(main);
