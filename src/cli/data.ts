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
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OFFICIAL_ARCHIVES } from '../data/datasetIndex';
import { formatBytes, formatDuration, formatRate } from '../data/format';
import { fetchArchive, FetchArchiveError, type ArchiveProgress } from '../node/fetchArchive';

const USAGE = `usage: npm run data -- <cifar10|cifar100>... [--out public/datasets] [--base URL | --url URL] [--md5 HEX] [--force]
  --base URL   fetch <URL>/<archive file name> instead of the official address
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
    console.error(`\n${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof FetchArchiveError)) console.error(USAGE);
    process.exit(1);
  },
);
