/**
 * Creates every WebGPU pipeline a run will use before its first step: the input pipelines, one
 * training step at the run's batch size and the evaluation batches (full and the last, smaller
 * one), traced in tfjs's
 * compile-only mode (kernels/precompile.ts) on a throwaway model and step built from the same
 * config, so the run's own weights, momentum and random streams are untouched; with the compiled
 * step, also the pipeline its graph adds (the merged split-K reduce). Pipelines are
 * created with createComputePipelineAsync, and `onProgress(k, n)` can show "compiling kernels
 * k of n" where the page used to sit silent until the first step. Off WebGPU it does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import type { BatchPlan } from '../data/batches';
import type { InputPipeline } from '../data/inputPipeline';
import { prepareMergedReduce } from '../kernels/mergeReduces';
import { precompile, type PrecompileResult } from '../kernels/precompile';
import { createModel, disposeModel } from '../model';
import { createRng } from '../rng';
import { createTrickStreams, type ResolvedTricks } from '../tricks/resolve';
import { EVAL_BATCH } from './evaluate';
import { createTrainStep, type StepRuntime } from './step';

export interface WarmOptions {
  config: ExperimentConfig;
  numClasses: number;
  tricks: ResolvedTricks;
  /** The distillation teacher's logits, when the run has one (its forward pass is compiled too). */
  teacher?: StepRuntime['teacher'];
  /** Images in the held-out split (fixes the evaluation batches' sizes). */
  valCount: number;
  /** The run's input pipelines: their batch-building programs are compiled too. */
  inputs: { train: InputPipeline; val: InputPipeline };
}

/** A plan of the first n images, uncropped: only its shape matters to the compiler. */
function planOf(n: number, padding: number): BatchPlan {
  return { indices: Int32Array.from({ length: n }, (_, i) => i), crops: new Int32Array(n), labels: new Int32Array(n), size: n, padding };
}

/** Evaluation batch sizes the run will use: full batches and the remainder (each is a shader shape). */
export function evalBatchSizes(valCount: number): number[] {
  const full = Math.min(EVAL_BATCH, valCount);
  const rest = valCount % EVAL_BATCH;
  return rest > 0 && rest !== full ? [full, rest] : [full];
}

/** Traces one step and the evaluations on a throwaway model; resolves when every pipeline exists. */
export function warmPipelines(opts: WarmOptions, onProgress?: (done: number, total: number) => void): Promise<PrecompileResult> {
  const { config, numClasses } = opts;
  return precompile(() => {
    // Its own generators: the run's streams must draw exactly as without this trace.
    const model = createModel(config.model, numClasses, createRng(0));
    const runtime: StepRuntime = { config, numClasses, streams: createTrickStreams(createRng(0)), teacher: opts.teacher };
    const step = createTrainStep({ model, config, tricks: opts.tricks, runtime });
    const batch = config.optim.batchSize;
    try {
      tf.tidy(() => {
        const targets = tf.oneHot(tf.zeros([batch], 'int32') as tf.Tensor1D, numClasses).toFloat() as tf.Tensor2D;
        const prepared = step.prepare({ x: opts.inputs.train.input(planOf(batch, config.data.augment.padding)), targets });
        const out = step.run(prepared, config.optim.lr);
        tf.dispose([out.loss, out.correct]); // kept by the step, so outside the tidy's reach
        for (const n of evalBatchSizes(opts.valCount)) step.evaluate(opts.inputs.val.input(planOf(n, 0)), tf.zeros([n], 'int32') as tf.Tensor1D);
      });
    } finally {
      step.dispose();
      disposeModel(model);
    }
  }, onProgress, (device) => (config.run.kernels === 'compiled' ? prepareMergedReduce(device) : []));
}
