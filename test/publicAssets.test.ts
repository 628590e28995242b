// The static files in public/ that a fresh clone must have: the empty dataset index the app reads
// at start-up (and `npm run data` fills), the web app manifest, and the icons it and index.html
// name, each there and of the size it claims.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseDatasetIndex } from '../src/data/datasetIndex';

const PUBLIC = resolve(__dirname, '..', 'public');
const read = (name: string) => readFileSync(resolve(PUBLIC, name));

describe('public/', () => {
  it('holds an empty dataset index that the app accepts', () => {
    expect(parseDatasetIndex(JSON.parse(read('datasets/index.json').toString('utf8')))).toEqual({ version: 1, datasets: [] });
  });

  it('holds a manifest whose icons exist at the sizes it states', () => {
    const manifest = JSON.parse(read('manifest.webmanifest').toString('utf8')) as { name: string; start_url: string; icons: { src: string; sizes: string; type: string }[] };
    expect(manifest.name).toBe('Trick Lab');
    expect(manifest.start_url).toBe('./');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(['any', '192x192', '512x512']);
    for (const icon of manifest.icons) {
      expect(existsSync(resolve(PUBLIC, icon.src)), icon.src).toBe(true);
      if (icon.type !== 'image/png') continue;
      const png = decode(read(icon.src));
      expect(`${png.width}x${png.height}`).toBe(icon.sizes);
      expect(png.channels).toBe(4);
    }
    expect(read('favicon.svg').toString('utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 64 64">/);
  });

  it('is linked from the app page', () => {
    const html = readFileSync(resolve(PUBLIC, '..', 'index.html'), 'utf8');
    for (const href of ['/favicon.svg', '/icon-192.png', '/manifest.webmanifest']) {
      expect(html).toContain(`href="${href}"`);
      expect(existsSync(resolve(PUBLIC, href.slice(1))), href).toBe(true);
    }
  });
});
