/** Test-only: Cache Storage's behaviour in memory (src/data/datasetStore.ts's ByteCache). */
import type { ByteCache } from '../../src/data/datasetStore';

/** Stores a copy of each body with its headers. */
export class MemoryCache implements ByteCache {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][] }>();
  async match(url: string) {
    const e = this.entries.get(url);
    return e ? new Response(e.body.slice(0), { headers: e.headers }) : undefined;
  }
  async put(url: string, response: Response) {
    this.entries.set(url, { body: await response.arrayBuffer(), headers: [...response.headers] });
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
  async keys() {
    return [...this.entries.keys()].map((url) => ({ url }));
  }
}
