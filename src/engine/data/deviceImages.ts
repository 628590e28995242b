/**
 * The training images kept on the GPU as uint8, so a fast GPU is never waiting for JavaScript
 * to build its next batch: the split is uploaded once (four pixel bytes per int32, since tfjs
 * has no uint8 tensors), and each batch is gathered, cropped, flipped and normalised by one
 * WGSL dispatch from its plan (batches.ts: image indices and packed crops, 8 bytes per image).
 * The host path spent about 13 ms of JavaScript per batch of 512 on the same work (crop/flip
 * 2.6 ms, a per-element normalise 10.4 ms, on this project's 2-core machine; the 3-channel loop
 * in inputPipeline.ts is about 3× faster at normalising), which at the thousands of images per
 * second a large GPU reaches is a large share of each step; here the host draws the plan
 * (about 0.05 ms) and enqueues one dispatch.
 *
 * The result is the host path's exactly, up to float rounding: out(b, y, x, c) =
 * (in(indices[b], y + oy − p, x' + ox − p, c) − mean[c]) / std[c], x' = flip ? 31 − x : x, and
 * a zero pixel (so (0 − mean)/std) where that falls in the padding.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { ceilDiv, type Uniform, type WebGPUBackend, type WebGPUProgram } from '../kernels/program';
import type { BatchPlan } from './batches';
import { IMAGE_BYTES, IMAGE_SIZE, type ImageSplit } from './types';

/** Most storage buffers one shader may bind by default: the output, the plan and 6 shards. */
const MAX_SHARDS = 6;
const THREADS = 256;

/** One thread per output pixel (3 channels), reading the packed bytes of its source pixel. */
class AugmentProgram implements WebGPUProgram {
  variableNames: string[];
  uniforms = 'pixels : i32, padding : i32, shardImages : i32, mean0 : f32, mean1 : f32, mean2 : f32, std0 : f32, std1 : f32, std2 : f32,';
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(
    batch: number,
    private readonly shards: number,
  ) {
    this.variableNames = ['plan', ...Array.from({ length: shards }, (_, i) => `shard${i}`)];
    this.outputShape = [batch, IMAGE_SIZE, IMAGE_SIZE, 3];
    this.dispatch = [ceilDiv(batch * IMAGE_SIZE * IMAGE_SIZE, THREADS), 1, 1];
    this.shaderKey = `tlAugmentBatch_${shards}`;
  }

  getUserCode(): string {
    const read = Array.from({ length: this.shards }, (_, i) => `if (shard == ${i}) { return shard${i}[word]; }`).join('\n          ');
    return `
      fn packedWord(shard : i32, word : i32) -> i32 {
          ${read}
          return 0;
      }

      fn main(index : i32) {
        if (index >= uniforms.pixels) { return; }
        let x = index % ${IMAGE_SIZE};
        let y = (index / ${IMAGE_SIZE}) % ${IMAGE_SIZE};
        let b = index / ${IMAGE_SIZE * IMAGE_SIZE};
        let image = plan[2 * b];
        let crop = plan[2 * b + 1];
        var xs = x;
        if (((crop >> 16u) & 1) == 1) { xs = ${IMAGE_SIZE - 1} - x; }
        let sx = xs + (crop & 255) - uniforms.padding;
        let sy = y + ((crop >> 8u) & 255) - uniforms.padding;
        var rgb = vec3<f32>(0.0, 0.0, 0.0);
        if (sx >= 0 && sx < ${IMAGE_SIZE} && sy >= 0 && sy < ${IMAGE_SIZE}) {
          let shard = image / uniforms.shardImages;
          let first = (image % uniforms.shardImages) * ${IMAGE_BYTES} + (sy * ${IMAGE_SIZE} + sx) * 3;
          for (var c = 0; c < 3; c++) {
            let byteIndex = first + c;
            let word = packedWord(shard, byteIndex / 4);
            rgb[c] = f32((word >> u32((byteIndex % 4) * 8)) & 255);
          }
        }
        let channelMean = vec3<f32>(uniforms.mean0, uniforms.mean1, uniforms.mean2);
        let channelStd = vec3<f32>(uniforms.std0, uniforms.std1, uniforms.std2);
        let normalised = (rgb - channelMean) / channelStd;
        result[index * 3] = normalised.x;
        result[index * 3 + 1] = normalised.y;
        result[index * 3 + 2] = normalised.z;
      }
    `;
  }
}

/** A split's images resident on the GPU; `batch` builds a normalised input from a plan. */
export interface DeviceImages {
  readonly count: number;
  /** Bytes held on the GPU. */
  readonly bytes: number;
  /** B×32×32×3 float32, normalised; the caller disposes it. */
  batch(plan: BatchPlan): tf.Tensor4D;
  dispose(): void;
}

/** Largest shard in images: within the device's binding limit, and a whole number of images. */
export function shardImages(maxBindingBytes: number): number {
  return Math.max(1, Math.floor(Math.min(maxBindingBytes, 2 ** 30) / IMAGE_BYTES));
}

/**
 * Uploads `split` to the WebGPU backend, or says why it cannot (not on WebGPU, or more shards
 * than one shader can bind). `mean`/`std` are per channel, in 0-255 units; `maxShardImages`
 * caps the images per buffer below the device's limit (tests use it to exercise sharding).
 */
export function createDeviceImages(split: ImageSplit, mean: readonly number[], std: readonly number[], maxShardImages = Infinity): DeviceImages | string {
  if (tf.getBackend() !== 'webgpu') return `the ${tf.getBackend()} backend assembles batches in JavaScript`;
  const backend = tf.backend() as unknown as WebGPUBackend;
  const limits = backend.device.limits;
  const perShard = Math.min(maxShardImages, shardImages(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize)));
  const shards = Math.max(1, Math.ceil(split.count / perShard));
  if (shards > MAX_SHARDS) {
    return `${split.count} images need ${shards} buffers of at most ${limits.maxStorageBufferBindingSize} bytes; one shader binds ${MAX_SHARDS}`;
  }
  const tensors: tf.Tensor1D[] = [];
  for (let s = 0; s < shards; s++) {
    const first = s * perShard;
    const n = Math.min(perShard, split.count - first);
    const byteStart = split.images.byteOffset + first * IMAGE_BYTES;
    const words = (n * IMAGE_BYTES) / 4; // IMAGE_BYTES is a multiple of 4
    const packed =
      byteStart % 4 === 0
        ? new Int32Array(split.images.buffer, byteStart, words)
        : new Int32Array(split.images.slice(first * IMAGE_BYTES, (first + n) * IMAGE_BYTES).buffer);
    tensors.push(tf.tensor1d(packed, 'int32'));
  }
  const stats: Uniform[] = [...mean, ...std].map((v) => ({ type: 'float32', data: [v] }));
  return {
    count: split.count,
    bytes: split.count * IMAGE_BYTES,
    batch(plan: BatchPlan): tf.Tensor4D {
      const packedPlan = new Int32Array(2 * plan.size);
      for (let i = 0; i < plan.size; i++) {
        if (!(plan.indices[i] >= 0 && plan.indices[i] < split.count)) throw new RangeError(`image ${plan.indices[i]} is outside a split of ${split.count}`);
        packedPlan[2 * i] = plan.indices[i];
        packedPlan[2 * i + 1] = plan.crops[i];
      }
      const planTensor = tf.tensor1d(packedPlan, 'int32');
      const uniforms: Uniform[] = [
        { type: 'int32', data: [plan.size * IMAGE_SIZE * IMAGE_SIZE] },
        { type: 'int32', data: [plan.padding] },
        { type: 'int32', data: [perShard] },
        ...stats,
      ];
      const program = new AugmentProgram(plan.size, shards);
      const info: TensorInfo = backend.runWebGPUProgram(program, [planTensor, ...tensors], 'float32', uniforms);
      planTensor.dispose();
      return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
    },
    dispose() {
      tf.dispose(tensors);
      tensors.length = 0;
    },
  };
}
