/**
 * Page object for the ablation lab (`#view=lab`): the planner, the run queue, the charts, the
 * results table, export and import, and the storage banner. Selectors are the lab's data-testid
 * attributes.
 */
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';
import type { LabExport } from '../../src/engine/lab/exportFormat';

/** The lab's tiny baseline: ResNet-8 ×0.25 on 16×16 inputs, 128 images, batch 32, 1 epoch. */
export interface LabTiny {
  trainLimit: number;
  valLimit: number;
  batchSize: number;
  epochs: number;
  seeds: number;
}

export const LAB_TINY: LabTiny = { trainLimit: 128, valLimit: 64, batchSize: 32, epochs: 1, seeds: 2 };

export type RunStatus = 'queued' | 'running' | 'interrupted' | 'cancelled' | 'finished' | 'stopped' | 'diverged' | 'failed';

export class LabPage {
  readonly runs: Locator;
  readonly resultRows: Locator;
  readonly notices: Locator;
  readonly importInput: Locator;
  /** Shown while runs exist only in this tab (browser storage full or unavailable). */
  readonly storageBanner: Locator;

  constructor(readonly page: Page) {
    this.runs = page.getByTestId('lab-run');
    this.resultRows = page.getByTestId('lab-result-row');
    this.notices = page.getByTestId('lab-notice');
    this.importInput = page.getByTestId('lab-import');
    this.storageBanner = page.getByTestId('lab-storage-banner');
  }

  /** Opens the lab (`query` e.g. '?backend=cpu') and waits for its saved runs to be read. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}#view=lab`);
    await expect(this.page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
  }

  /** Opens a shared link (`#share=<code>`), which shows the lab, and waits for its runs to be read. */
  async openShared(code: string, query = ''): Promise<void> {
    await this.page.goto(`/${query}#share=${code}`);
    await expect(this.page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
  }

  /** The planner's list of planned configs (their labels). */
  plannedConfigs(): Locator {
    return this.page.getByRole('list', { name: 'Planned configs' });
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await expect(this.page.getByTestId('lab-view')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
  }

  /** Unfolds the planner's Baseline section (folded at first, under its summary line). */
  async openBaseline(): Promise<void> {
    const section = this.page.getByTestId('lab-baseline-section');
    if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
    await expect(this.page.getByTestId('lab-depth')).toBeVisible();
  }

  /** Sets the baseline to the tiny model and data (opening the Baseline section). */
  async configureTiny(run: Partial<LabTiny> = {}): Promise<void> {
    const r = { ...LAB_TINY, ...run };
    const id = (t: string) => this.page.getByTestId(t);
    await this.openBaseline();
    await id('lab-depth').selectOption('8');
    await id('lab-width').selectOption('0.25');
    await id('lab-resolution').selectOption('16');
    await id('lab-train-limit').fill(String(r.trainLimit));
    await id('lab-val-limit').fill(String(r.valLimit));
    await id('lab-batch').fill(String(r.batchSize));
    await id('lab-epochs').fill(String(r.epochs));
    await id('lab-seeds').fill(String(r.seeds));
  }

  async chooseTricks(ids: string[]): Promise<void> {
    for (const t of ids) await this.page.getByTestId(`lab-trick-${t}`).check();
  }

  /** Queues the plan once the dataset is loaded (the button enables then). */
  async queuePlan(): Promise<void> {
    await this.page.getByTestId('lab-queue-plan').click({ timeout: 60_000 });
  }

  async statuses(): Promise<string[]> {
    return this.runs.evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
  }

  /** Waits until every local run has ended as `status`. */
  async expectAll(status: RunStatus, count: number, timeout = 120_000): Promise<void> {
    await expect.poll(() => this.statuses(), { timeout }).toEqual(new Array<string>(count).fill(status));
  }

  async chartPoints(testId: string): Promise<number> {
    return Number(await this.page.getByTestId(testId).getAttribute('data-points'));
  }

  /** The computed colours of `selector`'s elements inside the element with `testId`, in document order. */
  async colors(testId: string, selector: string, property: 'backgroundColor' | 'stroke'): Promise<string[]> {
    return this.page
      .getByTestId(testId)
      .locator(selector)
      .evaluateAll((els, p) => els.map((e) => getComputedStyle(e)[p]), property);
  }

  /** The results table as text, row by row (cells joined by '|'). */
  async tableText(): Promise<string[]> {
    return this.resultRows.evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent?.trim() ?? '').join('|')));
  }

  /** Clicks a button that downloads a file; returns its name and text. */
  async download(testId: string): Promise<{ name: string; text: string; path: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(testId).click()]);
    const path = await download.path();
    return { name: download.suggestedFilename(), text: await readFile(path, 'utf8'), path };
  }

  /** Exports the lab with the export bar's button (`via` 'banner': the storage banner's "Export now"). */
  async exportLab(via: 'bar' | 'banner' = 'bar'): Promise<{ data: LabExport; path: string }> {
    const { text, path, name } = await this.download(via === 'bar' ? 'lab-export' : 'lab-storage-export');
    expect(name).toMatch(/^trick-lab-ablation-.+\.json$/);
    return { data: JSON.parse(text) as LabExport, path };
  }

  /** The storage banner's sentence: "Browser storage is full: 1 finished run is not saved…". */
  async storageBannerText(): Promise<string> {
    return (await this.storageBanner.locator('p').innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Imports files through the file picker. */
  async importFiles(files: string | { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
    await this.importInput.setInputFiles(files);
  }

  /** The newest notice (its kind is data-kind). */
  lastNotice(): Locator {
    return this.notices.last();
  }

  /** The newest notice's text. */
  lastNoticeText(): Locator {
    return this.notices.last().getByTestId('lab-notice-text');
  }
}
