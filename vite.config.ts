// Vite: the React app, the training worker as an ES module worker, Vitest's unit tests, and the
// built app's Content-Security-Policy.
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { readFileSync } from 'node:fs';
import { DOC_STYLESHEET, markdownPage } from './src/docs/markdownPage.js';

/**
 * Unit tests come in two tiers, by file name: `*.slow.test.ts` (the 2,000-step soak, trainer runs
 * of every trick, of checkpoint/resume and of ablation plans, pipeline warm-up and the
 * filter-gradient sweep on Dawn, lost-device recovery, gzip bombs) and the rest, which
 * `npm run test:fast` runs as the edit loop. `npm test` and CI run both.
 */
const SLOW = ['src/**/*.slow.test.ts', 'test/**/*.slow.test.ts'];

/** The slow tier starts first, so its minutes-long files overlap the many short ones. */
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const slow = (f: TestSpecification) => (f.project.name === 'slow' ? 0 : 1);
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => slow(a.f) - slow(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

/**
 * The Content-Security-Policy of the built app (W3C CSP Level 3), in one place: everything not
 * named here is refused (default-src 'none'). Why each directive:
 * - script-src 'self' 'wasm-unsafe-eval': the bundles and their module preloads only; no inline
 *   script, no eval, no new Function. tfjs's webgpu/webgl/cpu backends compile shaders, not JS
 *   or wasm, and need neither. 'wasm-unsafe-eval' (compiling WebAssembly, never JS strings) is
 *   there for `long`, a tfjs-core dependency (hash_util), which compiles a 40-byte wasm
 *   multiply helper when imported, in the page and in the worker. Refused, it falls back to
 *   JS and works, but reports a violation on every load, which would drown real ones.
 * - worker-src 'self': the training worker (an ES module worker under /assets/).
 * - connect-src 'self' https: http://localhost:* http://127.0.0.1:* — the dataset index and
 *   archives under /datasets/, and the dataset downloader's other sources: the official CIFAR
 *   archives (www.cs.toronto.edu), any https mirror the user types (src/ui/DatasetDownloader.tsx,
 *   "Another URL…"), and a mirror on this machine (loopback http is as trustworthy as https;
 *   the E2E download tests serve one). Plain http to anywhere else is refused.
 * - style-src 'self': the bundled stylesheets. React's and Recharts' `style` props are set
 *   through the CSSOM, which CSP does not govern, so no 'unsafe-inline' is needed.
 * - img-src 'self': the favicon and the icons in public/; the app shows no other images (charts
 *   are SVG elements, downloads are blob: links, which are navigations, not loads).
 * - manifest-src 'self': the web app manifest (public/manifest.webmanifest), for a pinned tab or
 *   an installed app; without it default-src 'none' refuses the manifest.
 * - object-src 'none', base-uri 'none', form-action 'none': no plugins, no <base> hijacking of
 *   the bundles' relative URLs, no form posts anywhere.
 * - frame-ancestors 'none': no framing (clickjacking). Browsers ignore it in a <meta> policy,
 *   so it is sent only as an HTTP header.
 * The dev server (`npm start`) gets no policy: Vite injects an inline React-refresh preamble.
 */
const CSP: readonly (readonly [directive: string, sources: string, headerOnly?: boolean])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['worker-src', "'self'"],
  ['connect-src', "'self' https: http://localhost:* http://127.0.0.1:*"],
  ['style-src', "'self'"],
  ['img-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'", true],
];

/** The policy as a header value, or as a <meta> tag's content (without header-only directives). */
function contentSecurityPolicy(delivery: 'header' | 'meta'): string {
  return CSP.filter(([, , headerOnly]) => delivery === 'header' || !headerOnly)
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join('; ');
}

/** Puts the policy first in every built page's <head>, so a statically hosted dist/ keeps it. */
function cspMetaTag(): Plugin {
  return {
    name: 'trick-lab-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy('meta') }, injectTo: 'head-prepend' },
    ],
  };
}

/** Docs the app links to, as pages: docs/X.md is served and built as /docs/X.html. */
const DOC_PAGES = ['protocol'];

/**
 * The docs as HTML pages beside the app (the trick explanations link to docs/protocol.html by
 * anchor): rendered from the Markdown on each request by the dev server, emitted into dist/ by
 * the build, so both `npm start` and a static host serve them.
 */
function docPages(): Plugin {
  const page = (name: string): string => markdownPage(readFileSync(`docs/${name}.md`, 'utf8'), contentSecurityPolicy('meta'), 'docs.css');
  return {
    name: 'trick-lab-doc-pages',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split(/[?#]/)[0];
        const name = DOC_PAGES.find((n) => path === `/docs/${n}.html`);
        if (name === undefined && path !== '/docs/docs.css') return next();
        res.setHeader('Content-Type', name === undefined ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8');
        res.end(name === undefined ? DOC_STYLESHEET : page(name));
      });
    },
    generateBundle() {
      for (const name of DOC_PAGES) this.emitFile({ type: 'asset', fileName: `docs/${name}.html`, source: page(name) });
      this.emitFile({ type: 'asset', fileName: 'docs/docs.css', source: DOC_STYLESHEET });
    },
  };
}

export default defineConfig({
  plugins: [react(), cspMetaTag(), docPages()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    // Two pages: the app, and the training-kernel bench (bench.html, src/bench/).
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  server: { port: 5173 },
  // `vite preview` (and so the E2E tests) serves the policy as a header too, for every file:
  // the pages, and the worker script, whose own response carries the worker's policy.
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': contentSecurityPolicy('header') } },
  test: {
    projects: [
      { extends: true, test: { name: 'fast', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    sequence: { sequencer: SlowFirst },
  },
});
