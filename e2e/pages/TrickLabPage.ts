/**
 * Page object for Trick Lab: every selector lives here (stable data-testid attributes and
 * accessible names), so the specs read as user stories.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';
import type { RunResult } from '../../src/engine/results';

/** A run small enough for SwiftShader: ResNet-8 ×0.25 on 16×16 inputs, a few hundred images. */
export interface TinyRun {
  depth: number;
  width: number;
  resolution: 16 | 32 | 48 | 64;
  epochs: number;
  batchSize: number;
  trainLimit: number;
  valLimit: number;
  logEvery: number;
}

/** The preview server of playwright.config.ts (E2E_PORT, as there). */
export const BASE_URL = `http://localhost:${process.env.E2E_PORT ?? 4173}`;

export const TINY: TinyRun = { depth: 8, width: 0.25, resolution: 16, epochs: 1, batchSize: 32, trainLimit: 128, valLimit: 32, logEvery: 1 };

export type Phase = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'done';

export class TrickLabPage {
  readonly backendName: Locator;
  readonly adapterInfo: Locator;
  readonly fallbackBanner: Locator;
  readonly datasetName: Locator;
  readonly datasetTrainCount: Locator;
  readonly datasetError: Locator;
  readonly fileInput: Locator;
  readonly phase: Locator;
  readonly step: Locator;
  readonly epoch: Locator;
  readonly eta: Locator;
  readonly imagesPerSecond: Locator;
  readonly runError: Locator;
  readonly startButton: Locator;
  readonly pauseButton: Locator;
  readonly resumeButton: Locator;
  readonly stopButton: Locator;
  readonly downloadButton: Locator;
  readonly configFileInput: Locator;
  readonly configFileMessage: Locator;

  constructor(readonly page: Page) {
    const id = (testId: string) => page.getByTestId(testId);
    this.backendName = id('backend-name');
    this.adapterInfo = id('adapter-info');
    this.fallbackBanner = id('fallback-banner');
    this.datasetName = id('dataset-name');
    this.datasetTrainCount = id('dataset-train-count');
    this.datasetError = id('dataset-error');
    this.fileInput = page.getByLabel(/^CIFAR files/);
    this.phase = id('run-phase');
    this.step = id('progress-step');
    this.epoch = id('progress-epoch');
    this.eta = id('progress-eta');
    this.imagesPerSecond = id('images-per-second');
    this.runError = id('run-error');
    this.startButton = page.getByRole('button', { name: 'Start' });
    this.pauseButton = page.getByRole('button', { name: 'Pause' });
    this.resumeButton = page.getByRole('button', { name: 'Resume' });
    this.stopButton = page.getByRole('button', { name: 'Stop' });
    this.downloadButton = page.getByRole('button', { name: 'Download results JSON' });
    this.configFileInput = page.getByLabel('Open config…');
    this.configFileMessage = id('config-file-message');
  }

  /**
   * Opens the app once, then brings it back to a known state: a backend, no live run, and
   * the embedded synthetic dataset (an earlier spec may have loaded CIFAR-10).
   */
  async ensureReady(): Promise<void> {
    if (!this.page.url().startsWith(BASE_URL)) await this.page.goto('/');
    await expect(this.backendName).not.toHaveText('starting…', { timeout: 60_000 });
    await expect(this.datasetName).toBeVisible({ timeout: 60_000 });
    const phase = await this.phase.getAttribute('data-phase');
    if (phase === 'starting' || phase === 'running' || phase === 'paused') await this.stopButton.click();
    await expect(this.phase).not.toHaveAttribute('data-phase', /starting|running|paused|stopping/, { timeout: 120_000 });
    if (!(await this.datasetName.textContent())?.includes('synthetic')) {
      await this.page.getByRole('button', { name: 'Use embedded synthetic data' }).click();
      await expect(this.datasetName).toContainText('synthetic', { timeout: 30_000 });
    }
  }

  /** Fills the run settings by their visible labels (the way a user finds them). */
  async configure(run: Partial<TinyRun> = {}): Promise<void> {
    const r = { ...TINY, ...run };
    const p = this.page;
    await p.getByLabel('Depth').selectOption(String(r.depth));
    await p.getByLabel('Width multiplier').fill(String(r.width));
    await p.getByLabel('Input resolution').selectOption(String(r.resolution));
    await p.getByLabel('Epochs').fill(String(r.epochs));
    await p.getByLabel('Batch size').fill(String(r.batchSize));
    await p.getByLabel('Training images (limit)').fill(String(r.trainLimit));
    await p.getByLabel('Validation images (limit)').fill(String(r.valLimit));
    await p.getByLabel('Log loss every').fill(String(r.logEvery));
  }

  async start(): Promise<void> {
    await this.startButton.click();
  }

  async expectPhase(phase: Phase, timeout?: number): Promise<void> {
    await expect(this.phase).toHaveAttribute('data-phase', phase, timeout ? { timeout } : undefined);
  }

  /** The global step shown in the progress line. */
  async currentStep(): Promise<number> {
    return Number(await this.step.getAttribute('data-step'));
  }

  /** Points drawn in a chart: 'lr-chart', 'loss-chart' or 'accuracy-chart'. */
  chart(testId: 'lr-chart' | 'loss-chart' | 'accuracy-chart'): Locator {
    return this.page.getByTestId(testId);
  }

  async chartPoints(testId: 'lr-chart' | 'loss-chart' | 'accuracy-chart'): Promise<number> {
    return Number(await this.chart(testId).getAttribute('data-points'));
  }

  /** Waits until a chart has at least `min` points and its line is drawn. */
  async expectChartFilled(testId: 'lr-chart' | 'loss-chart' | 'accuracy-chart', min = 1, timeout = 90_000): Promise<void> {
    await expect.poll(() => this.chartPoints(testId), { timeout }).toBeGreaterThanOrEqual(min);
    // The schedule is a Recharts line; live series are paths, or dots alone for one point.
    await expect(this.chart(testId).locator('path.recharts-line-curve, .live-series path, .live-series circle').first()).toBeVisible();
  }

  /** Runs to the end and waits for the finished status. */
  async runToCompletion(timeout = 170_000): Promise<void> {
    await this.start();
    // A previous run may have left the phase at 'done': wait for this one to begin first.
    await expect(this.phase).toHaveAttribute('data-phase', /starting|running/);
    await this.expectPhase('done', timeout);
    await expect(this.phase).toContainText('finished');
  }

  /** Clicks the download button and parses the saved JSON. */
  async downloadResults(): Promise<RunResult> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.downloadButton.click()]);
    expect(download.suggestedFilename()).toMatch(/^trick-lab-.+\.json$/);
    return JSON.parse(await readFile(await download.path(), 'utf8')) as RunResult;
  }

  /** Drops files on the dataset drop zone, as a user dragging them from their desktop. */
  async dropFiles(files: { name: string; bytes: Buffer }[]): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
      return dt;
    }, files.map((f) => ({ name: f.name, bytes: [...f.bytes] })));
    await this.page.getByTestId('dataset-drop-zone').dispatchEvent('drop', { dataTransfer });
  }

  /** Opens a config (or results) JSON with "Open config…", as a file named `name`. */
  async openConfigFile(name: string, content: string): Promise<void> {
    await this.configFileInput.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
  }

  /** Chooses dataset files with the file picker. */
  async chooseFiles(files: string | string[] | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.fileInput.setInputFiles(files);
  }
}
