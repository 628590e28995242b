/**
 * One training step and one evaluation batch, with the tricks' hooks in their phases:
 * targets → mix (mixup or CutMix, at most one per batch) → forward → loss (+ distillation) → loss scale (FP16) →
 * gradients → overflow check → SGD with per-group weight decay → BatchNorm running averages.
 * Losses and counts stay on the device; the loop decides when to read them back.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { noRounding, updateRunningStats, type BnStats, type ForwardContext } from '../model/layers';
import type { Model } from '../model/types';
import { MIX_SWITCH_STREAM, resolveTricks, type ResolvedTricks, type TrickStreams } from '../tricks/resolve';
import type { Batch, Numerics, TrickRuntime } from '../tricks/types';
import { TRICKS } from '../tricks/registry';
import { countTopK, crossEntropyAndCorrect, softCrossEntropy } from './losses';
import { createSgd, type Sgd } from './optimizer';
import { compileTrainStep, type CompiledTrainStep } from './compiledStep';

/** Device-side sums from a step or an evaluation batch (the caller disposes them). */
export interface StepOutput {
  loss: tf.Scalar;
  correct: tf.Scalar;
}

export interface EvalOutput {
  lossSum: tf.Scalar;
  top1: tf.Scalar;
  top5: tf.Scalar;
}

export interface TrainStep {
  /** Applies target and batch tricks to one-hot targets and inputs (the loop owns the tensors it passes). */
  prepare(batch: Batch): Batch;
  /** One SGD step at learning rate `lr`; returns the batch's mean loss and correct count. */
  run(batch: Batch, lr: number): StepOutput;
  /** Evaluation-mode forward pass on a batch with integer labels. */
  evaluate(x: tf.Tensor4D, labels: tf.Tensor1D): EvalOutput;
  /** Number of steps skipped on overflow so far (device scalar; FP16 only, else zero). */
  readonly skipped: tf.Variable;
  /**
   * Every piece of device state besides the model that the next step depends on: momentum
   * buffers, the numerics' loss scale and counters, the skipped count (checkpoint order).
   */
  readonly state: readonly tf.Variable[];
  dispose(): void;
}

/** What the step gives the tricks: each one's runtime carries its own stream from `streams`. */
export interface StepRuntime extends Omit<TrickRuntime, 'rng'> {
  streams: TrickStreams;
}

export interface TrainStepOptions {
  model: Model;
  config: ExperimentConfig;
  /** The config's tricks as the caller resolved them (resolveTricks(config, TRICKS) when absent). */
  tricks?: ResolvedTricks;
  runtime: StepRuntime;
}

/**
 * Builds the step for a model and config; initialisation tricks run here, once. With the
 * 'compiled' kernel set the step is captured and replayed on WebGPU (compiledStep.ts); `info`
 * then says whether it is and why not.
 */
export function createTrainStep(opts: TrainStepOptions): TrainStep & Partial<Pick<CompiledTrainStep, 'info' | 'runTimed'>> {
  const step = createOpByOpStep(opts);
  if (opts.config.run.kernels !== 'compiled') return step;
  const { model } = opts;
  return compileTrainStep(step, () => [...model.params.map((p) => p.variable), ...model.buffers, ...step.state]);
}

/** The step as tfjs ops and our kernels, dispatched one by one. */
function createOpByOpStep(opts: TrainStepOptions): TrainStep {
  const { model, config } = opts;
  const tricks = opts.tricks ?? resolveTricks(config, TRICKS);
  const { streams, ...shared } = opts.runtime;
  const withParams = tricks.active.map((active) => {
    const rt: TrickRuntime = { ...shared, rng: streams.get(active.trick.id) };
    return { active, t: active.trick, p: active.params, rt };
  });
  for (const { t, p } of withParams) t.initialize?.(model.params, p);
  const decayHooks = withParams.filter(({ t }) => t.decays);
  const decays = (param: (typeof model.params)[number]): boolean => decayHooks.every(({ t, p }) => t.decays?.(param, p) ?? true);
  // The run's kernel set, passed to every layer and update of this step (kernels/).
  const kernels = config.run.kernels;
  const sgd: Sgd = createSgd(config.optim, model.params, decays, kernels);
  const numericsTrick = withParams.find(({ t }) => t.numerics);
  const numerics: Numerics | null = numericsTrick?.t.numerics?.(numericsTrick.p) ?? null;
  const mixers = withParams.flatMap((a) => (a.t.mix ? [{ ...a, mix: a.t.mix }] : []));
  const switchRng = streams.get(MIX_SWITCH_STREAM);
  const round = numerics ? (x: tf.Tensor) => numerics.round(x) : noRounding;
  const skipped = tf.tidy(() => tf.variable(tf.scalar(0), false));
  const vars = model.params.map((p) => p.variable);
  // FP16 with our kernels (asked per pass: the backend is the one running it): every weight
  // rounded in one dispatch, their gradients in one more; a residual block's rounded add and ReLU in one kernel.
  const fused = () => ({ weights: numerics?.roundWeights?.(vars, kernels) ?? undefined, addRelu: numerics?.addRelu?.(kernels) ?? undefined });

  return {
    skipped,
    state: [...sgd.buffers, ...(numerics?.state ?? []), skipped],
    prepare(batch) {
      const out = tf.tidy(() => {
        let b: Batch = batch;
        for (const { t, p, rt } of withParams) if (t.targets) b = { x: b.x, targets: t.targets(b.targets, p, rt) };
        // Every mixer draws on every batch (its stream then does not depend on the others); one mixes.
        const [n, h, w] = b.x.shape;
        const draws = mixers.map(({ active, p, rt, mix }) => ({ active, draw: mix({ n, h, w }, p, rt) }));
        const mixer = tricks.chooseMixer(draws, draws.length > 1 ? switchRng.next() : 0);
        if (mixer) b = mixer.mix(b);
        return { x: b.x, targets: b.targets };
      });
      return out as Batch;
    },
    run(batch, lr) {
      const bnStats: BnStats[] = [];
      let loss: tf.Scalar | null = null;
      let correct: tf.Scalar | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const ctx: ForwardContext = { training: true, bnStats, round, kernels, ...fused() };
        const logits = model.forward(batch.x, ctx);
        const head = crossEntropyAndCorrect(logits, batch.targets, kernels);
        let l = head.loss;
        for (const { t, p, rt } of withParams) if (t.loss) l = t.loss({ logits, targets: batch.targets, x: batch.x, base: l }, p, rt);
        loss = tf.keep(l);
        correct = tf.keep(head.correct);
        return numerics ? (tf.mul(l, numerics.scale) as tf.Scalar) : l;
      }, vars);
      // Without loss scaling `value` is the kept loss itself: dispose it only when it is the scaled copy.
      if (value !== (loss as unknown)) value.dispose();
      tf.tidy(() => {
        const g = vars.map((v) => grads[v.name]);
        if (numerics) {
          // The scaled gradients are already half (numerics.round rounds them in the backward
          // pass); the unscale is in FP32, on the way to the FP32 master weights. On overflow the
          // step is skipped on the device (weights and momentum kept), no read-back.
          // The scale, its counters and `skipped` are then updated on the device too (in place
          // with 'custom' kernels on WebGPU, so a recorded step can replay onto the same buffers).
          const finite = sgd.applyScaled(g, lr, numerics.scale);
          numerics.update(finite, skipped, kernels);
        } else {
          sgd.apply(g, lr);
        }
      });
      for (const v of vars) grads[v.name].dispose();
      updateRunningStats(bnStats, kernels);
      return { loss: loss as unknown as tf.Scalar, correct: correct as unknown as tf.Scalar };
    },
    evaluate(x, labels) {
      return tf.tidy(() => {
        const ctx: ForwardContext = { training: false, bnStats: [], round, kernels, ...fused() };
        const logits = model.forward(x, ctx);
        const targets = tf.oneHot(labels, logits.shape[1]).toFloat() as tf.Tensor2D;
        return {
          lossSum: tf.mul(softCrossEntropy(logits, targets, kernels), labels.shape[0]) as tf.Scalar,
          top1: countTopK(logits, labels, 1),
          top5: countTopK(logits, labels, 5),
        };
      });
    },
    dispose() {
      sgd.dispose();
      numerics?.dispose();
      skipped.dispose();
    },
  };
}
