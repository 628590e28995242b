/**
 * The compiled training step (issue 14, item 2): on WebGPU the first step of a batch shape runs
 * op by op, the second runs as usual while its GPU work is captured (kernels/capture.ts), and
 * every later step replays that
 * capture — forward, backward, loss, SGD and BatchNorm running averages — as one command buffer,
 * with the batch copied in, the learning rate written as one step scalar, and the loss and
 * correct count copied out. No tfjs op runs, no uniform buffer or bind group is made, no
 * gradient tape is built: the host cost of a step is the replay's encoding alone.
 *
 * The weights stay tfjs variables (the capture writes their GPU buffers in place), so
 * evaluation, checkpoints, export and the CPU/WebGL fallbacks go through tfjs unchanged. A step
 * is recaptured when a variable gets a new buffer (a restored checkpoint) or a buffer the
 * capture uses goes back to tfjs. What cannot be replayed runs op by op, and `info.note` says
 * why: another backend, a step that reassigns its state instead of writing it in place, a
 * learning rate that is not a step scalar (the per-parameter update path), a read-back.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { captureCommands, type CommandGraph, type GraphStats } from '../kernels/capture';
import type { WebGPUBackend } from '../kernels/program';
import type { Batch } from '../tricks/types';
import type { StepOutput, TrainStep } from './step';

/** Where the step runs and why. */
export interface CompiledStepInfo {
  /** 'compiled': steps replay a capture; 'op-by-op': they run through tfjs ops; 'pending': no step yet. */
  mode: 'compiled' | 'op-by-op' | 'pending';
  /** One line for the run's progress, e.g. "compiled: 218 dispatches in one command buffer". */
  note: string;
  /** The replayed graph's counts (null unless compiled). */
  stats: GraphStats | null;
}

export interface CompiledTrainStep extends TrainStep {
  /** The latest step's path. */
  readonly info: CompiledStepInfo;
  /**
   * One step as `run`, timed on the GPU with timestamp queries when it replays a capture and the
   * device has 'timestamp-query': `gpuMs` resolves with the step's GPU milliseconds, else null.
   */
  runTimed(batch: Batch, lr: number): { out: StepOutput; gpuMs: Promise<number | null> };
}

interface Captured {
  backend: WebGPUBackend;
  graph: CommandGraph;
  /** The inputs and outputs the graph reads and writes (kept until dispose). */
  x: tf.Tensor;
  targets: tf.Tensor;
  loss: tf.Tensor;
  correct: tf.Tensor;
  /** The persistent tensors' dataIds when captured. */
  ids: object[];
}

/** The info of a step that replays a capture. */
function compiledInfo(stats: GraphStats): CompiledStepInfo {
  return { mode: 'compiled', note: `compiled: ${stats.dispatches} dispatches, ${stats.pipelines} pipelines in one command buffer`, stats };
}

/** Captures that may fail because the step reassigned its state before the step is left op by op. */
const MAX_REASSIGNED_CAPTURES = 2;
const BYTES = 4;

/**
 * Wraps `inner` so that its `run` is compiled where it can be. `persistent` lists every tensor
 * whose buffer the step reads or writes across steps (model parameters and buffers, the step's
 * state): a new dataId on any of them means a new capture.
 */
export function compileTrainStep(inner: TrainStep, persistent: () => readonly tf.Tensor[]): CompiledTrainStep {
  const captures = new Map<string, Captured>();
  /** Shapes whose op-by-op step has run: their next step is captured. */
  const warm = new Set<string>();
  let info: CompiledStepInfo = { mode: 'pending', note: 'compiled step: waiting for the first step', stats: null };
  let blocked: string | null = null;
  let reassigned = 0;

  const release = (c: Captured) => {
    c.graph.dispose();
    tf.dispose([c.x, c.targets, c.loss, c.correct]);
  };
  const opByOp = (why: string, batch: Batch, lr: number): StepOutput => {
    info = { mode: 'op-by-op', note: `op-by-op: ${why}`, stats: null };
    return inner.run(batch, lr);
  };

  const capture = (backend: WebGPUBackend, key: string, batch: Batch, lr: number): StepOutput => {
    const x = tf.keep(copyOf(backend, batch.x));
    const targets = tf.keep(copyOf(backend, batch.targets));
    const ids = persistent().map((t) => t.dataId);
    const { result, graph, failure } = captureCommands(backend, () => inner.run({ x: x as tf.Tensor4D, targets: targets as tf.Tensor2D }, lr));
    const changed = persistent().some((t, i) => t.dataId !== ids[i]);
    const why = failure ?? (changed ? 'the step gives its state new buffers each step, so it is not compiled yet' : graph && !graph.scalarNames.includes('lr') ? 'the learning rate is not a step scalar on this path (per-parameter updates)' : null);
    if (!graph || why) {
      graph?.dispose();
      tf.dispose([x, targets]);
      if (!changed || ++reassigned >= MAX_REASSIGNED_CAPTURES) blocked = why ?? 'the step could not be captured';
      info = { mode: 'op-by-op', note: `op-by-op: ${blocked ?? why}`, stats: null };
      return result;
    }
    const c: Captured = { backend, graph, x, targets, loss: tf.keep(result.loss), correct: tf.keep(result.correct), ids: persistent().map((t) => t.dataId) };
    captures.set(key, c);
    info = compiledInfo(graph.stats);
    // This step's outputs are the graph's own: the caller gets copies it may dispose.
    return { loss: tf.keep(copyOf(backend, c.loss)) as tf.Scalar, correct: tf.keep(copyOf(backend, c.correct)) as tf.Scalar };
  };

  const replay = (c: Captured, batch: Batch, lr: number, timer: GpuTimer | null = null): StepOutput => {
    const { backend } = c;
    const inputs = [batch.x, batch.targets].map((t) => bufferOf(backend, t));
    // Kept, as the op-by-op step keeps its outputs: the caller may step inside a tidy.
    const outputs = [c.loss, c.correct].map((t) => tf.keep(emptyLike(backend, t)));
    c.graph.replay(
      { lr },
      (encoder) => {
        encoder.copyBufferToBuffer(inputs[0], 0, bufferOf(backend, c.x), 0, c.x.size * BYTES);
        encoder.copyBufferToBuffer(inputs[1], 0, bufferOf(backend, c.targets), 0, c.targets.size * BYTES);
      },
      (encoder) => {
        encoder.copyBufferToBuffer(bufferOf(backend, c.loss), 0, bufferOf(backend, outputs[0]), 0, c.loss.size * BYTES);
        encoder.copyBufferToBuffer(bufferOf(backend, c.correct), 0, bufferOf(backend, outputs[1]), 0, c.correct.size * BYTES);
        timer?.resolve(encoder);
      },
      timer?.querySet,
    );
    // The replay wrote the weights' buffers in place: a CPU copy cached by an earlier read is stale.
    for (const t of persistent()) {
      const data = backend.tensorMap.get(t.dataId) as { values: unknown; resource: unknown };
      if (data.resource != null) data.values = null;
    }
    return { loss: outputs[0] as tf.Scalar, correct: outputs[1] as tf.Scalar };
  };

  const replayable = (c: Captured, backend: WebGPUBackend): boolean => c.backend === backend && c.graph.valid() && persistent().every((t, i) => t.dataId === c.ids[i]);

  return {
    prepare: (batch) => inner.prepare(batch),
    evaluate: (x, labels) => inner.evaluate(x, labels),
    get skipped() {
      return inner.skipped;
    },
    get state() {
      return inner.state;
    },
    get info() {
      return info;
    },
    runTimed(batch, lr) {
      const backend = tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend) : null;
      const c = backend && !blocked ? captures.get(keyOf(backend, batch)) : undefined;
      if (!backend || !c || !replayable(c, backend) || !backend.device.features.has('timestamp-query')) return { out: this.run(batch, lr), gpuMs: Promise.resolve(null) };
      const timer = createGpuTimer(backend.device);
      const out = replay(c, batch, lr, timer);
      return { out, gpuMs: timer.read() };
    },
    run(batch, lr) {
      if (tf.getBackend() !== 'webgpu') return opByOp(`the ${tf.getBackend()} backend runs tfjs ops`, batch, lr);
      if (blocked) return opByOp(blocked, batch, lr);
      const backend = tf.backend() as unknown as WebGPUBackend;
      const key = keyOf(backend, batch);
      const c = captures.get(key);
      if (c && replayable(c, backend)) {
        info = compiledInfo(c.graph.stats);
        return replay(c, batch, lr);
      }
      if (c) {
        captures.delete(key);
        release(c);
      }
      // A new shape (or state given new buffers) runs op by op once first: the optimizer's arena
      // then copies the weights in and gives shared initial buffers their own, outside the capture.
      if (!warm.has(key)) {
        warm.add(key);
        return opByOp('the first step of a batch shape runs op by op; the next is captured', batch, lr);
      }
      warm.delete(key);
      return capture(backend, key, batch, lr);
    },
    dispose() {
      for (const c of captures.values()) release(c);
      captures.clear();
      inner.dispose();
    },
  };
}

/** A capture's key: the batch's shapes and dtypes (tfjs may keep a float32 tensor in an int32 buffer: a cast that changed no bits). */
function keyOf(backend: WebGPUBackend, batch: Batch): string {
  return [batch.x, batch.targets].map((t) => `${t.shape.join('x')}:${t.dtype}:${storedDtype(backend, t)}`).join('|');
}

interface GpuTimer {
  querySet: GPUQuerySet;
  /** Adds the query resolution to the replay's encoder. */
  resolve(encoder: GPUCommandEncoder): void;
  /** After the submit: the milliseconds between the two timestamps (buffers freed). */
  read(): Promise<number | null>;
}

/** Two timestamps around a replay, resolved and read back. */
function createGpuTimer(device: GPUDevice): GpuTimer {
  const querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
  const resolved = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readable = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const free = () => {
    querySet.destroy();
    resolved.destroy();
    readable.destroy();
  };
  return {
    querySet,
    resolve(encoder) {
      encoder.resolveQuerySet(querySet, 0, 2, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, readable, 0, 16);
    },
    async read() {
      try {
        await readable.mapAsync(GPUMapMode.READ);
        const [start, end] = new BigInt64Array(readable.getMappedRange());
        readable.unmap();
        // Nanoseconds; an adapter may quantise them or report 0 for both.
        return end > start ? Number(end - start) / 1e6 : null;
      } finally {
        free();
      }
    },
  };
}

/** A tensor's GPUBuffer (uploaded first if its values are on the CPU). */
function bufferOf(backend: WebGPUBackend, t: TensorInfo): GPUBuffer {
  backend.uploadToGPU(t.dataId);
  const resource = backend.tensorMap.get(t.dataId).resource;
  if (!resource || !('mapAsync' in resource)) throw new Error('compiled step: a tensor is not in a GPUBuffer');
  return resource;
}

/** The dtype of the values in t's buffer: tfjs casts int32 to float32 by relabelling, not converting. */
function storedDtype(backend: WebGPUBackend, t: TensorInfo): string {
  return backend.tensorMap.get(t.dataId).dtype;
}

/** A new tensor of t's shape and dtype, stored as t is, with its own (uninitialised) GPUBuffer. */
function emptyLike(backend: WebGPUBackend, t: TensorInfo): tf.Tensor {
  const info = backend.makeTensorInfo(t.shape, t.dtype);
  backend.tensorMap.get(info.dataId).dtype = backend.tensorMap.get(t.dataId).dtype;
  backend.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** A copy of t in a buffer of its own, recorded on tfjs's command encoder (in order with its work). */
function copyOf(backend: WebGPUBackend, t: tf.Tensor): tf.Tensor {
  const out = emptyLike(backend, t);
  const src = bufferOf(backend, t);
  const dst = bufferOf(backend, out);
  const b = backend as unknown as { commandEncoder: GPUCommandEncoder | null; commandQueueOwnedIds: WeakSet<object> };
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  if (t.size > 0) (b.commandEncoder as GPUCommandEncoder).copyBufferToBuffer(src, 0, dst, 0, t.size * BYTES);
  b.commandQueueOwnedIds.add(t.dataId);
  b.commandQueueOwnedIds.add(out.dataId);
  return out;
}
