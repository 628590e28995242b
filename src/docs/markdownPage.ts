/**
 * The project's docs as static HTML pages in the built app (docs/protocol.md becomes
 * /docs/protocol.html, which the trick explanations link to by anchor). Markdown is rendered by
 * `marked` (GitHub-flavoured: tables, lists, code). The docs are this repository's own files, so
 * their raw HTML (the `<a id>` anchors) passes through as written; no user text reaches this
 * converter. The page carries the app's CSP and no script. Runs at build time only (vite.config.ts).
 */
import { marked } from 'marked';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The body HTML of a Markdown document. */
export function markdownToHtml(markdown: string): string {
  return marked.parse(markdown, { async: false, gfm: true });
}

/** Plain, readable styles for the doc pages (served beside them: the CSP allows no inline style). */
export const DOC_STYLESHEET = [
  'body { font: 16px/1.55 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }',
  'code { font-size: 0.9em; background: #eef1f5; padding: 0 0.2em; border-radius: 3px; }',
  'h2 { margin-top: 2em; } h3 { margin-top: 1.6em; }',
  '@media (prefers-color-scheme: dark) { body { background: #161a22; color: #e3e7ee; } code { background: #262c38; } }',
  '',
].join('\n');

/** A whole page: title, the app's CSP, a stylesheet link, the converted body. */
export function markdownPage(markdown: string, csp: string, stylesheet: string): string {
  const title = /^# (.+)$/m.exec(markdown)?.[1] ?? 'Trick Lab';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<link rel="stylesheet" href="${escapeHtml(stylesheet)}">`,
    `<title>${escapeHtml(title.replace(/[`*]/g, ''))}</title>`,
    '</head>',
    '<body>',
    '<main>',
    markdownToHtml(markdown),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
