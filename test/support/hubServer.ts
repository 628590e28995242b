/**
 * Test-only: the routes with which testServer.ts answers like the Hugging Face Hub for one
 * dataset: the tree listing with each file's SHA-256 as its LFS oid, and each file's resolve URL
 * as a 302 to a storage path that serves the bytes, CORS headers on both (or on neither). The
 * redirect names a path on the same server, or, given `storageOrigin`, an absolute address on
 * that host (the Hub's own points at another host, its storage).
 */
import { createHash } from 'node:crypto';
import type { BrowserContext } from '@playwright/test';
import { HUB_ORIGIN, type HubDataset } from '../../src/data/hubSource';
import { startTestServer, type Route, type TestServer } from './testServer';

export interface HubFile {
  name: string;
  bytes: Uint8Array;
}

/** Routes for `dataset` at revision main; `publish` overrides what the listing says of a file. */
export function hubRoutes(
  dataset: HubDataset,
  files: HubFile[],
  options: { cors?: boolean; publish?: (file: HubFile) => HubFile; chunkBytes?: number; delayMs?: number; storageOrigin?: string } = {},
): Record<string, Route> {
  const cors = options.cors ?? true;
  const tree = files.map((f) => {
    const listed = options.publish?.(f) ?? f;
    const oid = createHash('sha256').update(listed.bytes).digest('hex');
    return { type: 'file', path: `${dataset.folder}/${f.name}`, size: listed.bytes.length, lfs: { oid, size: listed.bytes.length, pointerSize: 134 } };
  });
  const routes: Record<string, Route> = {
    [`/api/datasets/${dataset.repo}/tree/main/${dataset.folder}`]: { body: new TextEncoder().encode(JSON.stringify(tree)), contentType: 'application/json', cors },
  };
  for (const f of files) {
    const storage = `/storage/${dataset.repo}/${f.name}`;
    routes[`/datasets/${dataset.repo}/resolve/main/${dataset.folder}/${f.name}`] = { body: new Uint8Array(0), redirect: `${options.storageOrigin ?? ''}${storage}`, cors };
    routes[storage] = { body: f.bytes, contentType: 'application/octet-stream', cors, chunkBytes: options.chunkBytes, delayMs: options.delayMs };
  }
  return routes;
}

/**
 * A server holding `dataset`'s files whose 302s name its own address (as the Hub's name its
 * storage host); 16 KB every 40 ms unless told, slow enough for a page's progress line to show.
 */
export async function startHubServer(dataset: HubDataset, files: HubFile[], options: { chunkBytes?: number; delayMs?: number } = {}): Promise<TestServer> {
  const server = await startTestServer();
  const routes = hubRoutes(dataset, files, { chunkBytes: options.chunkBytes ?? 16 * 1024, delayMs: options.delayMs ?? 40, storageOrigin: server.origin });
  for (const [path, route] of Object.entries(routes)) server.route(path, route);
  return server;
}

/**
 * Answers every request a browser context makes to https://huggingface.co from `server` (the
 * 302 included, which the page then follows to the server itself), so a spec clicks the page's
 * own one-click Hub source.
 */
export async function routeHubTo(context: BrowserContext, server: TestServer): Promise<void> {
  await context.route(`${HUB_ORIGIN}/**`, async (route) => {
    const { pathname, search } = new URL(route.request().url());
    const response = await route.fetch({ url: `${server.origin}${pathname}${search}`, maxRedirects: 0 });
    await route.fulfill({ response });
  });
}
