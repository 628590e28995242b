/**
 * Node only, for `npm run data -- <id> --source hf`: CIFAR-10 or CIFAR-100 as the Hugging Face
 * Hub publishes them (Parquet, src/data/hubSource.ts), each file checked against the SHA-256 the
 * Hub lists for it, written to `<outDir>/<id>-hf/` under its own name (train-….parquet,
 * test-….parquet), which `npm run train -- --data <that folder>` reads (src/node/loadDataset.ts).
 * Files already there with the published SHA-256 are not downloaded again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DownloadProgress } from '../data/download';
import { formatBytes } from '../data/format';
import { downloadHubDataset, fetchPublishedFiles, type HubLocation } from '../data/hubSource';

export interface FetchHubOptions {
  location: HubLocation;
  outDir: string;
  force?: boolean;
  log?: (line: string) => void;
  onProgress?: (progress: DownloadProgress) => void;
  fetch?: typeof fetch;
}

/** The folder a Hub dataset is written to. */
export function hubFolder(outDir: string, location: HubLocation): string {
  return join(outDir, `${location.dataset.id}-hf`);
}

/** Downloads (or finds) the dataset's Parquet files; returns the folder they are in. @throws DownloadError */
export async function fetchHubDataset(options: FetchHubOptions): Promise<string> {
  const { location, outDir } = options;
  const log = options.log ?? (() => undefined);
  const folder = hubFolder(outDir, location);
  await mkdir(folder, { recursive: true });
  if (!options.force) {
    const published = await fetchPublishedFiles(location, options.fetch).catch(() => null);
    const present = await Promise.all(
      location.dataset.files.map(async (file) => {
        const bytes = await readFile(join(folder, file)).catch(() => null);
        return bytes !== null && published?.get(file)?.sha256 === createHash('sha256').update(bytes).digest('hex');
      }),
    );
    if (present.every(Boolean)) {
      log(`${location.dataset.name}: the Parquet files in ${folder} match the SHA-256 the Hub publishes; not downloading them again.`);
      return folder;
    }
  }
  const download = await downloadHubDataset(location, { fetch: options.fetch, onProgress: options.onProgress, progressIntervalMs: 250 });
  for (const file of download.files) {
    const path = join(folder, file.name);
    await writeFile(`${path}.tmp`, new Uint8Array(file.bytes));
    await rename(`${path}.tmp`, path);
    log(`${file.name}: ${formatBytes(file.bytes.byteLength)}, saved to ${path}`);
  }
  log(`${location.dataset.name}: ${download.check}.`);
  return folder;
}
