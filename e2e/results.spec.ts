// A tiny run to completion on the embedded data: the accuracy chart gets its epoch and the
// downloaded results JSON carries the schema version, the config, the epoch metrics and the
// WebGPU environment.
import { expect, test } from './fixtures';
import { TINY } from './pages/TrickLabPage';

test('runs to completion and downloads the results JSON', async ({ app }) => {
  await app.configure();
  await app.runToCompletion();
  await app.expectChartFilled('accuracy-chart', 1, 5_000);
  await expect(app.page.getByTestId('final-metrics')).toContainText('Final validation top-1');

  const result = await app.downloadResults();
  expect(result.schemaVersion).toBe(1);
  expect(result.status).toBe('finished');
  expect(result.config.model).toMatchObject({ depth: TINY.depth, widthMultiplier: TINY.width });
  expect(result.config.data).toMatchObject({ dataset: 'synthetic', resolution: TINY.resolution, trainLimit: TINY.trainLimit });
  expect(result.config.optim.batchSize).toBe(TINY.batchSize);
  expect(result.dataset.trainCount).toBe(TINY.trainLimit);
  expect(result.epochs).toHaveLength(1);
  const [epoch] = result.epochs;
  expect(epoch.epoch).toBe(1);
  expect(Number.isFinite(epoch.trainLoss)).toBe(true);
  expect(epoch.valTop1).toBeGreaterThanOrEqual(0);
  expect(epoch.valTop1).toBeLessThanOrEqual(1);
  expect(result.steps).toHaveLength(TINY.trainLimit / TINY.batchSize); // logEvery 1
  expect(result.environment.backend.name).toBe('webgpu');
  expect(result.environment.runtime).toBe('browser');
});
