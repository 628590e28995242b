/**
 * Plain-text tables of a bench report (the CLI prints them; the page shows them in a <pre>):
 * per configuration and kernel set images/s (ours/stock ratio), wall, host and GPU ms per step,
 * dispatches and distinct pipelines per step, pipelines compiled and how long that took; the
 * same-loss check; the top kernels by GPU time; and the kernel micro-benchmarks.
 */
import type { BenchReport, KernelMode, MicroRow, TrainRow } from './runBench';
import { SAME_LOSS_STEPS, sameLossTolerance } from './sameLoss';

/** Left-aligned first column, right-aligned others, columns separated by two spaces. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixed = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const ratio = (ours: number | undefined, stock: number | undefined) => (ours !== undefined && stock !== undefined && stock > 0 ? `${(ours / stock).toFixed(2)}×` : '—');

function find<T extends { mode: KernelMode }>(rows: T[], mode: KernelMode, same: (r: T) => boolean): T | undefined {
  return rows.find((r) => r.mode === mode && same(r));
}

/**
 * One row per configuration and kernel set; ours/stock compares images/s of the same
 * configuration, host vs op-by-op the compiled step's enqueue time with the custom set's.
 */
function trainingTable(rows: TrainRow[]): string {
  const body = rows.map((r) => {
    const same = (o: TrainRow) => o.depth === r.depth && o.batch === r.batch;
    const stock = r.mode !== 'stock' ? find(rows, 'stock', same) : undefined;
    const opByOp = r.mode === 'compiled' ? find(rows, 'custom', same) : undefined;
    return [
      `ResNet-${r.depth}`, String(r.batch), r.mode,
      fixed(r.imagesPerSecond), stock ? ratio(r.imagesPerSecond, stock.imagesPerSecond) : '',
      fixed(r.msPerStep), fixed(r.hostMsPerStep), opByOp ? ratio(r.hostMsPerStep, opByOp.hostMsPerStep) : '', r.gpuMsPerStep === null ? '—' : fixed(r.gpuMsPerStep),
      String(r.dispatchesPerStep), String(r.pipelinesPerStep),
      `${r.compile.pipelines} in ${(r.compile.ms / 1000).toFixed(1)} s`,
    ];
  });
  return table(['model', 'batch', 'kernels', 'img/s', 'ours/stock', 'ms/step', 'host ms/step', 'host vs op-by-op', 'GPU ms/step', 'dispatches/step', 'pipelines/step', 'pipelines compiled'], body);
}

/** The correctness gate's outcome per configuration and kernel set (only where stock ran too). */
function sameLossLines(rows: TrainRow[], fp16: boolean): string {
  const { atol, rtol } = sameLossTolerance(fp16);
  const checked = rows.filter((r) => r.mode !== 'stock' && r.sameLoss);
  const lines = checked.map((r) => {
    const d = r.sameLoss as NonNullable<TrainRow['sameLoss']>;
    return `ResNet-${r.depth} batch ${r.batch}, ${r.mode}: agree, max |Δ| ${d.maxAbsDiff.toExponential(2)} (relative ${d.maxRelDiff.toExponential(2)}); losses ${r.losses.map((l) => l.toFixed(4)).join(', ')}`;
  });
  return [`Same loss as stock, first ${SAME_LOSS_STEPS} steps on one seed and batch (|Δ| ≤ ${atol} + ${rtol}·|stock|; compiled: steps 3–5 are replays):`, ...lines].join('\n');
}

function topKernelsTable(row: TrainRow): string {
  const total = row.topKernels.reduce((s, k) => s + k.ms, 0);
  return table(
    ['kernel', 'calls', 'GPU ms', 'share of top'],
    row.topKernels.map((k) => [k.name, String(k.calls), fixed(k.ms, 2), total > 0 ? `${((100 * k.ms) / total).toFixed(1)} %` : '—']),
  );
}

function microTable(rows: MicroRow[]): string {
  const names = [...new Set(rows.map((r) => r.name))];
  return table(
    ['kernel', 'ours ms', 'stock ms', 'stock/ours speed-up', 'ours disp', 'stock disp', 'max |ours − stock|'],
    names.map((name) => {
      const ours = find(rows, 'custom', (r) => r.name === name);
      const stock = find(rows, 'stock', (r) => r.name === name);
      return [name, fixed(ours?.ms ?? NaN, 2), fixed(stock?.ms ?? NaN, 2), ratio(stock?.ms, ours?.ms), ours ? String(ours.dispatches) : '—', stock ? String(stock.dispatches) : '—', ours?.maxAbsDiff != null ? ours.maxAbsDiff.toExponential(2) : '—'];
    }),
  );
}

/** The whole report as text. */
export function formatReport(report: BenchReport): string {
  const o = report.options;
  const parts = [
    `backend ${report.backend}; width ×${o.widthMultiplier}, ${o.resolution}×${o.resolution} inputs, ${o.fp16 ? 'FP16 (emulated)' : 'FP32'}, ${o.plan === 'auto' ? '' : `${o.plan} work plan, `}${o.steps} timed steps after ${o.warmup} warm-up; GPU timestamps ${report.timestamps ? 'on' : 'unavailable (kernel times show 0)'}`,
  ];
  if (report.micro.length) parts.push('Kernel micro-benchmarks (wall clock per call)', microTable(report.micro));
  if (report.training.length) {
    parts.push(
      'Training step (createModel + createTrainStep); host = time to enqueue a step, GPU = timestamp queries (a compiled step writes its own around its replay), pipelines compiled = created before the first step (shared ones come from the cache); compiled = each step replays a capture of the custom kernels\' step (one command buffer)',
      trainingTable(report.training),
    );
    if (report.training.some((r) => r.sameLoss)) parts.push(sameLossLines(report.training, o.fp16));
  }
  for (const row of report.training) {
    const title = `ResNet-${row.depth} batch ${row.batch}, ${row.mode} kernels`;
    if (row.topKernels.length) parts.push(`Top kernels by GPU time, ${title} (one profiled step)`, topKernelsTable(row));
    parts.push(`Dispatches by program, ${title} (one step)`, table(['program', 'dispatches'], row.dispatchesByProgram.map(([n, c]) => [n, String(c)])));
  }
  return parts.join('\n\n');
}
