/**
 * `npm run bench [-- flags]`: training speed of CIFAR ResNets on WebGPU in Node (Dawn), with our
 * kernels (src/engine/kernels) and tfjs's stock ones in the same run, plus kernel
 * micro-benchmarks; prints tables with ours/stock ratios, dispatches per step and the top
 * kernels by GPU time (src/bench/runBench.ts does the measuring, bench.html the same in a browser).
 *
 * Defaults are the real targets: ResNet-20 and ResNet-56 at batch 128 and 512, 32×32 inputs.
 * On a machine without a GPU (Dawn on SwiftShader, a CPU Vulkan) shrink it, e.g.
 *   npm run bench -- --depth 8 --width 0.25 --batch 16 --resolution 16 --steps 3 --warmup 1 --micro-batch 8
 * SwiftShader figures say whether ours beats stock on a CPU rasteriser, not what a GPU does.
 *
 * On the lent GPU machine (no Node, no network; ../shared/device/README.md): `bash
 * deploy/gpu/prepare.sh` bundles this file into .device/bench.mjs beside Node and Dawn, and
 * `bash .device/measure.sh` runs it there at ResNet-20, batch 128 and 512, with the PyTorch
 * anchor in the same call. run.sh sets VK_ICD_FILENAMES to the NVIDIA ICD, so Dawn takes the GPU;
 * this file installs navigator.gpu (src/node/webgpu.ts) before the tfjs webgpu backend is imported.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { BENCH_KEYS, parseBenchOptions } from '../bench/options';
import { runBench, type BenchOptions } from '../bench/runBench';
import { formatReport } from '../bench/format';
import { initBackend } from '../engine/backend';
import { installNodeWebGPU } from '../node/webgpu';
import type { InputPlacement } from '../bench/inputFeed';
import { loadBenchData } from '../node/benchData';
import { errorMessage } from '../engine/errorMessage';

const USAGE = `usage: npm run bench -- [--depth 20,56] [--batch 128,512] [--width 1] [--resolution 32]
  [--steps 10] [--warmup 3] [--micro-batch 128] [--modes compiled,custom,stock] [--no-profile] [--no-train] [--fp16]
  [--plan auto|gpu|cpu]
  [--json out.json] [--data PATH [--input device|host]]
  --micro-batch 0 skips the kernel micro-benchmarks; --no-train runs only them; --fp16 trains with
  the FP16 trick (emulated half precision, dynamic loss scaling); --plan gpu splits work as on a
  GPU (many workgroups) whatever the adapter, to count a GPU's dispatches on SwiftShader
  --data trains on a CIFAR archive/folder through the input pipeline (batches built on the GPU
  from resident uint8 images, or with --input host in JavaScript) instead of a resident random tensor`;

function parseOptions(argv: string[]): { options: BenchOptions; json?: string; help: boolean; data?: string; input: InputPlacement } {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(BENCH_KEYS.filter((k) => k !== 'profile' && k !== 'train' && k !== 'fp16').map((k) => [k, { type: 'string' as const }])),
      'no-profile': { type: 'boolean', default: false },
      'no-train': { type: 'boolean', default: false },
      fp16: { type: 'boolean', default: false },
      json: { type: 'string' },
      data: { type: 'string' },
      input: { type: 'string', default: 'device' },
      help: { type: 'boolean', default: false },
    },
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const parsed = parseBenchOptions((key) => {
    if (key === 'profile') return flags['no-profile'] ? '0' : undefined;
    if (key === 'train') return flags['no-train'] ? '0' : undefined;
    if (key === 'fp16') return flags.fp16 ? '1' : undefined;
    const v = flags[key];
    return typeof v === 'string' ? v : undefined;
  });
  const input = flags.input === 'host' ? 'host' : flags.input === 'device' ? 'device' : null;
  if (!input) throw new Error(`--input: expected device or host, got '${String(flags.input)}'`);
  return { options: { ...parsed, log: (line) => console.log(line) }, json: flags.json as string | undefined, help: Boolean(flags.help), data: flags.data as string | undefined, input };
}

/** navigator.gpu from Dawn (the driver VK_ICD_FILENAMES names, else SwiftShader, else the system's). */
async function installWebGPU(): Promise<void> {
  const problem = await installNodeWebGPU();
  if (problem) throw new Error(`no WebGPU for the bench: ${problem}`);
}

async function main(): Promise<number> {
  const { options, json, help, data, input } = parseOptions(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
    return 0;
  }
  await installWebGPU();
  const backend = await initBackend('webgpu');
  if (backend.name !== 'webgpu') throw new Error(`the bench needs WebGPU, got ${backend.name}: ${backend.fallbackReason ?? ''}`);
  const adapter = backend.adapter ? [backend.adapter.vendor, backend.adapter.architecture, backend.adapter.description].filter(Boolean).join(', ') : 'unknown adapter';
  console.log(`WebGPU adapter: ${adapter}`);
  if (data) options.data = await loadBenchData(data, input, options.batches);
  const report = await runBench(options);
  console.log(`\n${formatReport(report)}`);
  if (json) {
    await writeFile(json, JSON.stringify({ adapter: backend.adapter, ...report }, null, 2));
    console.log(`\nwrote ${json}`);
  }
  await closeDevice();
  return 0;
}

/**
 * Waits for the GPU's queued work and destroys the device before Node exits: Dawn's teardown at
 * process exit crashed (exit 139) with the bench's device still live and work in flight.
 */
async function closeDevice(): Promise<void> {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) return;
  await device.queue.onSubmittedWorkDone();
  device.destroy();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(errorMessage(err));
    console.error(USAGE);
    process.exit(1);
  },
);
