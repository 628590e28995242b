// The Hugging Face source: which addresses name a Hub dataset, the URLs built from them, and
// downloading both files with progress summed over them, each checked against the SHA-256 the
// tree listing publishes; a wrong hash, a missing listing and a cut connection (never resumed:
// the Hub's storage refuses Range from a page) each get their own message.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DownloadError, type DownloadProgress } from './download';
import { downloadHubDataset, hubFileUrl, hubTreeUrl, parseHubUrl, sha256Hex, type HubLocation } from './hubSource';

const cifar10 = parseHubUrl('https://huggingface.co/datasets/uoft-cs/cifar10') as HubLocation;
const TRAIN = new Uint8Array(3000).map((_, i) => i % 251);
const TEST = new Uint8Array(1000).map((_, i) => (i * 7) % 253);
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Served {
  tree?: unknown;
  treeStatus?: number;
  /** Bytes after which the train body errors (a cut connection). */
  cutTrainAfter?: number;
}

/** A fetch that answers like the Hub: the tree listing and the two files; records each request. */
function hub(served: Served = {}) {
  const requests: { url: string; range: string | null }[] = [];
  const tree = served.tree ?? [
    { type: 'file', path: 'plain_text/test-00000-of-00001.parquet', size: TEST.length, lfs: { oid: hex(TEST), size: TEST.length, pointerSize: 134 } },
    { type: 'file', path: 'plain_text/train-00000-of-00001.parquet', size: TRAIN.length, lfs: { oid: hex(TRAIN), size: TRAIN.length, pointerSize: 134 } },
  ];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, range: new Headers(init?.headers).get('Range') });
    if (url === hubTreeUrl(cifar10)) return new Response(JSON.stringify(tree), { status: served.treeStatus ?? 200 });
    const body = url === hubFileUrl(cifar10, 'train-00000-of-00001.parquet') ? TRAIN : url === hubFileUrl(cifar10, 'test-00000-of-00001.parquet') ? TEST : null;
    if (!body) return new Response('Entry not found', { status: 404 });
    const cut = body === TRAIN ? served.cutTrainAfter : undefined;
    // Two chunks (1000 bytes, then the rest), or `cut` bytes and then an error.
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // As a real fetch's body: an aborted request's stream errors.
        if (init?.signal?.aborted) return controller.error(new DOMException('The operation was aborted.', 'AbortError'));
        pulls++;
        if (pulls === 1) controller.enqueue(body.slice(0, cut ?? 1000));
        else if (cut !== undefined) controller.error(new Error('socket hang up'));
        else if (pulls === 2) controller.enqueue(body.slice(1000));
        else controller.close();
      },
    });
    return new Response(stream, { headers: { 'Content-Length': String(body.length) } });
  }) as typeof fetch;
  return { fetchImpl, requests };
}

describe('Hub addresses', () => {
  it('recognises a Hub dataset page on any host, and nothing else', () => {
    expect(cifar10.dataset.id).toBe('cifar10');
    expect(cifar10.origin).toBe('https://huggingface.co');
    const mirror = parseHubUrl('http://127.0.0.1:9000/datasets/uoft-cs/cifar100/');
    expect(mirror?.dataset.id).toBe('cifar100');
    expect(mirror && hubFileUrl(mirror, 'train-00000-of-00001.parquet')).toBe('http://127.0.0.1:9000/datasets/uoft-cs/cifar100/resolve/main/cifar100/train-00000-of-00001.parquet');
    expect(hubTreeUrl(cifar10)).toBe('https://huggingface.co/api/datasets/uoft-cs/cifar10/tree/main/plain_text');
    for (const other of ['https://huggingface.co/datasets/uoft-cs/cifar10/tree/main', 'https://huggingface.co/datasets/someone/cifar10', 'ftp://huggingface.co/datasets/uoft-cs/cifar10', 'cifar10']) {
      expect(parseHubUrl(other), other).toBeNull();
    }
  });

  it('hashes with SHA-256', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('downloadHubDataset', () => {
  it('downloads both files, checks them, and reports progress over both', async () => {
    const { fetchImpl, requests } = hub();
    const progress: DownloadProgress[] = [];
    const result = await downloadHubDataset(cifar10, { fetch: fetchImpl, progressIntervalMs: 0, onProgress: (p) => progress.push(p) });
    expect(result.files.map((f) => [f.name, f.bytes.byteLength])).toEqual([['train-00000-of-00001.parquet', 3000], ['test-00000-of-00001.parquet', 1000]]);
    expect(new Uint8Array(result.files[1].bytes)).toEqual(TEST);
    expect(result.check).toBe('SHA-256 of each file checked against the Hub');
    expect(progress.every((p) => p.total === 4000)).toBe(true);
    // Train: start, its two chunks, end; then test (counted after train's 3000): start, its chunks, end.
    expect(progress.map((p) => p.loaded)).toEqual([0, 1000, 3000, 3000, 3000, 4000, 4000, 4000]);
    expect(requests.map((r) => r.range)).toEqual([null, null, null]);
  });

  it('refuses a file whose SHA-256 differs from the published one, naming it', async () => {
    const tree = [
      { type: 'file', path: 'plain_text/train-00000-of-00001.parquet', size: 3000, lfs: { oid: 'ab'.repeat(32), size: 3000 } },
      { type: 'file', path: 'plain_text/test-00000-of-00001.parquet', size: 1000, lfs: { oid: hex(TEST), size: 1000 } },
    ];
    const error = await downloadHubDataset(cifar10, { fetch: hub({ tree }).fetchImpl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(
      `train-00000-of-00001.parquet from https://huggingface.co does not match what the Hub publishes for it (SHA-256 ${hex(TRAIN).slice(0, 12)}…, 2.9 KB; expected abababababab…, 2.9 KB): the download was damaged or the file changed. Try again.`,
    );
  });

  it('downloads without a listing, and says the files were not checked', async () => {
    const result = await downloadHubDataset(cifar10, { fetch: hub({ treeStatus: 404 }).fetchImpl });
    expect(result.files).toHaveLength(2);
    expect(result.check).toBe('not checked against a published SHA-256 (the file list https://huggingface.co/api/datasets/uoft-cs/cifar10/tree/main/plain_text answered 404)');
  });

  it('does not resume a cut download: one request, no partial, and Try again starts over', async () => {
    const { fetchImpl, requests } = hub({ cutTrainAfter: 1200 });
    const error = (await downloadHubDataset(cifar10, { fetch: fetchImpl }).catch((e: unknown) => e)) as DownloadError;
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.partial).toBeNull();
    expect(error.message).toBe(
      'The download of train-00000-of-00001.parquet stopped at 1.2 KB of 2.9 KB: the connection was cut and the server did not send the rest. Its server does not let a page continue a download, so Try again downloads it from the start. Download the file with your browser and drop it on the page.',
    );
    expect(requests.filter((r) => r.url.endsWith('train-00000-of-00001.parquet'))).toEqual([{ url: hubFileUrl(cifar10, 'train-00000-of-00001.parquet'), range: null }]);
  });

  it('cancels with the signal and says Try again starts over', async () => {
    const abort = new AbortController();
    const { fetchImpl } = hub();
    const error = (await downloadHubDataset(cifar10, {
      fetch: fetchImpl,
      signal: abort.signal,
      progressIntervalMs: 0,
      onProgress: (p) => p.loaded >= 1000 && abort.abort(),
    }).catch((e: unknown) => e)) as DownloadError;
    expect(error.kind).toBe('aborted');
    expect(error.partial).toBeNull();
    // (The stream may have read ahead of the abort: how much arrived is not fixed.)
    expect(error.message).toMatch(/^Download of train-00000-of-00001\.parquet cancelled after [\d.]+ K?B\. Its server does not let a page continue a download, so Try again downloads it from the start\.$/);
  });
});
