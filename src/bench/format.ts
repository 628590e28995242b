/**
 * Plain-text tables of a bench report (the CLI prints them; the page shows them in a <pre>):
 * training speed with our kernels and the stock ones side by side and their ratio, dispatches
 * per step, the top kernels by GPU time, and the kernel micro-benchmarks.
 */
import type { BenchReport, KernelMode, MicroRow, TrainRow } from './runBench';

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

function trainingTable(rows: TrainRow[]): string {
  const keys = [...new Set(rows.map((r) => `${r.depth}/${r.batch}`))];
  const body = keys.map((key) => {
    const [depth, batch] = key.split('/').map(Number);
    const same = (r: TrainRow) => r.depth === depth && r.batch === batch;
    const ours = find(rows, 'custom', same);
    const stock = find(rows, 'stock', same);
    return [
      `ResNet-${depth}`, String(batch),
      fixed(ours?.imagesPerSecond ?? NaN), fixed(stock?.imagesPerSecond ?? NaN), ratio(ours?.imagesPerSecond, stock?.imagesPerSecond),
      fixed(ours?.msPerStep ?? NaN), fixed(stock?.msPerStep ?? NaN),
      ours ? String(ours.dispatchesPerStep) : '—', stock ? String(stock.dispatchesPerStep) : '—',
    ];
  });
  return table(['model', 'batch', 'ours img/s', 'stock img/s', 'ours/stock', 'ours ms/step', 'stock ms/step', 'ours disp/step', 'stock disp/step'], body);
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
    ['kernel', 'ours ms', 'stock ms', 'stock/ours speed-up', 'ours disp', 'stock disp'],
    names.map((name) => {
      const ours = find(rows, 'custom', (r) => r.name === name);
      const stock = find(rows, 'stock', (r) => r.name === name);
      return [name, fixed(ours?.ms ?? NaN, 2), fixed(stock?.ms ?? NaN, 2), ratio(stock?.ms, ours?.ms), ours ? String(ours.dispatches) : '—', stock ? String(stock.dispatches) : '—'];
    }),
  );
}

/** The whole report as text. */
export function formatReport(report: BenchReport): string {
  const o = report.options;
  const parts = [
    `backend ${report.backend}; width ×${o.widthMultiplier}, ${o.resolution}×${o.resolution} inputs, ${o.steps} timed steps after ${o.warmup} warm-up; GPU timestamps ${report.timestamps ? 'on' : 'unavailable (kernel times show 0)'}`,
  ];
  if (report.micro.length) parts.push('Kernel micro-benchmarks (wall clock per call)', microTable(report.micro));
  if (report.training.length) parts.push('Training step (createModel + createTrainStep)', trainingTable(report.training));
  for (const row of report.training) {
    const title = `ResNet-${row.depth} batch ${row.batch}, ${row.mode} kernels`;
    if (row.topKernels.length) parts.push(`Top kernels by GPU time, ${title} (one profiled step)`, topKernelsTable(row));
    parts.push(`Dispatches by program, ${title} (one step)`, table(['program', 'dispatches'], row.dispatchesByProgram.map(([n, c]) => [n, String(c)])));
  }
  return parts.join('\n\n');
}
