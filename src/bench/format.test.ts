/** The bench report as text: the per-configuration training table and the same-loss lines. */
import { describe, expect, it } from 'vitest';
import { formatReport } from './format';
import { DEFAULT_BENCH, type BenchReport, type TrainRow } from './runBench';

const row = (mode: TrainRow['mode'], over: Partial<TrainRow>): TrainRow => ({
  depth: 20, batch: 8, mode, msPerStep: 0, imagesPerSecond: 0, hostMsPerStep: 0, gpuMsPerStep: null,
  dispatchesPerStep: 0, pipelinesPerStep: 0, compile: { pipelines: 0, ms: 0 }, losses: [], sameLoss: null,
  dispatchesByProgram: [], topKernels: [], ...over,
});

const report = (training: TrainRow[], timestamps: boolean): BenchReport => ({
  backend: 'webgpu', timestamps, input: 'resident random tensor', micro: [], training,
  options: { ...DEFAULT_BENCH, depths: [20], batches: [8], steps: 3, warmup: 1, microBatch: 0, profile: false },
});

describe('formatReport', () => {
  const custom = row('custom', {
    msPerStep: 4000, imagesPerSecond: 2, hostMsPerStep: 812.5, gpuMsPerStep: 3100.25, dispatchesPerStep: 475, pipelinesPerStep: 71,
    compile: { pipelines: 64, ms: 22_940 }, losses: [2.30261, 2.1], sameLoss: { maxAbsDiff: 3.1e-6, maxRelDiff: 1.4e-6 },
  });
  const compiled = row('compiled', {
    msPerStep: 2000, imagesPerSecond: 4, hostMsPerStep: 203.125, dispatchesPerStep: 218, pipelinesPerStep: 36,
    compile: { pipelines: 0, ms: 10 }, losses: [2.30261, 2.1], sameLoss: { maxAbsDiff: 3.1e-6, maxRelDiff: 1.4e-6 },
  });
  const stock = row('stock', { msPerStep: 8000, imagesPerSecond: 1, hostMsPerStep: 2400, dispatchesPerStep: 1573, pipelinesPerStep: 80, compile: { pipelines: 19, ms: 800 } });

  it('prints one row per kernel set with every measure, and ours/stock on ours', () => {
    const text = formatReport(report([compiled, custom, stock], true));
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('model'));
    expect(header?.split(/\s{2,}/)).toEqual(['model', 'batch', 'kernels', 'img/s', 'ours/stock', 'ms/step', 'host ms/step', 'host vs op-by-op', 'GPU ms/step', 'dispatches/step', 'pipelines/step', 'pipelines compiled']);
    // 4 img/s over 1 img/s = 4.00×; host 203.125 over the custom row's 812.5 = 0.25×; no GPU time in a replay.
    expect(lines.find((l) => l.includes('compiled') && l.startsWith('ResNet'))?.split(/\s{2,}/)).toEqual(['ResNet-20', '8', 'compiled', '4.0', '4.00×', '2000.0', '203.1', '0.25×', '—', '218', '36', '0 in 0.0 s']);
    // 2 img/s over 1 img/s = 2.00×; 22,940 ms of compilation = 22.9 s.
    expect(lines.find((l) => l.includes('custom') && l.startsWith('ResNet'))?.split(/\s{2,}/)).toEqual(['ResNet-20', '8', 'custom', '2.0', '2.00×', '4000.0', '812.5', '3100.3', '475', '71', '64 in 22.9 s']);
    // No GPU timestamps on the stock row: a dash, not 0.
    expect(lines.find((l) => l.includes('stock') && l.startsWith('ResNet'))?.split(/\s{2,}/)).toEqual(['ResNet-20', '8', 'stock', '1.0', '8000.0', '2400.0', '—', '1573', '80', '19 in 0.8 s']);
  });

  it('states the same-loss tolerance and each configuration that passed it', () => {
    const text = formatReport(report([compiled, custom, stock], true));
    expect(text).toContain('Same loss as stock, first 5 steps on one seed and batch (|Δ| ≤ 0.0001 + 0.001·|stock|; compiled: steps 3–5 are replays):');
    expect(text).toContain('ResNet-20 batch 8, custom: agree, max |Δ| 3.10e-6 (relative 1.40e-6); losses 2.3026, 2.1000');
    expect(text).toContain('ResNet-20 batch 8, compiled: agree, max |Δ| 3.10e-6');
  });

  it('leaves the same-loss section out when only one kernel set ran', () => {
    const text = formatReport(report([row('custom', {})], false));
    expect(text).not.toContain('Same loss');
    expect(text).toContain('GPU timestamps unavailable');
  });

  it('prints each micro-benchmark once, ours against stock, with the largest difference of their values', () => {
    const name = 'Conv2DBackpropInput 3×3 s2 8×32×32×16→32';
    const micro = [
      { name, mode: 'custom' as const, ms: 20, dispatches: 1, maxAbsDiff: 2.5e-6 },
      { name, mode: 'stock' as const, ms: 50, dispatches: 1, maxAbsDiff: null },
    ];
    const lines = formatReport({ ...report([], false), micro }).split('\n');
    expect(lines.find((l) => l.startsWith('kernel'))?.split(/\s{2,}/)).toEqual(['kernel', 'ours ms', 'stock ms', 'stock/ours speed-up', 'ours disp', 'stock disp', 'max |ours − stock|']);
    // 50 ms over 20 ms = 2.50×.
    expect(lines.filter((l) => l.startsWith('Conv2DBackpropInput')).map((l) => l.split(/\s{2,}/))).toEqual([[name, '20.00', '50.00', '2.50×', '1', '1', '2.50e-6']]);
  });
});
