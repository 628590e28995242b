/**
 * The training loop: epochs of seeded, augmented batches through the train step, evaluation on
 * the held-out split after every epoch, progress events, pause/resume, stop by AbortSignal. The
 * loss is accumulated on the device and read back only every `run.logEvery` steps. A NaN,
 * infinite or exploded loss (divergence.ts) ends the run as 'diverged' with its metrics so far;
 * an exception as 'failed'.
 * After every epoch but the last, `onCheckpoint` receives the run's full state; `resumeFrom`
 * continues a run from one (checkpoint.ts), exactly as if it had not stopped.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config';
import { channelStats, createPlanIterator } from '../data/batches';
import { createInputPipeline, type InputPipeline } from '../data/inputPipeline';
import { limitSplit, withValidationSplit } from '../data/split';
import type { Dataset, ImageSplit } from '../data/types';
import type { EpochMetrics, RunStatus, StepEvent, TrainEvent } from '../events';
import { createModel, disposeModel, readWeights } from '../model';
import { createTeacher, type Teacher } from '../model/teacher';
import { APP_NAME, APP_VERSION, RESULTS_SCHEMA_VERSION, MAX_STEP_SAMPLES, toStepSample, type FinalMetrics, type RunResult, type StepSample } from '../results';
import { createRng } from '../rng';
import { createTrickStreams, resolveTricks } from '../tricks/resolve';
import { TRICKS } from '../tricks/registry';
import { fp16Info } from '../tricks/catalog';
import { fp16PrecisionNote } from '../tricks/fp16Precision';
import { activeGpuFeatures } from '../gpuFeatures';
import { checkFitsDevice, isOutOfMemory, OutOfMemoryError, outOfMemoryDuringRun } from '../outOfMemory';
import { checkFitsData } from '../validateConfig';
import { captureCheckpoint, restoreCheckpoint, type RunProgress, type RunState } from './checkpoint';
import { divergence } from './divergence';
import { evaluateSplit } from './evaluate';
import { buildLrSchedule, stepsPerEpoch as countSteps } from './schedule';
import { createTrainStep } from './step';
import { warmPipelines } from './warmPipelines';
import type { TrainingRun, TrainOptions } from './types';
import { errorMessage } from '../errorMessage';


/** The splits a run trains and evaluates on, after the config's limits and validation split. */
export interface PreparedData {
  train: ImageSplit;
  val: ImageSplit;
  numClasses: number;
  mean: number[];
  std: number[];
}

/** Applies the validation split (when the dataset has no test split) and the size limits. */
export function prepareData(dataset: Dataset, config: ExperimentConfig): PreparedData {
  const rng = createRng(config.run.seed).fork('split');
  const withVal = dataset.test ? dataset : withValidationSplit(dataset, config.data.valFraction, rng);
  const test = withVal.test as ImageSplit;
  const train = config.data.trainLimit ? limitSplit(withVal.train, config.data.trainLimit) : withVal.train;
  const val = config.data.valLimit ? limitSplit(test, config.data.valLimit) : test;
  const { mean, std } = channelStats(train);
  return { train, val, numClasses: dataset.classNames.length, mean, std };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Starts a run; the returned handle pauses, resumes, and resolves with the RunResult. */
export function startTraining(opts: TrainOptions): TrainingRun {
  let paused = false;
  let wake: (() => void) | null = null;
  const waitWhilePaused = async (signal?: AbortSignal): Promise<void> => {
    while (paused && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
  };
  const resumeNow = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  opts.signal?.addEventListener('abort', resumeNow);
  const result = train(opts, waitWhilePaused);
  return {
    result,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      resumeNow();
    },
    get paused() {
      return paused;
    },
  };
}

async function train(opts: TrainOptions, waitWhilePaused: (s?: AbortSignal) => Promise<void>): Promise<RunResult> {
  const { dataset, signal, onEvent } = opts;
  // Validated where it entered (file, link, form, worker message, plan); only the data fit is new here.
  const config = opts.config;
  const resumed = opts.resumeFrom ?? null;
  const startedAt = resumed ? new Date(resumed.startedAt) : new Date();
  // A resumed run's clock includes the time spent before its checkpoint.
  const t0 = performance.now() - 1000 * (resumed?.elapsedSeconds ?? 0);
  const data = prepareData(dataset, config);
  checkFitsData(config, data.train.count);
  const rng = createRng(config.run.seed);
  const model = createModel(config.model, data.numClasses, rng.fork('init'));
  // A missing or mismatched teacher fails the run with its message (status 'failed'). A teacher
  // offered to a run that does not distil is not built (it would only take memory).
  let teacher: Teacher | null = null;
  let setupError: string | null = null;
  const tricks = resolveTricks(config, TRICKS);
  const missingTeacher = tricks.missingTeacherMessage;
  try {
    if (missingTeacher && opts.teacher) teacher = createTeacher(opts.teacher.model, opts.teacher.weights, data.numClasses);
    else if (missingTeacher) setupError = missingTeacher;
  } catch (err) {
    setupError = errorMessage(err);
  }
  // Each trick draws from its own stream, so its draws do not depend on which others are on.
  const streams = createTrickStreams(rng.fork('tricks'));
  const step = createTrainStep({
    model,
    config,
    tricks,
    runtime: { config, numClasses: data.numClasses, streams, teacher: teacher?.logits },
  });
  const dataRng = rng.fork('data');
  const runState: RunState = { model, step, dataRng, streams };
  const perEpoch = countSteps(data.train.count, config.optim.batchSize);
  const { lr: lrAt, totalSteps } = buildLrSchedule(config, perEpoch, tricks);
  let epochs: EpochMetrics[] = [];
  let steps: StepSample[] = [];
  let firstEpoch = 1;
  let status: RunStatus = 'finished';
  let message: string | null = null;
  let globalStep = 0;
  let imagesSeen = 0;
  const emit = (e: TrainEvent): void => onEvent?.(e);
  // Batches are built on the GPU from resident uint8 images on WebGPU, else in JavaScript.
  let trainInput: InputPipeline | null = null;
  let valInput: InputPipeline | null = null;
  // The epoch's on-device sums (freed in `finally` too, when a step throws mid-epoch).
  let epochLoss: tf.Scalar | null = null;
  let epochCorrect: tf.Scalar | null = null;
  let windowLoss: tf.Scalar | null = null;

  try {
    if (setupError) throw new Error(setupError);
    checkFitsDevice(config);
    if (resumed) {
      const progress = restoreCheckpoint(resumed, config, runState);
      ({ epochs, steps, globalStep, imagesSeen } = progress);
      firstEpoch = progress.epoch + 1;
    }
    const inputOptions = { mean: data.mean, std: data.std, resolution: config.data.resolution };
    trainInput = createInputPipeline(data.train, inputOptions);
    valInput = createInputPipeline(data.val, inputOptions);
    const inputs = { train: trainInput, val: valInput };
    // Compiling ahead is an optimisation: should the trace fail, the steps compile as they go.
    await warmPipelines({ config, numClasses: data.numClasses, tricks, teacher: teacher?.logits, valCount: data.val.count, inputs }, opts.onCompile).catch(() => null);
    // FP16 says what it really is on this backend and GPU (emulated; whether shader-f16 is there).
    const precision = tricks.active.some((a) => a.trick.id === fp16Info.id) ? fp16PrecisionNote(tf.getBackend(), await activeGpuFeatures()) : null;
    for (let epoch = firstEpoch; epoch <= config.run.epochs; epoch++) {
      const epochStart = performance.now();
      epochLoss = tf.scalar(0);
      epochCorrect = tf.scalar(0);
      windowLoss = tf.scalar(0);
      let windowSteps = 0;
      let windowStart = performance.now();
      let epochImages = 0;
      const batches = createPlanIterator(data.train, {
        batchSize: config.optim.batchSize,
        rng: dataRng,
        shuffle: true,
        augment: config.data.augment,
        dropLast: true,
      });
      for (const batch of batches) {
        await waitWhilePaused(signal);
        if (signal?.aborted) {
          status = 'stopped';
          message = `stopped by the user at step ${globalStep}`;
          break;
        }
        const lr = lrAt(globalStep);
        const x = trainInput.input(batch);
        const y = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels, 'int32'), data.numClasses).toFloat() as tf.Tensor2D);
        const prepared = step.prepare({ x, targets: y });
        const out = step.run(prepared, lr);
        tf.dispose([x, y, prepared.x, prepared.targets]);
        const sums = [epochLoss, epochCorrect, windowLoss] as tf.Scalar[];
        const next = tf.tidy(() => [tf.add(sums[0], tf.mul(out.loss, batch.size)), tf.add(sums[1], out.correct), tf.add(sums[2], out.loss)]);
        tf.dispose([...sums, out.loss, out.correct]);
        [epochLoss, epochCorrect, windowLoss] = next as tf.Scalar[];
        globalStep++;
        windowSteps++;
        epochImages += batch.size;
        imagesSeen += batch.size;
        if (windowSteps === config.run.logEvery || globalStep % perEpoch === 0) {
          const loss = (await windowLoss.data())[0] / windowSteps;
          opts.healthCheck?.();
          const now = performance.now();
          const event: StepEvent = {
            kind: 'step',
            epoch,
            step: globalStep,
            totalSteps,
            stepsPerEpoch: perEpoch,
            loss,
            lr,
            imagesPerSecond: (windowSteps * config.optim.batchSize) / Math.max(1e-9, (now - windowStart) / 1000),
            elapsedSeconds: (now - t0) / 1000,
            ...(step.info ? { stepPath: step.info.note } : {}),
            ...(precision ? { precision } : {}),
          };
          windowLoss.dispose();
          windowLoss = tf.scalar(0);
          windowSteps = 0;
          windowStart = now;
          if (steps.length < MAX_STEP_SAMPLES) steps.push(toStepSample(event));
          emit(event);
          const diverged = divergence(loss, data.numClasses);
          if (diverged) {
            status = 'diverged';
            message = `diverged at step ${globalStep}: ${diverged}`;
            break;
          }
        }
        await yieldToEventLoop();
      }
      const [lossSum, correct] = await Promise.all([epochLoss.data(), epochCorrect.data()]);
      tf.dispose([epochLoss, epochCorrect, windowLoss]);
      if (status !== 'finished') break; // stopped or diverged mid-epoch: no evaluation
      const evalResult = await evaluateSplit(step, data.val, valInput);
      opts.healthCheck?.();
      const seconds = (performance.now() - epochStart) / 1000;
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: lossSum[0] / epochImages,
        trainAccuracy: correct[0] / epochImages,
        ...evalResult,
        lr: lrAt(Math.max(0, globalStep - 1)),
        seconds,
        imagesPerSecond: epochImages / seconds,
      };
      epochs.push(metrics);
      emit({ kind: 'epoch', totalEpochs: config.run.epochs, ...metrics });
      const diverged = divergence(metrics.trainLoss, data.numClasses);
      if (diverged) {
        status = 'diverged';
        message = `diverged at step ${globalStep}: ${diverged}`;
        break;
      }
      if (opts.onCheckpoint && epoch < config.run.epochs) {
        const progress: RunProgress = { epoch, globalStep, imagesSeen, elapsedSeconds: (performance.now() - t0) / 1000, startedAt: startedAt.toISOString(), epochs, steps };
        await opts.onCheckpoint(await captureCheckpoint(config, runState, progress));
      }
    }
    if (status === 'finished' && opts.onWeights) opts.onWeights(await readWeights(model));
  } catch (err) {
    status = 'failed';
    message = errorMessage(err);
    // A failed allocation says which setting to lower.
    if (isOutOfMemory(err) && !(err instanceof OutOfMemoryError)) message = outOfMemoryDuringRun(config, message).message;
  } finally {
    for (const t of [epochLoss, epochCorrect, windowLoss]) t?.dispose();
    step.dispose();
    trainInput?.dispose();
    valInput?.dispose();
    disposeModel(model);
    teacher?.dispose();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    app: { name: APP_NAME, version: APP_VERSION },
    config,
    dataset: { name: dataset.name, trainCount: data.train.count, valCount: data.val.count, numClasses: data.numClasses },
    environment: opts.environment,
    status,
    message,
    epochs,
    steps,
    final: finalMetrics(epochs),
    timings: { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), wallSeconds, imagesPerSecond: imagesSeen / wallSeconds },
  };
}

function finalMetrics(epochs: EpochMetrics[]): FinalMetrics | null {
  const last = epochs[epochs.length - 1];
  if (!last) return null;
  return {
    valTop1: last.valTop1,
    valTop5: last.valTop5,
    valLoss: last.valLoss,
    bestValTop1: Math.max(...epochs.map((e) => e.valTop1)),
    trainLoss: last.trainLoss,
    trainAccuracy: last.trainAccuracy,
  };
}
