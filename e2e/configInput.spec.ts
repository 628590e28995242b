/**
 * Configs from a URL (the lab's `#share=…` link) and from a file (the single-run page's "Open
 * config…") are untrusted: markup in them shows as text and never becomes an element, an
 * invalid config gets a message naming the field and changes nothing, and a __proto__ key
 * pollutes nothing. The links are built here from raw JSON, so they can hold what the app's
 * own encoder would never write.
 */
import { deflateSync, strToU8 } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { makeConfig, type ExperimentConfig } from '../src/engine/config';
import { LabPage } from './pages/LabPage';
import { TrickLabPage } from './pages/TrickLabPage';

declare global {
  interface Window {
    __xss?: number;
  }
}

const PAYLOAD = '<img src=x onerror=window.__xss=1>';
const TINY_CONFIG = makeConfig({
  name: 'tiny from file',
  model: { depth: 8, widthMultiplier: 0.25 },
  data: { resolution: 16, trainLimit: 64, valLimit: 32 },
  optim: { batchSize: 32 },
  run: { epochs: 1, logEvery: 1 },
});

/** A share code (`1.` + base64url(deflate(json))) for any JSON text, as shareLink.ts reads it. */
function shareCode(json: string): string {
  return `1.${Buffer.from(deflateSync(strToU8(json))).toString('base64url')}`;
}

/** A custom plan with one entry, all its names set to `label`. */
function sharedPlan(config: ExperimentConfig, label: string): string {
  const plan = { schemaVersion: 1, name: label, baseline: config, mode: 'custom', tricks: [], variants: [{ label, tricks: [] }], seeds: [1] };
  return JSON.stringify({ config, plan });
}

/** What the page would show if markup had become elements or run. */
async function injected(page: Page): Promise<{ images: number; xss: number | null; polluted: unknown }> {
  return page.evaluate(() => ({ images: document.images.length, xss: window.__xss ?? null, polluted: ({} as Record<string, unknown>).polluted ?? null }));
}

const CLEAN = { images: 0, xss: null, polluted: null };

test('markup in a shared link shows as text and creates no element', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.openShared(shareCode(sharedPlan(makeConfig({ name: PAYLOAD }), PAYLOAD)), '?backend=cpu');
  await expect(lab.lastNoticeText()).toHaveText('Loaded the plan from the link.');
  await expect(lab.plannedConfigs().getByRole('listitem')).toHaveText([`${PAYLOAD} (reference)`]);
  await expect(page.getByLabel('Entry 1 label')).toHaveValue(PAYLOAD);
  await page.waitForTimeout(500); // an <img src=x> would have failed to load by now
  expect(await injected(page)).toEqual(CLEAN);
});

test('an invalid or hostile shared link names the problem and leaves the page usable', async ({ page }) => {
  const lab = new LabPage(page);
  const badDepth = makeConfig({ model: { depth: 21 } });
  await lab.openShared(shareCode(JSON.stringify({ config: badDepth, plan: null })), '?backend=cpu');
  await expect(lab.lastNotice()).toHaveAttribute('data-kind', 'error');
  await expect(lab.lastNoticeText()).toHaveText(/^The shared link's setup was not loaded: .*config\.model\.depth: must be 6n\+2/);
  // The lab keeps its default plan and the single-run page works.
  await expect(lab.plannedConfigs()).toBeVisible();
  await page.getByTestId('tab-single').click();
  await expect(page.getByLabel('Depth')).toHaveValue('20');

  const proto = `{"__proto__": {"polluted": "yes"}, "config": ${JSON.stringify(makeConfig())}, "plan": null}`;
  await page.goto('about:blank'); // from the same page, a new fragment alone would not reload it
  await lab.openShared(shareCode(proto), '?backend=cpu');
  await expect(lab.lastNoticeText()).toHaveText(/__proto__: is not an allowed key/);
  expect(await injected(page)).toEqual(CLEAN);
});

test('a config file is validated like the form: bad ones are refused by file and field, good ones load', async ({ page }) => {
  const app = new TrickLabPage(page);
  await page.goto('/?backend=cpu');
  await expect(app.backendName).toHaveText(/cpu/, { timeout: 60_000 });
  await page.getByLabel('Epochs').fill('3');

  // Markup in the name: shown as text in the message, no element.
  await app.openConfigFile('evil.json', JSON.stringify({ ...TINY_CONFIG, name: PAYLOAD }));
  await expect(app.configFileMessage).toHaveText(`Loaded “${PAYLOAD}” from evil.json.`);
  await expect(page.getByLabel('Epochs')).toHaveValue('1');
  await page.waitForTimeout(500);
  expect(await injected(page)).toEqual(CLEAN);

  // An invalid value: the message names the file and the field; the settings stay as they were.
  await page.getByLabel('Epochs').fill('3');
  await app.openConfigFile('bad-lr.json', JSON.stringify({ ...TINY_CONFIG, optim: { ...TINY_CONFIG.optim, lr: -1 } }));
  await expect(app.configFileMessage).toHaveAttribute('data-kind', 'error');
  await expect(app.configFileMessage).toHaveText('bad-lr.json was not opened: field optim.lr: must be positive (got -1)');
  await expect(page.getByLabel('Epochs')).toHaveValue('3');
  await expect(page.getByLabel('Depth')).toHaveValue('8');

  // A __proto__ key: refused before any field is read; nothing is polluted.
  await app.openConfigFile('proto.json', `{"__proto__": {"polluted": "yes"}, ${JSON.stringify(TINY_CONFIG).slice(1)}`);
  await expect(app.configFileMessage).toHaveText('proto.json was not opened: field __proto__: is not an allowed key');
  expect(await injected(page)).toEqual(CLEAN);

  // A run's results JSON: its config is taken, and the run trains.
  const result = { schemaVersion: 1, app: { name: 'trick-lab', version: '0.1.0' }, config: { ...TINY_CONFIG, name: 'from a run' }, epochs: [] };
  await app.openConfigFile('run.json', JSON.stringify(result));
  await expect(app.configFileMessage).toHaveText('Loaded “from a run” from run.json (the config of that run).');
  await expect(page.getByLabel('Epochs')).toHaveValue('1');
  await expect(page.getByLabel('Training images (limit)')).toHaveValue('64');
  await app.runToCompletion(90_000);
});
