// Before the first step on WebGPU the run creates its GPU pipelines and says how far it is:
// "compiling GPU kernels k of n". A batch size no other spec uses, so its shaders are not cached.
import { expect, test } from './fixtures';

test('the run shows kernel compilation k of n before its first step', async ({ app }) => {
  await app.configure({ batchSize: 24, trainLimit: 48, valLimit: 24 });
  await app.start();
  await expect(app.phase).toContainText(/compiling GPU kernels \d+ of [1-9]\d*/, { timeout: 60_000 });
  await app.runToCompletion();
  await expect(app.phase).toContainText('finished');
});
