/**
 * Real data for the training bench: batches from a dataset split through the trainer's input
 * pipeline (src/engine/data/inputPipeline.ts), on the GPU ('device': uint8 images resident,
 * one dispatch per batch) or in JavaScript ('host': crop/flip/normalise on the CPU, then an
 * upload), so `npm run bench -- --data PATH --input device|host` can be set against the same run
 * on one resident random tensor (the bench's default). Also the host-side cost per batch alone.
 */
import * as tf from '@tensorflow/tfjs';
import { assembleBatch, channelStats, createPlanIterator, type BatchPlan } from '../engine/data/batches';
import { createInputPipeline, normaliseOnHost, type InputPipeline } from '../engine/data/inputPipeline';
import type { ImageSplit } from '../engine/data/types';
import { createRng, type Rng } from '../engine/rng';

export type InputPlacement = 'device' | 'host';

/** The bench's real-data option: a training split, its class count, where batches are built. */
export interface BenchData {
  /** Shown in the report, e.g. 'CIFAR-10 (data_batch_1, no test_batch)'. */
  name: string;
  split: ImageSplit;
  numClasses: number;
  placement: InputPlacement;
}

/** An endless stream of training batches (the epochs wrap around). */
export interface InputFeed {
  readonly placement: InputPlacement;
  /** Why the feed is on the host although 'device' was asked for; null otherwise. */
  readonly hostReason: string | null;
  /** The next batch; the caller disposes x and targets. */
  next(): { x: tf.Tensor4D; targets: tf.Tensor2D };
  dispose(): void;
}

export interface FeedOptions {
  batch: number;
  resolution: number;
  numClasses: number;
  placement: InputPlacement;
  seed?: number;
}

/** Endless plans over `split`: shuffled, cropped and flipped as in training. */
function planStream(split: ImageSplit, batch: number, rng: Rng): () => BatchPlan {
  const augment = { crop: true, padding: 4, flip: true };
  let plans = createPlanIterator(split, { batchSize: batch, rng, shuffle: true, augment, dropLast: true });
  return () => {
    let next = plans.next();
    if (next.done) {
      plans = createPlanIterator(split, { batchSize: batch, rng, shuffle: true, augment, dropLast: true });
      next = plans.next();
    }
    if (next.done) throw new Error(`a split of ${split.count} images has no batch of ${batch}`);
    return next.value;
  };
}

/** Creates a feed; 'device' falls back to the host (with the reason) off WebGPU. */
export function createInputFeed(split: ImageSplit, options: FeedOptions): InputFeed {
  const { mean, std } = channelStats(split);
  const pipeline: InputPipeline = createInputPipeline(split, { mean, std, resolution: options.resolution, placement: options.placement === 'host' ? 'host' : 'auto' });
  const nextPlan = planStream(split, options.batch, createRng(options.seed ?? 1));
  return {
    placement: pipeline.placement,
    hostReason: options.placement === 'device' ? pipeline.hostReason : null,
    next() {
      const plan = nextPlan();
      const x = pipeline.input(plan);
      const targets = tf.tidy(() => tf.oneHot(tf.tensor1d(plan.labels, 'int32'), options.numClasses).toFloat() as tf.Tensor2D);
      return { x, targets };
    },
    dispose: () => pipeline.dispose(),
  };
}

/** Host milliseconds per batch of each part of the input pipeline (mean over `batches`). */
export interface InputHostTimes {
  batch: number;
  /** Drawing the plan: permutation slice, crops, flips. */
  planMs: number;
  /** Host path: crop/flip copy of the uint8 pixels. */
  hostAssembleMs: number;
  /** Host path: normalising to float32 and creating the tensor (its upload happens in the step). */
  hostNormaliseMs: number;
  /** Device path: packing the plan and enqueuing the dispatch (the GPU work is asynchronous). */
  deviceEnqueueMs: number | null;
}

/**
 * Times the JavaScript each path spends per batch, without a training step: what the GPU waits
 * for when a step is short. The device figure needs the WebGPU backend (null elsewhere).
 */
export async function measureInputHost(split: ImageSplit, batch: number, batches = 20): Promise<InputHostTimes> {
  const { mean, std } = channelStats(split);
  const nextPlan = planStream(split, batch, createRng(2));
  const plans: BatchPlan[] = [];
  let t = performance.now();
  for (let i = 0; i < batches; i++) plans.push(nextPlan());
  const planMs = (performance.now() - t) / batches;

  let assemble = 0;
  let normalise = 0;
  for (const plan of plans) {
    t = performance.now();
    const b = assembleBatch(split, plan);
    const t1 = performance.now();
    const x = normaliseOnHost(b.images, b.size, mean, std);
    normalise += performance.now() - t1;
    assemble += t1 - t;
    x.dispose();
  }

  let deviceEnqueueMs: number | null = null;
  const device = createInputPipeline(split, { mean, std, resolution: 32 });
  if (device.placement === 'device') {
    const warm = device.input(plans[0]); // compiles the pipeline
    await warm.data();
    warm.dispose();
    t = performance.now();
    const outs = plans.map((plan) => device.input(plan));
    deviceEnqueueMs = (performance.now() - t) / batches;
    await outs[outs.length - 1].data();
    tf.dispose(outs);
  }
  device.dispose();
  return { batch, planMs, hostAssembleMs: assemble / batches, hostNormaliseMs: normalise / batches, deviceEnqueueMs };
}
