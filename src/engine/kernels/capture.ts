/**
 * Captured GPU work: the dispatches and buffer copies that tfjs's WebGPU backend records while a
 * function runs, kept with their pipelines, bind groups and uniforms so they can be replayed
 * later into one command buffer without running a line of tfjs (the idea of CUDA Graphs, as
 * PyTorch's `torch.cuda.graphs` uses it). The compiled training step (train/compiledStep.ts)
 * captures one step and replays it for every following step.
 *
 * The captured function runs as usual (tfjs records and submits its work) while a copy of each
 * dispatch and copy is kept. What a capture owns, so that a replay finds every buffer as the
 * captured run left it:
 * - the storage buffers tfjs releases during the capture (intermediates: activations,
 *   gradients) are kept out of its pool; one that held data from before the capture, or data
 *   uploaded from the CPU during it (a constant), is never handed out again, the others are
 *   reused within the capture (the same order of writes and reads happens in every replay);
 * - every dispatch's uniforms, copied into one uniform buffer at 256-byte-aligned offsets, and
 *   a bind group per dispatch made once;
 * - "step scalars": uniforms a program marks as changing each step (`stepScalars`, e.g. the SGD
 *   step's learning rate), whose byte offsets a replay writes with one small writeBuffer each.
 * Buffers the capture did not own (variables, the caller's inputs and outputs) must keep their
 * buffers: `watch` reports when tfjs releases one of them, and the caller recaptures.
 *
 * Not capturable (the capture runs the function and says why it made no graph): a read-back
 * of GPU data inside the function, a program still compiling in parallel, profiling timers,
 * textures.
 *
 * tfjs internals this relies on (tfjs-backend-webgpu 4.22, backend_webgpu.js): every program
 * runs through `recordAndSubmit(program, output, inputs, programDefinedUniform)` (replaced here
 * by a copy that records; its uniform layout is `makeUniforms`'s), buffers come from
 * `bufferManager.acquireBuffer` and go back through `releaseBuffer`, CPU values reach the GPU in
 * `uploadToGPU`, and copies go on `backend.commandEncoder`.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { mergeSplitKReduces, type Command } from './mergeReduces';
import type { WebGPUBackend } from './program';

/** A program as recordAndSubmit sees it (tfjs's WebGPUProgram plus our optional marks). */
interface CapturedProgram {
  constructor: { name: string };
  shaderKey: string;
  pipeline: GPUComputePipeline | Promise<GPUComputePipeline>;
  dispatch: [number, number, number];
  outputShape: number[];
  size?: boolean;
  outputComponent?: number;
  pixelsOpType?: unknown;
  /**
   * Program-defined uniforms that change every step, by name → index in the program-defined
   * uniform list (e.g. { lr: 0 }): a replay writes their current values.
   */
  stepScalars?: Readonly<Record<string, number>>;
}

interface Uniform {
  type: string;
  data: number[];
}

/** The backend's private members a capture uses (not in its .d.ts). */
interface BackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  commandEncoder: GPUCommandEncoder | null;
  activeTimers: unknown[] | null;
  bufferManager: {
    acquireBuffer(size: number, usage: number, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer;
    releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
  };
  tensorMap: { get(dataId: object): { resource: unknown; values: unknown } };
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  recordAndSubmit(program: CapturedProgram, output: TensorInfo, inputs: TensorInfo[], programDefinedUniform?: Uniform[]): void;
}


/** Counts of a graph, for the bench and the run's note. */
export interface GraphStats {
  dispatches: number;
  copies: number;
  /** Distinct pipelines dispatched. */
  pipelines: number;
  /** Dispatches per program (its shader key's first word), most first. */
  byProgram: [string, number][];
  /** Bytes of the storage buffers the graph owns (its activations and gradients). */
  ownedBytes: number;
  /** Split-K reduce dispatches the graph saves by running them as one (mergeReduces.ts). */
  mergedReduces: number;
}

/** A replayable capture; `dispose` gives its buffers back to tfjs. */
export interface CommandGraph {
  readonly stats: GraphStats;
  /** Step scalars the graph has (names of the marked uniforms), e.g. ['lr']. */
  readonly scalarNames: readonly string[];
  /** False once a buffer it reads or writes but does not own went back to tfjs's pool. */
  valid(): boolean;
  /**
   * Replays the captured work after tfjs's pending work: `scalars` gives every step scalar's
   * value; `before` and `after` add copies (inputs in, outputs out) to the same command buffer.
   * With `timestamps` (a 'timestamp' query set of 2), the replay's first compute pass writes
   * query 0 as it begins and its last writes query 1 as it ends (the caller resolves them in `after`).
   */
  replay(scalars: Readonly<Record<string, number>>, before?: (encoder: GPUCommandEncoder) => void, after?: (encoder: GPUCommandEncoder) => void, timestamps?: GPUQuerySet): void;
  dispose(): void;
}


/** The uniform block tfjs builds for a dispatch (recordAndSubmit + makeUniforms), with each field's byte offset. */
export function uniformBlock(program: CapturedProgram, inputs: readonly TensorInfo[], output: TensorInfo, programDefined: readonly Uniform[] = []): { bytes: ArrayBuffer; offsets: number[]; programOffset: number } {
  let fields: Uniform[] = [];
  if (program.pixelsOpType == null) {
    fields.push({ type: 'float32', data: [NaN] }, { type: 'float32', data: [Infinity] });
    for (const shape of [...inputs, output].map((t) => t.shape)) {
      fields.push({ type: 'int32', data: [...shape] }, { type: 'int32', data: strides(shape) });
    }
  } else {
    fields.push({ type: 'int32', data: strides(output.shape) });
  }
  if (program.size) {
    const size = program.outputShape.reduce((a, b) => a * b, 1);
    fields.push({ type: 'int32', data: [program.outputComponent ? size / program.outputComponent : size] });
  }
  const programOffset = fields.length;
  fields = [...fields, ...programDefined];
  // WGSL alignment as makeUniforms computes it.
  let offset = 0;
  let previous = 0;
  let maxAlign = 1;
  const offsets: number[] = [];
  for (const f of fields) {
    const data = f.data.length === 0 ? [1] : f.data;
    if (data.length > 6) throw new Error(`capture: a ${data.length}-D uniform (tfjs supports up to 6)`);
    let align = data.length === 1 ? 4 : data.length === 2 ? 8 : 16;
    if (previous === 5 || previous === 6) align = 16;
    maxAlign = Math.max(maxAlign, align);
    offset = Math.ceil(offset / align) * align;
    offsets.push(offset);
    offset += data.length * 4;
    previous = data.length;
  }
  const total = Math.ceil(offset / maxAlign) * maxAlign;
  const bytes = new ArrayBuffer(total);
  fields.forEach((f, i) => {
    const data = f.data.length === 0 ? [1] : f.data;
    const View = f.type === 'int32' ? Int32Array : f.type === 'uint32' ? Uint32Array : Float32Array;
    new View(bytes, offsets[i], data.length).set(data);
  });
  return { bytes, offsets, programOffset };
}

function strides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i > 0; i--) {
    s *= shape[i];
    out.unshift(s);
  }
  return out;
}

function isBuffer(resource: unknown): resource is GPUBuffer {
  return typeof resource === 'object' && resource !== null && 'mapAsync' in resource;
}

/** Watchers of released buffers, per backend (one wrapper on its buffer manager). */
const watchers = new WeakMap<object, Set<(buffer: GPUBuffer) => void>>();

/** Calls `onRelease` whenever tfjs releases a buffer on this backend; returns the unsubscribe. */
function watchReleases(b: BackendInternals, onRelease: (buffer: GPUBuffer) => void): () => void {
  let set = watchers.get(b);
  if (!set) {
    const fns = new Set<(buffer: GPUBuffer) => void>();
    set = fns;
    watchers.set(b, fns);
    const manager = b.bufferManager;
    const release = manager.releaseBuffer.bind(manager);
    manager.releaseBuffer = (buffer, reuse = true) => {
      for (const fn of fns) fn(buffer);
      release(buffer, reuse);
    };
  }
  set.add(onRelease);
  const s = set;
  return () => s.delete(onRelease);
}

/** What a capture gives: the body's result, and the graph or why there is none. */
export interface Capture<T> {
  result: T;
  graph: CommandGraph | null;
  failure: string | null;
}

/**
 * Runs `body` as usual (its GPU work is executed) while recording it; returns its result with
 * the graph, or with the reason the work cannot be replayed (then there is no graph). An error
 * thrown by `body` is rethrown after the backend is restored.
 */
export function captureCommands<T>(backend: WebGPUBackend, body: () => T): Capture<T> {
  const b = backend as unknown as BackendInternals;
  if (b.activeTimers != null) return { result: body(), graph: null, failure: 'kernel timers are running (a profile)' };
  b.endComputePassEncoder();
  if (b.commandEncoder) b.submitQueue();

  const commands: Command[] = [];
  // Storage buffers acquired during the capture (reusable when released, unless pinned) and
  // those the capture holds back from tfjs's pool.
  const acquired = new Set<GPUBuffer>();
  const pinned = new Set<GPUBuffer>();
  const owned = new Set<GPUBuffer>();
  const free = new Map<string, GPUBuffer[]>();
  let failure = null as string | null;

  const manager = b.bufferManager;
  const ownProps = {
    acquire: Object.prototype.hasOwnProperty.call(manager, 'acquireBuffer'),
    release: Object.prototype.hasOwnProperty.call(manager, 'releaseBuffer'),
  };
  const acquire = manager.acquireBuffer;
  const release = manager.releaseBuffer;
  const upload = b.uploadToGPU;
  const writeBuffer = b.queue.writeBuffer;
  const record = b.recordAndSubmit;
  const key = (size: number, usage: number) => `${size}_${usage}`;

  manager.acquireBuffer = function (size, usage, mappedAtCreation = false, reuse = true) {
    if (!(usage & GPUBufferUsage.STORAGE) || mappedAtCreation || !reuse) return acquire.call(manager, size, usage, mappedAtCreation, reuse);
    const buffer = free.get(key(size, usage))?.pop() ?? acquire.call(manager, size, usage, mappedAtCreation, reuse);
    acquired.add(buffer);
    owned.delete(buffer);
    return buffer;
  };
  manager.releaseBuffer = function (buffer, reuse = true) {
    if (!(buffer.usage & GPUBufferUsage.STORAGE) || !reuse) return release.call(manager, buffer, reuse);
    // Held back from tfjs's pool: the graph owns it from now on.
    owned.add(buffer);
    if (acquired.has(buffer) && !pinned.has(buffer)) {
      const k = key(buffer.size, buffer.usage);
      free.set(k, [...(free.get(k) ?? []), buffer]);
    }
  };
  b.uploadToGPU = function (dataId) {
    const data = b.tensorMap.get(dataId);
    const fromCpu = data.resource == null && data.values != null;
    upload.call(b, dataId);
    if (fromCpu && isBuffer(data.resource)) pinned.add(data.resource);
  };
  b.queue.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, ...rest: unknown[]) {
    if (buffer.usage & GPUBufferUsage.STORAGE) pinned.add(buffer);
    return (writeBuffer as (...args: unknown[]) => undefined).call(b.queue, buffer, ...rest);
  } as GPUQueue['writeBuffer'];
  b.recordAndSubmit = function (program, output, inputs, programDefinedUniform) {
    const resources = [output, ...inputs].map((t) => b.tensorMap.get(t.dataId).resource);
    if (program.pipeline instanceof Promise || !resources.every(isBuffer)) {
      failure ??= `${program.constructor.name} ${program.pipeline instanceof Promise ? 'is still compiling' : 'binds a texture'}`;
      return record.call(b, program, output, inputs, programDefinedUniform);
    }
    const buffers = resources as GPUBuffer[];
    const block = uniformBlock(program, inputs, output, programDefinedUniform);
    const scalars = Object.entries(program.stepScalars ?? {}).map(([name, index]) => ({ name, offset: block.offsets[block.programOffset + index] }));
    commands.push({
      kind: 'dispatch', pipeline: program.pipeline, buffers: buffers.map((buffer) => ({ buffer })), uniform: block.bytes, scalars,
      workgroups: [...program.dispatch], program: program.shaderKey.split('_')[0] || program.constructor.name,
      defined: (programDefinedUniform ?? []).flatMap((u) => u.data),
    });
    // Run it now, as tfjs would (this capture is a real step), through whatever wraps it.
    return record.call(b, program, output, inputs, programDefinedUniform);
  };
  // Copies are recorded from the encoder tfjs (or our arena) uses; uploads from staging buffers
  // only run now (their data stays in pinned buffers), read-backs cannot be replayed.
  let encoder: GPUCommandEncoder | null = b.commandEncoder;
  const wrap = (real: GPUCommandEncoder | null): GPUCommandEncoder | null => {
    if (!real) return null;
    const copy = real.copyBufferToBuffer.bind(real);
    const proxy = new Proxy(real, {
      get(target, prop) {
        if (prop === 'copyBufferToBuffer') {
          return (src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number) => {
            if (dst.usage & GPUBufferUsage.MAP_READ) failure = 'the step reads data back from the GPU';
            else if (!(src.usage & (GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE))) commands.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
            copy(src, srcOffset, dst, dstOffset, size);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    proxied.set(proxy, real);
    return proxy;
  };
  Object.defineProperty(b, 'commandEncoder', {
    configurable: true,
    enumerable: true,
    get: () => encoder,
    set: (value: GPUCommandEncoder | null) => {
      encoder = wrap(value);
    },
  });

  let result: T;
  // The buffers held back go to tfjs's pool when there is no graph (the work using them is submitted).
  const giveBack = () => {
    for (const buffer of owned) release.call(manager, buffer, true);
  };
  try {
    result = body();
  } catch (err) {
    b.endComputePassEncoder();
    if (b.commandEncoder) b.submitQueue();
    restore();
    giveBack();
    throw err;
  }
  // Submitted before the backend is restored: the submit releases the tensors disposed during
  // the capture, whose buffers the capture keeps.
  b.endComputePassEncoder();
  if (b.commandEncoder) b.submitQueue();
  restore();
  if (failure) {
    giveBack();
    return { result, graph: null, failure };
  }
  return { result, graph: buildGraph(b, commands, owned, release.bind(manager)), failure: null };

  function restore(): void {
    const current = encoder;
    delete (b as Partial<BackendInternals>).commandEncoder;
    // The unwrapped encoder: tfjs keeps encoding on it (the proxy would record forever).
    b.commandEncoder = current ? unwrapEncoder(current) : null;
    if (ownProps.acquire) manager.acquireBuffer = acquire;
    else delete (manager as Partial<typeof manager>).acquireBuffer;
    if (ownProps.release) manager.releaseBuffer = release;
    else delete (manager as Partial<typeof manager>).releaseBuffer;
    delete (b as Partial<BackendInternals>).uploadToGPU;
    delete (b as Partial<BackendInternals>).recordAndSubmit;
    delete (b.queue as Partial<GPUQueue>).writeBuffer;
    if (b.uploadToGPU !== upload) b.uploadToGPU = upload;
    if (b.recordAndSubmit !== record) b.recordAndSubmit = record;
    if (b.queue.writeBuffer !== writeBuffer) b.queue.writeBuffer = writeBuffer;
  }
}

/** The real encoder behind a capture's proxy. */
const proxied = new WeakMap<object, GPUCommandEncoder>();
function unwrapEncoder(e: GPUCommandEncoder): GPUCommandEncoder {
  return proxied.get(e) ?? e;
}

function buildGraph(b: BackendInternals, captured: Command[], owned: Set<GPUBuffer>, release: (buffer: GPUBuffer, reuse?: boolean) => void): CommandGraph {
  const device = b.device;
  // Graph passes: the split-K reduces of the filter gradients as one dispatch (mergeReduces.ts).
  const { commands, buffers: made, merged } = mergeSplitKReduces(device, captured);
  const align = device.limits.minUniformBufferOffsetAlignment;
  const dispatches = commands.filter((c): c is Extract<Command, { kind: 'dispatch' }> => c.kind === 'dispatch');
  const at: number[] = [];
  let total = 0;
  for (const d of dispatches) {
    at.push(total);
    total += Math.ceil((d.uniform?.byteLength ?? 0) / align) * align;
  }
  const uniforms = device.createBuffer({ size: Math.max(total, 16), usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  const mapped = new Uint8Array(uniforms.getMappedRange());
  dispatches.forEach((d, i) => {
    if (d.uniform) mapped.set(new Uint8Array(d.uniform), at[i]);
  });
  uniforms.unmap();
  const bindGroups = dispatches.map((d, i) =>
    device.createBindGroup({
      layout: d.pipeline.getBindGroupLayout(0),
      entries: [
        ...d.buffers.map((resource, j) => ({ binding: j, resource })),
        ...(d.uniform ? [{ binding: d.buffers.length, resource: { buffer: uniforms, offset: at[i], size: d.uniform.byteLength } }] : []),
      ],
    }),
  );
  const slots = new Map<string, number[]>();
  dispatches.forEach((d, i) => {
    for (const s of d.scalars) slots.set(s.name, [...(slots.get(s.name) ?? []), at[i] + s.offset]);
  });

  // Buffers used but not owned: releasing one invalidates the graph.
  const borrowed = new Set<GPUBuffer>();
  for (const c of commands) {
    for (const buffer of c.kind === 'dispatch' ? c.buffers.map((d) => d.buffer) : [c.src, c.dst]) if (!owned.has(buffer) && !made.includes(buffer)) borrowed.add(buffer);
  }
  let isValid = true;
  let disposed = false;
  const unwatch = watchReleases(b, (buffer) => {
    if (borrowed.has(buffer)) isValid = false;
  });

  const byProgram = new Map<string, number>();
  for (const d of dispatches) byProgram.set(d.program, (byProgram.get(d.program) ?? 0) + 1);
  const stats: GraphStats = {
    dispatches: dispatches.length,
    copies: commands.length - dispatches.length,
    pipelines: new Set(dispatches.map((d) => d.pipeline)).size,
    byProgram: [...byProgram.entries()].sort((x, y) => y[1] - x[1]),
    ownedBytes: [...owned, ...made].reduce((s, buffer) => s + buffer.size, 0),
    mergedReduces: merged,
  };
  const scalarValue = new Float32Array(1);
  // Compute passes a replay makes: runs of dispatches between copies.
  const passCount = commands.filter((c, i) => c.kind === 'dispatch' && (i === 0 || commands[i - 1].kind === 'copy')).length;

  return {
    stats,
    scalarNames: [...slots.keys()],
    valid: () => isValid && !disposed,
    replay(scalars, before, after, timestamps) {
      if (!isValid || disposed) throw new Error('compiled step: replaying a graph whose buffers are gone');
      b.endComputePassEncoder();
      if (b.commandEncoder) b.submitQueue();
      for (const [name, offsets] of slots) {
        const value = scalars[name];
        if (value === undefined) throw new Error(`compiled step: no value for the step scalar '${name}'`);
        scalarValue[0] = value;
        for (const offset of offsets) b.queue.writeBuffer(uniforms, offset, scalarValue);
      }
      const encoder = device.createCommandEncoder();
      before?.(encoder);
      let pass: GPUComputePassEncoder | null = null;
      let d = 0;
      let passes = 0;
      const begin = (): GPUComputePassEncoder => {
        const first = passes === 0;
        const last = ++passes === passCount;
        if (!timestamps || !(first || last)) return encoder.beginComputePass();
        return encoder.beginComputePass({
          timestampWrites: { querySet: timestamps, ...(first ? { beginningOfPassWriteIndex: 0 } : {}), ...(last ? { endOfPassWriteIndex: 1 } : {}) },
        });
      };
      for (const c of commands) {
        if (c.kind === 'copy') {
          pass?.end();
          pass = null;
          encoder.copyBufferToBuffer(c.src, c.srcOffset, c.dst, c.dstOffset, c.size);
          continue;
        }
        pass ??= begin();
        pass.setPipeline(c.pipeline);
        pass.setBindGroup(0, bindGroups[d++]);
        pass.dispatchWorkgroups(...c.workgroups);
      }
      pass?.end();
      after?.(encoder);
      b.queue.submit([encoder.finish()]);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      unwatch();
      // Submitted work may still read these; tfjs's pool hands them out only to later work.
      for (const buffer of owned) release(buffer, true);
      uniforms.destroy();
      for (const buffer of made) buffer.destroy();
    },
  };
}
