/**
 * The captured graph's merged split-K reduces (mergeReduces.ts), on Dawn in Node with a GPU's
 * work split (every filter gradient here has several K slices): the replay gives the filter
 * gradients op by op gives, bit for bit, on new inputs; two layers of one shape (whose partial
 * buffers the capture reuses, the hazard the pass's own partial buffer avoids) are merged; a
 * gradient read before the next one is computed keeps its own reduce. On a made-up command list:
 * the regions (256-byte aligned), the order of the rewritten commands, and a group cut in two
 * at the device's buffer limit.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { captureCommands } from './capture';
import { mergeSplitKReduces, prepareMergedReduce, MERGED_PROGRAM, PARTIAL_PROGRAM, REDUCE_PROGRAM, type Command } from './mergeReduces';
import { setAdapterClass, type WebGPUBackend } from './program';
import { CONV_FILTER_GRAD_KERNEL } from './registry';
import { createRng, randomValues, useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const backend = () => tf.backend() as unknown as WebGPUBackend;

/** A 3×3 'same' conv layer's shapes: x [n, s, s, inC], dy [n, s, s, outC]. */
interface Layer {
  n: number;
  s: number;
  inC: number;
  outC: number;
}

const LAYERS: Layer[] = [
  { n: 4, s: 16, inC: 3, outC: 8 },
  { n: 4, s: 16, inC: 8, outC: 8 },
  { n: 4, s: 16, inC: 8, outC: 8 },
  { n: 4, s: 8, inC: 8, outC: 16 },
];

function filterGrad(x: tf.Tensor, dy: tf.Tensor, l: Layer): tf.Tensor {
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, l.inC, l.outC] };
  return tf.engine().runKernel(CONV_FILTER_GRAD_KERNEL, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Writes `values` into t's GPU buffer in place (as a compiled step copies its batch in). */
function overwrite(t: tf.Tensor, values: Float32Array<ArrayBuffer>): void {
  const b = backend();
  b.uploadToGPU(t.dataId);
  b.queue.writeBuffer(b.tensorMap.get(t.dataId).resource as GPUBuffer, 0, values);
}

describe('merged split-K reduces in a captured graph', () => {
  afterEach(() => setAdapterClass('auto'));
  const rng = createRng(11);
  const fill = (l: Layer) => [randomValues(rng, l.n * l.s * l.s * l.inC), randomValues(rng, l.n * l.s * l.s * l.outC)];

  for (const readFirstEarly of [false, true]) {
    it(readFirstEarly ? 'keeps the reduce of a gradient read before the others are computed' : 'replays every filter gradient as op by op, with one reduce dispatch', async () => {
      setAdapterClass('gpu');
      const inputs = LAYERS.map((l) => {
        const [xv, dyv] = fill(l);
        return [tf.tensor4d(xv, [l.n, l.s, l.s, l.inC]), tf.tensor4d(dyv, [l.n, l.s, l.s, l.outC])];
      });
      // The gradients, each read (×1) after all are computed, as the optimizer's gather reads them.
      const body = () =>
        tf.tidy(() => {
          const grads = LAYERS.map((l, i) => {
            const g = filterGrad(inputs[i][0], inputs[i][1], l);
            return readFirstEarly && i === 0 ? tf.mul(g, 1) : g;
          });
          return grads.map((g, i) => (readFirstEarly && i === 0 ? g : tf.mul(g, 1)));
        });
      const { result, graph, failure } = captureCommands(backend(), body);
      expect(failure).toBeNull();
      if (!graph) throw new Error('no graph');
      const programs = new Map(graph.stats.byProgram);
      expect(programs.get(MERGED_PROGRAM)).toBe(1);
      expect(programs.get(REDUCE_PROGRAM)).toBe(readFirstEarly ? 1 : undefined);
      expect(graph.stats.mergedReduces).toBe(readFirstEarly ? 2 : 3);

      // New inputs, then the replay against op by op on the same inputs.
      for (const [i, l] of LAYERS.entries()) {
        const [xv, dyv] = fill(l);
        overwrite(inputs[i][0], Float32Array.from(xv));
        overwrite(inputs[i][1], Float32Array.from(dyv));
      }
      graph.replay({});
      for (const t of result) (backend().tensorMap.get(t.dataId) as { values: unknown }).values = null;
      const replayed = await Promise.all(result.map((t) => t.data()));
      const expected = body();
      const direct = await Promise.all(expected.map((t) => t.data()));
      replayed.forEach((values, i) => expect(Array.from(values), `layer ${i}`).toEqual(Array.from(direct[i])));
      graph.dispose();
      tf.dispose([...result, ...expected, ...inputs.flat()]);
    });
  }

  // The rewrite itself, on a made-up command list (its pipelines are never bound here).
  const fakeCommands = (layers: number, count: number, splits: number) => {
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const buffer = () => device.createBuffer({ size: splits * count * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const pipeline = {} as GPUComputePipeline;
    const dispatch = (program: string, buffers: GPUBuffer[], defined: number[] = []): Command => ({
      kind: 'dispatch', pipeline, buffers: buffers.map((b) => ({ buffer: b })), uniform: new ArrayBuffer(16), scalars: [], workgroups: [1, 1, 1], program, defined,
    });
    const commands: Command[] = [];
    const outputs: GPUBuffer[] = [];
    const partial = buffer(); // one partial buffer for every layer: the reuse the pass must undo
    for (let i = 0; i < layers; i++) {
      const out = buffer();
      outputs.push(out);
      commands.push(dispatch(PARTIAL_PROGRAM, [partial, buffer(), buffer()]), dispatch(REDUCE_PROGRAM, [out, partial], [splits, count]));
    }
    const arena = device.createBuffer({ size: layers * count * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    outputs.forEach((out, i) => commands.push({ kind: 'copy', src: out, srcOffset: 0, dst: arena, dstOffset: i * count * 4, size: count * 4 }));
    return { device, commands, outputs };
  };

  it('redirects each GEMM pass to its own aligned region and puts the sums back before the first read', () => {
    const { device, commands, outputs } = fakeCommands(3, 100, 4);
    const { commands: out, merged, buffers } = mergeSplitKReduces(device, commands);
    expect(merged).toBe(2);
    const programs = out.map((c) => (c.kind === 'copy' ? 'copy' : c.program));
    expect(programs).toEqual([PARTIAL_PROGRAM, PARTIAL_PROGRAM, PARTIAL_PROGRAM, MERGED_PROGRAM, 'copy', 'copy', 'copy', 'copy', 'copy', 'copy']);
    const regions = out.slice(0, 3).map((c) => (c.kind === 'dispatch' ? c.buffers[0] : null));
    // 400 floats each, regions 256-byte aligned (1,600 bytes → 1,792).
    expect(regions.map((r) => [r?.offset, r?.size])).toEqual([[0, 1600], [1792, 1600], [3584, 1600]]);
    // The sums go back to each reduce's own output, then the original reads follow.
    expect(out.slice(4, 7).map((c) => (c.kind === 'copy' ? c.dst : null))).toEqual(outputs);
    for (const b of buffers) b.destroy();
  });

  it('cuts a group whose partials would pass the largest buffer the device allows', () => {
    const { device, commands } = fakeCommands(4, 1000, 8);
    // Room for two layers' partials (8,000 floats each) per buffer.
    const limits = { maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension, maxStorageBufferBindingSize: 70_000, maxBufferSize: 70_000 };
    const small = new Proxy(device, {
      get: (target, prop) => {
        if (prop === 'limits') return limits;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { commands: out, merged, buffers } = mergeSplitKReduces(small as GPUDevice, commands);
    expect(out.filter((c) => c.kind === 'dispatch' && c.program === MERGED_PROGRAM)).toHaveLength(2);
    expect(merged).toBe(2);
    for (const b of buffers) b.destroy();
  });

  it('creates its pipeline ahead of time once per device', async () => {
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter?.requestDevice();
    if (!device) throw new Error('no second WebGPU device');
    const pending = prepareMergedReduce(device);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(prepareMergedReduce(device)).toHaveLength(0);
    device.destroy();
  });
});
