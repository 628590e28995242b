/**
 * Test-only: a small HTTP server on 127.0.0.1 (node:http, a free port) that serves files the way
 * real servers do and fail: with ETag, Content-Length and byte ranges (RFC 9110 §14), or cut off
 * mid-body, slow, missing (404), as an HTML page, or as a 302 redirect to another path. It
 * records every request so tests can assert what was asked (a cache hit makes none; a resume
 * sends Range). Requests are bounded:
 * the server answers only the routes it was given, and closes every socket on close().
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How one path answers. */
export interface Route {
  body: Uint8Array;
  /** Honour Range requests (206); else always send the whole body. */
  ranges?: boolean;
  /** Send only this many bytes of a full (200) response, then drop the connection. */
  cutAfter?: number;
  /** Cut only the first N full responses (then serve normally). Default: every one. */
  cutTimes?: number;
  /** Bytes per write, with `delayMs` between writes (a slow server). */
  chunkBytes?: number;
  delayMs?: number;
  contentType?: string;
  /** Send Access-Control-Allow-Origin: * (default true). */
  cors?: boolean;
  status?: number;
  /** Answer 302 Found with this Location instead of the body (as the Hugging Face Hub's resolve URLs do). */
  redirect?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  range: string | null;
  ifRange: string | null;
}

export interface TestServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  requests: RecordedRequest[];
  /** Adds or replaces a route. */
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server with `routes`; call close() when done. */
export async function startTestServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const fullResponses = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range ?? null;
    const ifRange = (req.headers['if-range'] as string | undefined) ?? null;
    requests.push({ method: req.method ?? 'GET', path, range, ifRange });
    const route = table.get(path);
    if (!route || route.status === 404) {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*' }).end('not found');
      return;
    }
    if (route.redirect !== undefined) {
      const cors: Record<string, string> = route.cors === false ? {} : { 'Access-Control-Allow-Origin': '*' };
      res.writeHead(302, { Location: route.redirect, 'Content-Length': '0', ...cors }).end();
      return;
    }
    const etag = `"${createHash('md5').update(route.body).digest('hex')}"`;
    const headers: Record<string, string> = { 'Content-Type': route.contentType ?? 'application/gzip', ETag: etag };
    if (route.cors !== false) headers['Access-Control-Allow-Origin'] = '*';
    if (route.ranges) headers['Accept-Ranges'] = 'bytes';
    let start = 0;
    let status = route.status ?? 200;
    const match = range ? /^bytes=(\d+)-$/.exec(range) : null;
    if (route.ranges && match && (ifRange === null || ifRange === etag)) {
      start = Number(match[1]);
      if (start >= route.body.length) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${route.body.length}` }).end();
        return;
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${route.body.length - 1}/${route.body.length}`;
    }
    const body = route.body.subarray(start);
    headers['Content-Length'] = String(body.length);
    res.writeHead(status, headers);
    let limit = body.length;
    if (status === 200 && route.cutAfter !== undefined) {
      const n = (fullResponses.get(path) ?? 0) + 1;
      fullResponses.set(path, n);
      if (route.cutTimes === undefined || n <= route.cutTimes) limit = Math.min(limit, route.cutAfter);
    }
    const chunk = route.chunkBytes ?? 64 * 1024;
    for (let at = 0; at < limit; at += chunk) {
      if (res.destroyed) return;
      // Wait for each write to be flushed, so a cut below drops only what was never sent.
      await new Promise<void>((done) => res.write(body.subarray(at, Math.min(at + chunk, limit)), () => done()));
      if (route.delayMs) await wait(route.delayMs);
    }
    if (limit < body.length) res.destroy(); // the connection drops mid-body
    else res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.headersTimeout = 5000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    route: (path, route) => void table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
