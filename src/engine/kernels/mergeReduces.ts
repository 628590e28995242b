/**
 * A pass over a captured step (capture.ts) that merges the split-K reduces of the filter
 * gradients (conv2dBackpropFilter.ts: a GEMM pass writes S partial tiles, a reduce pass sums
 * them) into one dispatch, as a graph compiler fuses independent kernels once it sees the whole
 * step. Op by op, each reduce has to run before tfjs hands its gradient on; in a captured
 * training step every filter gradient is first read at the end (the optimizer's gather), so the
 * reduces of a whole backward pass can wait and run together: at ResNet-20 with a GPU's work
 * split that is 1 dispatch instead of 19.
 *
 * The rewrite, per group of reduces that can wait for one another (each one's GEMM pass comes
 * before the first command reading any of their outputs):
 * - each GEMM pass writes its partials into its own region of one new buffer (its output
 *   binding redirected, 256-byte aligned), so a buffer tfjs reuses in between cannot overwrite
 *   them before the merged reduce reads them;
 * - one dispatch (MergedReduce below) sums every region into a second new buffer, with the
 *   arithmetic of SplitKReduceProgram in the same order, so the sums are the same bits;
 * - copies put each gradient into the buffer its reduce wrote before, just before its first
 *   reader; from there on the captured commands are unchanged.
 * The price is memory: every merged layer's partials are held at once (op by op one layer's
 * are, its buffer then reused), about 100 MiB at ResNet-20, batch 128, with a GPU's split
 * (2,048 workgroups a layer); a group that would pass the largest buffer allowed is cut in two.
 */
import { FILTER_GRAD_PARTIAL_KEY, REDUCE_OUTPUTS, SPLIT_K_REDUCE_KEY, THREADS } from './conv2dBackpropFilter';
import { FILTER_GRAD_SCALAR_X_KEY, FILTER_GRAD_VEC4_KEY } from './conv2dBackpropFilterVec4';

/** A storage binding: a whole buffer, or a range of one. */
export interface BufferBinding {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

/** A captured command (capture.ts records them; this pass rewrites them). */
export type Command =
  | {
      kind: 'dispatch';
      pipeline: GPUComputePipeline;
      /** Storage bindings in binding order: the output first, then the inputs. */
      buffers: BufferBinding[];
      /** tfjs's uniform block (bound after the buffers), or null for a dispatch without one. */
      uniform: ArrayBuffer | null;
      scalars: { name: string; offset: number }[];
      workgroups: [number, number, number];
      /** Program name (shader key's first word). */
      program: string;
      /** The program-defined uniform values, flattened (e.g. [splits, count] of a reduce). */
      defined: number[];
    }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number };

type Dispatch = Extract<Command, { kind: 'dispatch' }>;

/** The program names this pass looks for (the filter-gradient kernels' shader keys). */
export const REDUCE_PROGRAM = SPLIT_K_REDUCE_KEY;
export const PARTIAL_PROGRAM = FILTER_GRAD_PARTIAL_KEY;
/** Every pass that writes split-K partials for a reduce: the tiled GEMM's and the register kernel's two (conv2dBackpropFilterVec4.ts). */
export const PARTIAL_PROGRAMS: readonly string[] = [FILTER_GRAD_PARTIAL_KEY, FILTER_GRAD_VEC4_KEY, FILTER_GRAD_SCALAR_X_KEY];
export const MERGED_PROGRAM = 'tlSplitKReduceMerged';

/** One reduce: where it and its GEMM pass are, and what they read and write. */
interface Reduce {
  at: number;
  producer: number;
  partial: GPUBuffer;
  output: BufferBinding;
  splits: number;
  count: number;
  /** Index of the first command after it that touches its output (commands.length if none). */
  firstUse: number;
}

const ALIGN_FLOATS = 64; // 256 bytes, WebGPU's minStorageBufferOffsetAlignment
const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

function touches(c: Command, buffer: GPUBuffer): boolean {
  return c.kind === 'copy' ? c.src === buffer || c.dst === buffer : c.buffers.some((b) => b.buffer === buffer);
}

function writes(c: Command, buffer: GPUBuffer): boolean {
  // A dispatch writes its output binding; our programs also write read_write inputs, so any
  // binding counts (a conservative answer only ever merges fewer reduces).
  return c.kind === 'copy' ? c.dst === buffer : c.buffers.some((b) => b.buffer === buffer);
}

/** The reduces that can be merged, with their GEMM passes. */
function findReduces(commands: readonly Command[]): Reduce[] {
  const out: Reduce[] = [];
  commands.forEach((c, at) => {
    if (c.kind !== 'dispatch' || c.program !== REDUCE_PROGRAM || c.buffers.length !== 2 || c.defined.length !== 2) return;
    const [output, input] = c.buffers;
    if (output.offset || input.offset) return;
    const [splits, count] = c.defined;
    let producer = -1;
    for (let i = at - 1; i >= 0; i--) {
      if (writes(commands[i], input.buffer)) {
        producer = i;
        break;
      }
    }
    const p = commands[producer];
    // The partials must come from a GEMM pass's output binding and nothing else may read them.
    if (!p || p.kind !== 'dispatch' || !PARTIAL_PROGRAMS.includes(p.program) || p.buffers[0].buffer !== input.buffer) return;
    for (let i = producer + 1; i < at; i++) if (touches(commands[i], input.buffer)) return;
    let firstUse = commands.length;
    for (let i = at + 1; i < commands.length; i++) {
      if (touches(commands[i], output.buffer)) {
        firstUse = i;
        break;
      }
    }
    out.push({ at, producer, partial: input.buffer, output, splits, count, firstUse });
  });
  return out;
}

/** Groups in capture order: a reduce joins the group if it runs before all of the group's outputs are read. */
function groupReduces(reduces: readonly Reduce[], maxPartialFloats: number): Reduce[][] {
  const groups: Reduce[][] = [];
  let group: Reduce[] = [];
  let firstUse = Infinity;
  let floats = 0;
  for (const r of reduces) {
    const size = alignUp(r.splits * r.count, ALIGN_FLOATS);
    if (group.length > 0 && (r.at >= Math.min(firstUse, r.firstUse) || floats + size > maxPartialFloats)) {
      groups.push(group);
      group = [];
      firstUse = Infinity;
      floats = 0;
    }
    group.push(r);
    firstUse = Math.min(firstUse, r.firstUse);
    floats += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The merged reduce's shader: workgroup w finds its segment in the table, then sums as SplitKReduceProgram. */
function mergedReduceShader(): string {
  const outs = REDUCE_OUTPUTS;
  const lanes = THREADS / REDUCE_OUTPUTS;
  return `
    @group(0) @binding(0) var<storage, read_write> result : array<f32>;
    @group(0) @binding(1) var<storage, read> partial : array<f32>;
    // [segments, workgroups, then per segment: first workgroup, partial offset, splits, count, output offset]
    @group(0) @binding(2) var<storage, read> table : array<u32>;
    var<workgroup> sums : array<f32, ${THREADS}>;

    @compute @workgroup_size(${THREADS})
    fn main(@builtin(workgroup_id) wid : vec3<u32>, @builtin(num_workgroups) grid : vec3<u32>, @builtin(local_invocation_index) t : u32) {
      let w = wid.x + wid.y * grid.x;
      var s = 0u;
      for (var i = 1u; i < table[0]; i = i + 1u) {
        if (table[2u + i * 5u] <= w) { s = i; }
      }
      let seg = 2u + s * 5u;
      let splits = table[seg + 2u];
      let count = table[seg + 3u];
      let o = (w - table[seg]) * ${outs}u + t % ${outs}u;
      let lane = t / ${outs}u;
      let live = w < table[1] && o < count;
      var acc = 0.0;
      if (live) {
        for (var p = lane; p < splits; p = p + ${lanes}u) {
          acc = acc + partial[table[seg + 1u] + p * count + o];
        }
      }
      sums[t] = acc;
      workgroupBarrier();
      for (var stride = ${lanes / 2}u; stride > 0u; stride = stride / 2u) {
        if (lane < stride) {
          sums[t] = sums[t] + sums[t + stride * ${outs}u];
        }
        workgroupBarrier();
      }
      if (lane == 0u && live) {
        result[table[seg + 4u] + o] = sums[t];
      }
    }`;
}

const pipelines = new WeakMap<GPUDevice, GPUComputePipeline>();

function pipelineDescriptor(device: GPUDevice): GPUComputePipelineDescriptor {
  return { layout: 'auto', compute: { module: device.createShaderModule({ code: mergedReduceShader() }), entryPoint: 'main' } };
}

/** The merged reduce's pipeline, made once per device (synchronously, unless prepareMergedReduce made it). */
function mergedPipeline(device: GPUDevice): GPUComputePipeline {
  let pipeline = pipelines.get(device);
  if (!pipeline) {
    pipeline = device.createComputePipeline(pipelineDescriptor(device));
    pipelines.set(device, pipeline);
  }
  return pipeline;
}

/**
 * Starts creating the merged reduce's pipeline asynchronously, ahead of the first capture (with
 * a run's other pipelines, warmPipelines.ts), so building the graph compiles nothing: the
 * pending creation, or none when this device has the pipeline already.
 */
export function prepareMergedReduce(device: GPUDevice): Promise<void>[] {
  if (pipelines.has(device)) return [];
  return [
    device.createComputePipelineAsync(pipelineDescriptor(device)).then((pipeline) => {
      if (!pipelines.has(device)) pipelines.set(device, pipeline);
    }),
  ];
}

/** What the pass made: the new command list and the buffers the graph now owns. */
export interface MergedReduces {
  commands: Command[];
  /** Buffers made here (partials, sums, tables): the graph destroys them with itself. */
  buffers: GPUBuffer[];
  /** Reduce dispatches merged away. */
  merged: number;
}

/** Merges the split-K reduces of `commands` where they can wait (see the file comment). */
export function mergeSplitKReduces(device: GPUDevice, commands: readonly Command[]): MergedReduces {
  // One group's partials are one buffer, bound whole: within both limits (and 256 MiB).
  const maxFloats = Math.floor(Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, 1 << 28) / 4);
  const groups = groupReduces(findReduces(commands), maxFloats).filter((g) => g.length > 1);
  if (groups.length === 0) return { commands: [...commands], buffers: [], merged: 0 };

  const buffers: GPUBuffer[] = [];
  const removed = new Set<number>();
  const redirected = new Map<number, Dispatch>();
  /** Commands to insert before index i. */
  const inserts = new Map<number, Command[]>();
  let merged = 0;
  const pipeline = mergedPipeline(device);
  const maxPerDimension = device.limits.maxComputeWorkgroupsPerDimension;

  for (const group of groups) {
    const table: number[] = [group.length, 0];
    let partialFloats = 0;
    let outputFloats = 0;
    let workgroups = 0;
    const placed = group.map((r) => {
      const at = { partial: partialFloats, output: outputFloats };
      table.push(workgroups, partialFloats, r.splits, r.count, outputFloats);
      workgroups += Math.ceil(r.count / REDUCE_OUTPUTS);
      partialFloats += alignUp(r.splits * r.count, ALIGN_FLOATS);
      outputFloats += r.count;
      return at;
    });
    table[1] = workgroups;
    const partials = device.createBuffer({ size: partialFloats * 4, usage: GPUBufferUsage.STORAGE });
    const sums = device.createBuffer({ size: Math.max(outputFloats, 1) * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const tableBuffer = device.createBuffer({ size: table.length * 4, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
    new Uint32Array(tableBuffer.getMappedRange()).set(table);
    tableBuffer.unmap();
    buffers.push(partials, sums, tableBuffer);

    group.forEach((r, i) => {
      const producer = commands[r.producer] as Dispatch;
      const range: BufferBinding = { buffer: partials, offset: placed[i].partial * 4, size: r.splits * r.count * 4 };
      redirected.set(r.producer, { ...producer, buffers: [range, ...producer.buffers.slice(1)] });
      removed.add(r.at);
    });
    const x = Math.min(workgroups, maxPerDimension);
    const reduce: Command = {
      kind: 'dispatch', pipeline, uniform: null, scalars: [], defined: [], program: MERGED_PROGRAM,
      buffers: [{ buffer: sums }, { buffer: partials }, { buffer: tableBuffer }],
      workgroups: [x, Math.ceil(workgroups / x), 1],
    };
    const before = Math.min(...group.map((r) => r.firstUse));
    const copies: Command[] = group.map((r, i) => ({ kind: 'copy', src: sums, srcOffset: placed[i].output * 4, dst: r.output.buffer, dstOffset: 0, size: r.count * 4 }));
    inserts.set(before, [...(inserts.get(before) ?? []), reduce, ...copies]);
    merged += group.length - 1;
  }

  const out: Command[] = [];
  commands.forEach((c, i) => {
    out.push(...(inserts.get(i) ?? []));
    if (!removed.has(i)) out.push(redirected.get(i) ?? c);
  });
  out.push(...(inserts.get(commands.length) ?? []));
  return { commands: out, buffers, merged };
}
