/**
 * `npm run data -- cifar10|cifar100 [...]`: downloads the official CIFAR binary archives
 * (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html) into public/datasets/ with
 * progress, checks each against the MD5 published there, and lists them in
 * public/datasets/index.json; the app offers every listed archive at start-up (served at
 * /datasets/ by Vite), loaded with one click. An interrupted download resumes on the next run.
 *
 *   npm run data -- cifar10 cifar100
 *   npm run data -- cifar10 --base http://127.0.0.1:8000      # a mirror with the same files
 *   npm run data -- cifar10 --url http://host/x.tar.gz --md5 <hex>
 *   npm run data -- cifar10 --source hf                      # the Hugging Face Hub's Parquet copy
 *
 * With `--source hf` the Parquet files (src/data/hubSource.ts) are checked against the SHA-256
 * the Hub publishes and written to public/datasets/<id>-hf/, for `npm run train -- --data`; the
 * page downloads them from the Hub itself (Download a dataset → CIFAR-10 (Hugging Face)).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OFFICIAL_ARCHIVES } from '../data/datasetIndex';
import { DownloadError } from '../data/download';
import { formatBytes, formatDuration, formatRate } from '../data/format';
import { HUB_DATASETS, HUB_ORIGIN, type HubLocation } from '../data/hubSource';
import { fetchArchive, FetchArchiveError, type ArchiveProgress } from '../node/fetchArchive';
import { fetchHubDataset } from '../node/fetchHub';
import { errorMessage } from '../engine/errorMessage';

const USAGE = `usage: npm run data -- <cifar10|cifar100>... [--source official|hf] [--out public/datasets] [--base URL | --url URL] [--md5 HEX] [--force]
  --source hf  the Hugging Face Hub's Parquet files (SHA-256 checked) instead of the official archive
  --base URL   fetch <URL>/<archive file name> instead of the official address (with --source hf:
               a Hub mirror's origin instead of https://huggingface.co)
  --url URL    fetch this exact URL (one dataset only)
  --md5 HEX    expect this MD5 instead of the published one (one dataset only)
  --force      download again even when the file is there with the right MD5`;

function progressLine(p: ArchiveProgress): string {
  const of = p.total !== null ? ` of ${formatBytes(p.total)} (${Math.floor((100 * p.loaded) / p.total)}%)` : '';
  return `  ${formatBytes(p.loaded)}${of}, ${formatRate(p.bytesPerSecond)}, ${formatDuration(p.etaSeconds)} left`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'public/datasets' },
      base: { type: 'string' },
      url: { type: 'string' },
      md5: { type: 'string' },
      force: { type: 'boolean', default: false },
      source: { type: 'string', default: 'official' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const archives = positionals.map((id) => {
    const archive = OFFICIAL_ARCHIVES.find((a) => a.id === id);
    if (!archive) throw new FetchArchiveError(`unknown dataset '${id}' (known: ${OFFICIAL_ARCHIVES.map((a) => a.id).join(', ')})`);
    return archive;
  });
  if (archives.length === 0) throw new FetchArchiveError('name a dataset: cifar10 or cifar100');
  if (archives.length > 1 && (values.url || values.md5)) throw new FetchArchiveError('--url and --md5 apply to one dataset at a time');
  const outDir = resolve(values.out as string);
  const tty = process.stdout.isTTY;
  if (values.source !== 'official' && values.source !== 'hf') throw new FetchArchiveError(`--source must be official or hf, not '${values.source}'`);
  if (values.source === 'hf') {
    if (values.url || values.md5) throw new FetchArchiveError('--url and --md5 are for the official archives; with --source hf use --base for a Hub mirror');
    const folders: string[] = [];
    for (const archive of archives) {
      const dataset = HUB_DATASETS.find((d) => d.id === archive.id);
      if (!dataset) throw new FetchArchiveError(`${archive.id} is not on the Hub source`);
      const location: HubLocation = { dataset, origin: (values.base ?? HUB_ORIGIN).replace(/\/+$/, ''), revision: 'main' };
      console.log(`${dataset.name}: ${dataset.repo} on ${location.origin}`);
      folders.push(
        await fetchHubDataset({
          location,
          outDir,
          force: values.force,
          log: (line) => console.log(tty ? `\r\x1b[K${line}` : line),
          onProgress: (p) => tty && process.stdout.write(`\r\x1b[K${progressLine(p)}`),
        }),
      );
    }
    console.log(`Train on ${folders.length > 1 ? 'them' : 'it'} in Node: npm run train -- --data ${folders[0]}`);
    return 0;
  }
  // Ctrl-C stops the download and keeps what arrived in the .part file for the next run.
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  for (const archive of archives) {
    console.log(`${archive.name}: ${archive.file}`);
    let lastDecile = -1;
    await fetchArchive({
      archive,
      outDir,
      url: values.url,
      base: values.base,
      md5: values.md5,
      force: values.force,
      signal: stop.signal,
      log: (line) => console.log(tty ? `\r\x1b[K${line}` : line),
      onProgress: (p) => {
        if (tty) process.stdout.write(`\r\x1b[K${progressLine(p)}`);
        else {
          const decile = p.total ? Math.floor((10 * p.loaded) / p.total) : -1;
          if (decile > lastDecile) console.log(progressLine(p));
          lastDecile = Math.max(lastDecile, decile);
        }
      },
    });
  }
  console.log(`Listed in ${resolve(outDir, 'index.json')}. Start the app (npm start) or reload it: the dataset picker offers ${archives.length > 1 ? 'them' : 'it'}.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`\n${errorMessage(err)}`);
    if (!(err instanceof FetchArchiveError) && !(err instanceof DownloadError)) console.error(USAGE);
    process.exit(1);
  },
);
