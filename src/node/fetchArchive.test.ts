import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../data/format';
import { OFFICIAL_ARCHIVES } from '../data/datasetIndex';
import { startTestServer, type TestServer } from '../../test/support/testServer';
import { cifarSample } from '../../test/support/cifarSample';
import { makeCifar100Records, PATTERN, tarEntry, tarOf } from '../../test/support/testFixtures';
import { loadDatasetFromPath } from './loadDataset';
import { fetchArchive, FetchArchiveError, type ArchiveProgress } from './fetchArchive';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const { bytes: SAMPLE, trainCount } = cifarSample();
/** Where the interrupted download stopped. */
const HALF = Math.floor(SAMPLE.length / 2);
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const SAMPLE_MD5 = md5(SAMPLE);
/** A small cifar-100-binary.tar.gz made here. */
const C100 = gzipSync(tarOf(tarEntry('cifar-100-binary/train.bin', makeCifar100Records([[4, 0], [13, 99]], PATTERN))));
const [CIFAR10, CIFAR100] = OFFICIAL_ARCHIVES;

let server: TestServer;
let dir: string;
const requestsTo = (path: string) => server.requests.filter((r) => r.path === path);
const index = (out: string) => JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FetchArchiveError);
    return (e as Error).message;
  }
  throw new Error('expected a FetchArchiveError');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tricklab-fetch-'));
  server = await startTestServer({
    '/mirror/cifar-10-binary.tar.gz': { body: SAMPLE, ranges: true },
    '/mirror/cifar-100-binary.tar.gz': { body: C100, ranges: true },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fetchArchive (npm run data)', () => {
  it('refuses a file whose MD5 is not the published one, and removes it', async () => {
    const out = join(dir, 'wrong');
    // The test sample is not the official archive, so the published MD5 cannot match.
    const message = await failure(fetchArchive({ archive: CIFAR10, outDir: out, base: `${server.origin}/mirror` }));
    expect(message).toBe(
      `MD5 mismatch for cifar-10-binary.tar.gz: expected c32a1d4ab5d03f1284b67883e8d87530 (published on the CIFAR page), got ${SAMPLE_MD5}. The file was removed. The download was damaged, or ${server.origin}/mirror/cifar-10-binary.tar.gz serves a different file; run the command again, or download it from https://www.cs.toronto.edu/~kriz/cifar.html.`,
    );
    expect(readdirSync(out)).toEqual([]); // no file, no .part, no index
  });

  it('downloads with progress, checks the MD5, writes index.json; a second run makes no request', async () => {
    const out = join(dir, 'ok');
    const events: ArchiveProgress[] = [];
    const lines: string[] = [];
    let clock = 0;
    const entry = await fetchArchive({
      archive: CIFAR10, outDir: out, base: `${server.origin}/mirror/`, md5: SAMPLE_MD5,
      onProgress: (p) => events.push(p), log: (l) => lines.push(l), now: () => (clock += 100),
    });
    expect(Buffer.compare(readFileSync(join(out, 'cifar-10-binary.tar.gz')), SAMPLE)).toBe(0);
    expect(entry).toMatchObject({ id: 'cifar10', file: 'cifar-10-binary.tar.gz', bytes: SAMPLE.length, md5: SAMPLE_MD5, source: `${server.origin}/mirror/cifar-10-binary.tar.gz` });
    expect(index(out)).toEqual({ version: 1, datasets: [entry] });
    const last = events[events.length - 1];
    expect(last).toMatchObject({ loaded: SAMPLE.length, total: SAMPLE.length, etaSeconds: 0 });
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    expect(lines[lines.length - 1]).toBe(`cifar-10-binary.tar.gz: ${formatBytes(SAMPLE.length)}, MD5 ${SAMPLE_MD5} OK, saved to ${join(out, 'cifar-10-binary.tar.gz')}`);

    const before = server.requests.length;
    await fetchArchive({ archive: CIFAR10, outDir: out, base: `${server.origin}/mirror`, md5: SAMPLE_MD5, log: (l) => lines.push(l) });
    expect(server.requests.length).toBe(before);
    expect(lines[lines.length - 1]).toMatch(/already in .* \(MD5 [0-9a-f]{32} matches\); not downloading it again\.$/);
    // The folder loads as a dataset (the Node loader finds the archive in it).
    const dataset = await loadDatasetFromPath(out);
    expect([dataset.id, dataset.train.count]).toEqual(['cifar10', trainCount]);
  });

  it('resumes a .part left by an interrupted run with a Range request', async () => {
    const out = join(dir, 'resume');
    mkdirSync(out);
    writeFileSync(join(out, 'cifar-10-binary.tar.gz.part'), SAMPLE.subarray(0, HALF));
    const before = requestsTo('/mirror/cifar-10-binary.tar.gz').length;
    await fetchArchive({ archive: CIFAR10, outDir: out, base: `${server.origin}/mirror`, md5: SAMPLE_MD5 });
    expect(requestsTo('/mirror/cifar-10-binary.tar.gz').slice(before).map((r) => r.range)).toEqual([`bytes=${HALF}-`]);
    expect(Buffer.compare(readFileSync(join(out, 'cifar-10-binary.tar.gz')), SAMPLE)).toBe(0);
    expect(existsSync(join(out, 'cifar-10-binary.tar.gz.part'))).toBe(false);
  });

  it('keeps a cut download in .part with its ETag, and resumes it guarded by If-Range; a changed file starts over', async () => {
    const path = '/cut/cifar-10-binary.tar.gz';
    const etag = `"${SAMPLE_MD5}"`; // the test server's ETag is the body's MD5
    // Cut every time, ranges ignored: the first run ends with a .part after its automatic resumes.
    server.route(path, { body: SAMPLE, cutAfter: 300_000 });
    const out = join(dir, 'cut');
    const options = { archive: CIFAR10, outDir: out, url: `${server.origin}${path}`, md5: SAMPLE_MD5, retryDelayMs: 1 };
    expect(await failure(fetchArchive(options))).toBe(
      `The download stopped at ${formatBytes(300_000)} of ${formatBytes(SAMPLE.length)} (the connection was cut). Run the command again to resume from there.`,
    );
    const part = join(out, 'cifar-10-binary.tar.gz.part');
    expect(readFileSync(part).length).toBe(300_000);
    expect(JSON.parse(readFileSync(`${part}.json`, 'utf8'))).toEqual({ url: options.url, total: SAMPLE.length, validator: etag });

    // The same file, now served whole with ranges: one request for the rest, with If-Range.
    server.route(path, { body: SAMPLE, ranges: true });
    const before = requestsTo(path).length;
    await fetchArchive(options);
    expect(requestsTo(path).slice(before).map((r) => [r.range, r.ifRange])).toEqual([['bytes=300000-', etag]]);
    expect(Buffer.compare(readFileSync(join(out, 'cifar-10-binary.tar.gz')), SAMPLE)).toBe(0);
    expect(existsSync(`${part}.json`)).toBe(false);

    // A .part whose file changed on the server since: the ETag no longer matches, the server
    // sends the new file whole, and that is what is checked (here: against the new MD5).
    const changed = SAMPLE.slice();
    changed[500] ^= 0xff; // inside the kept 1000 bytes: appending to them would not give the new file
    writeFileSync(part, SAMPLE.subarray(0, 1000));
    writeFileSync(`${part}.json`, JSON.stringify({ url: options.url, total: SAMPLE.length, validator: etag }));
    server.route(path, { body: changed, ranges: true });
    await fetchArchive({ ...options, md5: md5(changed), force: true });
    expect(Buffer.compare(readFileSync(join(out, 'cifar-10-binary.tar.gz')), changed)).toBe(0);
  });

  it('a 404 and an unreachable server say what to do', async () => {
    const out = join(dir, 'errors');
    expect(await failure(fetchArchive({ archive: CIFAR10, outDir: out, url: `${server.origin}/nothing.tar.gz` }))).toBe(
      `The server answered 404 Not Found for ${server.origin}/nothing.tar.gz. Check the address (--url/--base).`,
    );
    const offline = (() => Promise.reject(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND www.cs.toronto.edu') }))) as typeof fetch;
    expect(await failure(fetchArchive({ archive: CIFAR10, outDir: out, fetch: offline }))).toMatch(
      /^Could not reach www\.cs\.toronto\.edu \(getaddrinfo ENOTFOUND www\.cs\.toronto\.edu\)\. Check the network, or download cifar-10-binary\.tar\.gz from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html yourself, put it in .*errors and run this command again/,
    );
  });
});

describe('npm run data (the command)', () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, [resolve(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/data.ts', ...args], { cwd: repoRoot, timeout: 60_000 });

  it('fetches cifar100 from a --base with its --md5 and lists it; a wrong --md5 exits 1 with the reason', async () => {
    const out = join(dir, 'cli');
    const ok = await run(['cifar100', '--base', `${server.origin}/mirror`, '--md5', md5(C100), '--out', out]);
    expect(ok.stdout).toContain('CIFAR-100: cifar-100-binary.tar.gz');
    expect(ok.stdout).toMatch(/100%\)/);
    expect(index(out).datasets.map((e: { id: string; bytes: number }) => [e.id, e.bytes])).toEqual([['cifar100', C100.length]]);
    const bad = await run(['cifar100', '--base', `${server.origin}/mirror`, '--md5', '0'.repeat(32), '--out', join(dir, 'cli-bad'), '--force']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toContain(`MD5 mismatch for cifar-100-binary.tar.gz: expected ${'0'.repeat(32)}, got ${md5(C100)}. The file was removed.`);
    expect(CIFAR100.md5).toBe('03b5dce01913d631647c71ecec9e9cb8');
  });
});
