/**
 * bench.html in Chromium (WebGPU on SwiftShader): a tiny ResNet-8 bench runs with our kernels
 * (compiled step and op by op) and the stock ones, their first losses agree, and the page shows
 * the comparison table with host time, pipelines and compile cost; ours dispatches fewer kernels
 * (compiled no more than op by op), and the compiled step enqueues a step faster than the same
 * kernels op by op.
 */
import { expect, test } from '@playwright/test';

interface Row {
  mode: string;
  imagesPerSecond: number;
  hostMsPerStep: number;
  dispatchesPerStep: number;
  pipelinesPerStep: number;
  compile: { pipelines: number };
  sameLoss: { maxAbsDiff: number } | null;
}

test('bench page compares our kernels with the stock ones', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/bench.html?depth=8&width=0.25&batch=4&resolution=8&steps=1&warmup=0&micro-batch=2&profile=0&autorun=1');
  await expect(page.locator('body')).toHaveAttribute('data-state', /done|error/, { timeout: 220_000 });
  await expect(page.getByTestId('bench-status')).toHaveText('done');
  const report = page.getByTestId('bench-report');
  await expect(report).toContainText('ResNet-8');
  await expect(report).toContainText('ours/stock');
  await expect(report).toContainText('Same loss as stock, first 5 steps');
  await expect(report).toContainText('pipelines compiled');
  const rows = await page.evaluate(() => (window as unknown as { __benchReport: { training: Row[] } }).__benchReport.training);
  expect(rows.map((r) => r.mode)).toEqual(['compiled', 'custom', 'stock']);
  for (const r of rows) {
    expect(r.imagesPerSecond).toBeGreaterThan(0);
    expect(r.hostMsPerStep).toBeGreaterThan(0);
    expect(r.pipelinesPerStep).toBeGreaterThan(0);
    if (r.mode !== 'stock') expect(r.sameLoss?.maxAbsDiff).toBeLessThan(1e-3);
  }
  const [compiled, custom, stock] = rows;
  // Ours runs first, after the micro-benchmarks: it still compiles its own BatchNorm/update pipelines.
  expect(compiled.compile.pipelines).toBeGreaterThan(0);
  // The same kernels, but the compiled graph runs the filter gradients' split-K reduces as one.
  expect(compiled.dispatchesPerStep).toBeLessThanOrEqual(custom.dispatchesPerStep);
  expect(custom.dispatchesPerStep).toBeLessThan(stock.dispatchesPerStep);
  expect(compiled.hostMsPerStep).toBeLessThan(custom.hostMsPerStep);
});
