/**
 * Counts GPU dispatches (compute passes' dispatchWorkgroups calls) that tfjs's WebGPU backend
 * issues while a function runs, by program. Every program — stock or ours — goes through the
 * backend's private `recordAndSubmit`, so a temporary wrapper on the backend instance sees them
 * all; kernels that only reshape or alias buffers dispatch nothing and are not counted.
 * Bench instrumentation only: the engine never uses it.
 */
import * as tf from '@tensorflow/tfjs';

export interface ProgramLike {
  constructor: { name: string };
  shaderKey?: string;
}

type Recorder = (program: ProgramLike, ...rest: unknown[]) => void;

export interface DispatchCount {
  total: number;
  /** Dispatches per program (its shader key's first word: binary, conv2DMM, tlUpdate, …). */
  byProgram: Map<string, number>;
  /** Distinct pipelines dispatched (the backend caches one pipeline per shader key). */
  pipelines: number;
}

/**
 * A program's name from its shader key ('tlUpdate_momentum_…' → 'tlUpdate'): class names are
 * minified in the page's build, shader keys are not.
 */
export function programName(program: ProgramLike): string {
  return program.shaderKey?.split('_')[0] || program.constructor.name;
}

/** Runs `f` (synchronously) and counts the dispatches it records; WebGPU backend only. */
export function countDispatches(f: () => void): DispatchCount {
  const backend = tf.backend() as unknown as { recordAndSubmit?: Recorder };
  const original = backend.recordAndSubmit;
  const own = Object.prototype.hasOwnProperty.call(backend, 'recordAndSubmit');
  if (typeof original !== 'function') throw new Error('countDispatches needs the tfjs webgpu backend');
  const count: DispatchCount = { total: 0, byProgram: new Map(), pipelines: 0 };
  const keys = new Set<string>();
  backend.recordAndSubmit = function (this: unknown, program: ProgramLike, ...rest: unknown[]) {
    count.total++;
    keys.add(program.shaderKey ?? program.constructor.name);
    const name = programName(program);
    count.byProgram.set(name, (count.byProgram.get(name) ?? 0) + 1);
    return original.call(this, program, ...rest);
  };
  try {
    f();
  } finally {
    if (own) backend.recordAndSubmit = original;
    else delete backend.recordAndSubmit; // back to the prototype's method
  }
  count.pipelines = keys.size;
  return count;
}
