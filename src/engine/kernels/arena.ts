/**
 * Flat arenas for the update kernels: many small tensors copied into one buffer at element
 * offsets and back, with GPUCommandEncoder.copyBufferToBuffer on the backend's own command
 * encoder. Copies are not dispatches (no pipeline, no uniform buffer, no bind group), so a
 * kernel over the arena updates every tensor in one dispatch.
 *
 * tfjs internals this relies on (tfjs-backend-webgpu 4.22, backend_webgpu.js):
 * - a tensor's GPUBuffer is `tensorMap.get(dataId).resource` once `uploadToGPU(dataId)` has
 *   run (it uploads values still on the CPU, and `tensorMap.get` moves data from another
 *   backend); its size is exactly the tensor's bytes, so float32 offsets and sizes are
 *   multiples of 4 as copyBufferToBuffer requires;
 * - copies are recorded outside a compute pass (`endComputePassEncoder`) on the encoder that
 *   `ensureCommandEncoderReady` makes, in order with the dispatches before and after them;
 * - a tensor disposed before that encoder is submitted must keep its buffer until then: ids in
 *   `commandQueueOwnedIds` are released only by `submitQueue`;
 * - a buffer shared by several tensors (reshape, clone, a variable's initial value) has
 *   refCount > 1: writing it in place would change them all, so a shared variable gets a new
 *   buffer and is assigned instead; after an in-place write the CPU copy a read may have cached
 *   (`values`) is dropped, so the next read sees the new contents.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from './program';

/** The backend's private command state (not in its .d.ts). */
interface EncoderState {
  commandEncoder: GPUCommandEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
}

const BYTES = 4;

/** The float32 GPUBuffer behind a tensor, uploaded first if its values are still on the CPU. */
function bufferOf(backend: WebGPUBackend, t: TensorInfo): GPUBuffer {
  if (t.dtype !== 'float32') throw new Error(`arena: ${t.dtype} tensor; the arena holds float32 only`);
  backend.uploadToGPU(t.dataId);
  const resource = backend.tensorMap.get(t.dataId).resource;
  if (!resource || !('mapAsync' in resource)) throw new Error('arena: the tensor is not in a GPUBuffer (a texture?)');
  return resource;
}

/** The backend's command encoder, outside any compute pass, ready for copies. */
function copyEncoder(backend: WebGPUBackend): GPUCommandEncoder {
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const encoder = (backend as unknown as EncoderState).commandEncoder;
  if (!encoder) throw new Error('arena: the webgpu backend has no command encoder');
  return encoder;
}

/** Keeps the tensors' buffers out of the pool until the encoder holding these copies is submitted. */
function own(backend: WebGPUBackend, ...tensors: TensorInfo[]): void {
  const owned = (backend as unknown as EncoderState).commandQueueOwnedIds;
  for (const t of tensors) owned.add(t.dataId);
}

/** A tensor and where it sits in an arena, in elements. */
export interface ArenaPart<T extends TensorInfo = TensorInfo> {
  tensor: T;
  offset: number;
}

/** Copies each part's tensor into `arena` at its offset. */
export function gather(backend: WebGPUBackend, arena: TensorInfo, parts: readonly ArenaPart[]): void {
  if (parts.length === 0) return;
  const dst = bufferOf(backend, arena);
  const sources = parts.map((p) => bufferOf(backend, p.tensor));
  const encoder = copyEncoder(backend);
  parts.forEach((p, i) => {
    const bytes = tf.util.sizeFromShape(p.tensor.shape) * BYTES;
    if (bytes > 0) encoder.copyBufferToBuffer(sources[i], 0, dst, p.offset * BYTES, bytes);
  });
  own(backend, arena, ...parts.map((p) => p.tensor));
}

/**
 * Writes each part's slice of `arena` into its variable: in place when the variable is the only
 * owner of its buffer, else into a new buffer that the variable is assigned (the old one is left
 * to whoever shares it).
 */
export function scatter(backend: WebGPUBackend, arena: TensorInfo, parts: readonly ArenaPart<tf.Variable>[]): void {
  if (parts.length === 0) return;
  const src = bufferOf(backend, arena);
  const targets = parts.map(({ tensor: v }) => {
    const data = backend.tensorMap.get(v.dataId);
    if (data.refCount === 1 && !data.external) {
      const buffer = bufferOf(backend, v);
      // The write below makes any CPU copy a read has cached stale.
      (data as { values: unknown }).values = null;
      return { buffer, fresh: null };
    }
    const info = backend.makeTensorInfo(v.shape, 'float32');
    return { buffer: bufferOf(backend, info), fresh: info };
  });
  const encoder = copyEncoder(backend);
  parts.forEach((p, i) => {
    const bytes = p.tensor.size * BYTES;
    if (bytes > 0) encoder.copyBufferToBuffer(src, p.offset * BYTES, targets[i].buffer, 0, bytes);
  });
  own(backend, arena, ...parts.map((p) => p.tensor), ...targets.flatMap((t) => (t.fresh ? [t.fresh] : [])));
  parts.forEach((p, i) => {
    const { fresh } = targets[i];
    if (!fresh) return;
    const t = tf.engine().makeTensorFromTensorInfo(fresh);
    p.tensor.assign(t);
    t.dispose();
  });
}

/** An uninitialised float32 tensor of `n` elements with its GPUBuffer allocated (from the pool). */
export function emptyArena(backend: WebGPUBackend, n: number): tf.Tensor1D {
  const info = backend.makeTensorInfo([n], 'float32');
  backend.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor1D;
}

/** Whether an arena of `n` floats fits one storage binding on this device. */
export function arenaFits(backend: WebGPUBackend, n: number): boolean {
  return n * BYTES <= backend.device.limits.maxStorageBufferBindingSize;
}

/** A new float32 tensor of `shape` holding `src`'s elements from `offset` on: one copy, no dispatch. */
export function copySlice(backend: WebGPUBackend, src: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const out = backend.makeTensorInfo(shape, 'float32');
  const to = bufferOf(backend, out);
  const from = bufferOf(backend, src);
  const bytes = tf.util.sizeFromShape(shape) * BYTES;
  if (bytes > 0) copyEncoder(backend).copyBufferToBuffer(from, offset * BYTES, to, 0, bytes);
  own(backend, src, out);
  return out;
}
