// The app opens on WebGPU (SwiftShader's adapter on this GPU-less machine) with the embedded
// synthetic data loaded and the LR schedule drawn before any training.
import { expect, test } from './fixtures';

test('opens on WebGPU with the SwiftShader adapter and the embedded data', async ({ app }) => {
  await expect(app.backendName).toHaveText('webgpu');
  await expect(app.adapterInfo).toContainText(/swiftshader/i);
  // Chromium says itself that SwiftShader is a software (fallback) adapter; the page shows it.
  await expect(app.adapterInfo).toHaveAttribute('data-fallback-adapter', 'true');
  await expect(app.adapterInfo).toContainText('(software)');
  await expect(app.fallbackBanner).toHaveCount(0);
  await expect(app.datasetName).toContainText('synthetic');
  await app.expectChartFilled('lr-chart', 2, 10_000);
  await expect(app.startButton).toBeEnabled();
});
