import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAnyCifarFromFiles } from '../engine/data/cifar';
import { fetchDatasetIndex, IndexError, parseDatasetIndex, withEntry, type IndexEntry } from './datasetIndex';
import { listStored, loadArchive, removeStored } from './datasetStore';
import { downloadBytes, DownloadError, type DownloadProgress } from './download';
import { startTestServer, type TestServer } from '../../test/support/testServer';
import { cifarSample } from '../../test/support/cifarSample';
import { MemoryCache } from '../../test/support/memoryCache';

// Cut points below stay inside the smallest sample (the 573 KB committed fixture).
const { bytes: SAMPLE, trainCount } = cifarSample();
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/** Runs `f` and returns the DownloadError it throws. */
async function failure(f: () => Promise<unknown>): Promise<DownloadError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(DownloadError);
    return e as DownloadError;
  }
  throw new Error('expected a DownloadError');
}

let server: TestServer;
const url = (path: string) => `${server.origin}${path}`;
const requestsTo = (path: string) => server.requests.filter((r) => r.path === path);

beforeAll(async () => {
  server = await startTestServer({
    '/datasets/cifar-10-binary.tar.gz': { body: SAMPLE, ranges: true },
    // Cut after 400 kB once, then whole: resumable with a Range request.
    '/flaky/cifar-10-binary.tar.gz': { body: SAMPLE, ranges: true, cutAfter: 400_000, cutTimes: 1 },
    // Always cut, ranges ignored: a truncated download that cannot be completed.
    '/broken/cifar-10-binary.tar.gz': { body: SAMPLE, cutAfter: 300_000 },
    '/slow/cifar-10-binary.tar.gz': { body: SAMPLE.subarray(0, 500_000), ranges: true, chunkBytes: 32 * 1024, delayMs: 15 },
    '/page/cifar-10-binary.tar.gz': { body: new TextEncoder().encode('<!DOCTYPE html><html><body>CIFAR</body></html>'), contentType: 'text/html' },
  });
});
afterAll(() => server.close());

describe('downloadBytes', () => {
  it('streams the file with progress: bytes, total, rate and ETA', async () => {
    const events: DownloadProgress[] = [];
    const bytes = await downloadBytes(url('/datasets/cifar-10-binary.tar.gz'), { onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(same(bytes, SAMPLE)).toBe(true);
    expect(events.length).toBeGreaterThan(3); // the first, one per chunk, the last
    expect(events[0].loaded).toBe(0);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ loaded: SAMPLE.length, total: SAMPLE.length, etaSeconds: 0, resumed: false });
    expect(last.bytesPerSecond).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
    const middle = events.find((e) => e.loaded > 0 && e.loaded < SAMPLE.length && e.etaSeconds !== null);
    expect(middle?.etaSeconds).toBeGreaterThan(0);
  });

  it('resumes a cut connection with a Range request and appends the rest', async () => {
    const events: DownloadProgress[] = [];
    const bytes = await downloadBytes(url('/flaky/cifar-10-binary.tar.gz'), { retryDelayMs: 1, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(same(bytes, SAMPLE)).toBe(true);
    const requests = requestsTo('/flaky/cifar-10-binary.tar.gz');
    expect(requests).toHaveLength(2);
    expect(requests[0].range).toBeNull();
    expect(requests[1].range).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/\d+/.exec(requests[1].range!)![0]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(400_000);
    expect(requests[1].ifRange).toMatch(/^"[0-9a-f]{32}"$/); // the ETag: a changed file would restart
    expect(events[events.length - 1].resumed).toBe(true);
  });

  it('resumes when a cross-origin 206 hides its Content-Range (Content-Length makes up the total)', async () => {
    const hiding = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const r = await fetch(input, init);
      const headers = new Headers(r.headers);
      headers.delete('Content-Range');
      return new Response(r.body, { status: r.status, statusText: r.statusText, headers });
    }) as typeof fetch;
    server.route('/flaky2/cifar-10-binary.tar.gz', { body: SAMPLE, ranges: true, cutAfter: 450_000, cutTimes: 1 });
    const bytes = await downloadBytes(url('/flaky2/cifar-10-binary.tar.gz'), { fetch: hiding, retryDelayMs: 1 });
    expect(same(bytes, SAMPLE)).toBe(true);
    expect(requestsTo('/flaky2/cifar-10-binary.tar.gz').map((r) => r.range !== null)).toEqual([false, true]);
  });

  it('cancels with an AbortSignal, keeping what arrived; a later call resumes from there', async () => {
    const controller = new AbortController();
    const path = '/slow/cifar-10-binary.tar.gz';
    const error = await failure(() =>
      downloadBytes(url(path), { signal: controller.signal, progressIntervalMs: 0, onProgress: (p) => p.loaded > 0 && controller.abort() }),
    );
    expect(error.kind).toBe('aborted');
    expect(error.message).toMatch(/^Download of cifar-10-binary\.tar\.gz cancelled after [\d.]+ KB\.$/);
    const kept = error.partial!.bytes.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(500_000);
    const before = requestsTo(path).length;
    const bytes = await downloadBytes(url(path), { resumeFrom: error.partial });
    expect(same(bytes, SAMPLE.subarray(0, 500_000))).toBe(true);
    expect(requestsTo(path).slice(before).map((r) => r.range)).toEqual([`bytes=${kept}-`]);
  });

  it('a truncated body that cannot be resumed says so and how far it got', async () => {
    const error = await failure(() => downloadBytes(url('/broken/cifar-10-binary.tar.gz'), { retries: 1, retryDelayMs: 1 }));
    expect(error.kind).toBe('truncated');
    expect(error.message).toMatch(/^The download of cifar-10-binary\.tar\.gz stopped at 293\.0 KB of [\d.]+ [KM]B: the connection was cut/);
    expect(error.message).toContain('after 1 resume attempt');
    expect(error.message).toContain('`npm run data -- cifar10`');
    expect(error.partial!.bytes.length).toBe(300_000);
    expect(requestsTo('/broken/cifar-10-binary.tar.gz')).toHaveLength(2);
  });

  it('a 404 says the file is not there', async () => {
    const error = await failure(() => downloadBytes(url('/datasets/cifar-100-binary.tar.gz')));
    expect(error).toMatchObject({ kind: 'http', status: 404 });
    expect(error.message).toBe(
      `The server answered 404 Not Found for ${url('/datasets/cifar-100-binary.tar.gz')}: the file is not there; check the address. Download the file with your browser and drop it on the page, or run \`npm run data -- cifar100\` in the project folder and reload.`,
    );
  });

  it('a refused cross-origin request (fetch throws TypeError) explains CORS and the alternatives', async () => {
    const corsFetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const error = await failure(() => downloadBytes('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', { fetch: corsFetch }));
    expect(error.kind).toBe('network');
    expect(error.partial).toBeNull();
    expect(error.message).toBe(
      'Could not download cifar-10-binary.tar.gz from www.cs.toronto.edu (Failed to fetch): the server does not allow downloads from other sites (it sends no CORS headers), or the network is unreachable. Download the file with your browser and drop it on the page, or run `npm run data -- cifar10` in the project folder and reload.',
    );
  });
});

describe('loadArchive (download, check, store)', () => {
  it('stores the archive; the second load comes from the cache without a request', async () => {
    const cache = new MemoryCache();
    const path = '/datasets/cifar-10-binary.tar.gz';
    const before = requestsTo(path).length;
    const first = await loadArchive(url(path), { cache });
    expect(first).toMatchObject({ name: 'cifar-10-binary.tar.gz', fromCache: false, storeProblem: null });
    expect(first.bytes.byteLength).toBe(SAMPLE.length);
    const second = await loadArchive(url(path), { cache });
    expect(second.fromCache).toBe(true);
    expect(same(new Uint8Array(second.bytes), SAMPLE)).toBe(true);
    expect(requestsTo(path).length - before).toBe(1);
    // The stored archive is the dataset: the sample's CIFAR-10 images.
    const dataset = loadAnyCifarFromFiles([{ name: second.name, bytes: new Uint8Array(second.bytes) }]);
    expect([dataset.id, dataset.train.count]).toEqual(['cifar10', trainCount]);

    const stored = await listStored(cache);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ url: url(path), name: 'cifar-10-binary.tar.gz', bytes: SAMPLE.length });
    expect(Date.parse(stored[0].storedAt)).toBeGreaterThan(0);
    expect(await removeStored(cache, url(path))).toBe(true);
    expect(await listStored(cache)).toEqual([]);
    await loadArchive(url(path), { cache });
    expect(requestsTo(path).length - before).toBe(2);
  });

  it('refuses a web page served under an archive name, and stores nothing', async () => {
    const cache = new MemoryCache();
    const error = await failure(() => loadArchive(url('/page/cifar-10-binary.tar.gz'), { cache }));
    expect(error.kind).toBe('wrong-kind');
    expect(error.message).toMatch(/sent \(46 B\) is a web page, not an archive/);
    expect(error.message).toContain('drop it on the page');
    expect(cache.entries.size).toBe(0);
  });

  it('works without a cache, and says it will download again', async () => {
    const loaded = await loadArchive(url('/datasets/cifar-10-binary.tar.gz'), { cache: null });
    expect(loaded.storeProblem).toMatch(/no Cache Storage/);
  });
});

describe('the datasets index', () => {
  const entry: IndexEntry = {
    id: 'cifar10', name: 'CIFAR-10', file: 'cifar-10-binary.tar.gz', bytes: 170_052_171,
    md5: 'c32a1d4ab5d03f1284b67883e8d87530', source: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', downloadedAt: '2025-01-01T00:00:00.000Z',
  };

  it('lists what index.json names; none when it is absent or a fallback page', async () => {
    expect(await fetchDatasetIndex(server.origin)).toEqual([]); // 404
    server.route('/datasets/index.json', { body: new TextEncoder().encode(JSON.stringify(withEntry({ version: 1, datasets: [] }, entry))), contentType: 'application/json' });
    expect(await fetchDatasetIndex(server.origin)).toEqual([
      { url: url('/datasets/cifar-10-binary.tar.gz'), label: 'CIFAR-10 (this site: cifar-10-binary.tar.gz)', kind: 'local', bytes: 170_052_171 },
    ]);
    server.route('/datasets/index.json', { body: new TextEncoder().encode('<!doctype html><html></html>'), contentType: 'text/html' });
    expect(await fetchDatasetIndex(server.origin)).toEqual([]);
    server.route('/datasets/index.json', { body: new TextEncoder().encode('{"version": 1, "datasets": [{"id": "cifar10"'), contentType: 'application/json' });
    await expect(fetchDatasetIndex(server.origin)).rejects.toThrow(IndexError);
  });

  it('rejects entries that could reach outside the datasets folder', () => {
    expect(() => parseDatasetIndex({ version: 1, datasets: [{ ...entry, file: '../secret' }] })).toThrow('index.json datasets[0].file must be a plain file name');
    expect(() => parseDatasetIndex({ version: 1, datasets: [{ ...entry, md5: 'x' }] })).toThrow('datasets[0].md5 must be 32 hex digits');
    expect(() => parseDatasetIndex({ version: 2, datasets: [] })).toThrow(IndexError);
    const two = withEntry(withEntry({ version: 1, datasets: [] }, entry), { ...entry, bytes: 5 });
    expect(two.datasets).toHaveLength(1); // same file replaced
    expect(two.datasets[0].bytes).toBe(5);
  });
});
