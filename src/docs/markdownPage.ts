/**
 * The project's docs as static HTML pages in the built app (docs/protocol.md becomes
 * /docs/protocol.html, which the trick explanations link to by anchor). A small converter for
 * the Markdown those docs use — headings, paragraphs, bullet lists, `<a id>` anchors, inline code,
 * bold, italics and links — not a general Markdown engine. Text is escaped, so a doc cannot inject
 * markup beyond the anchors; the page carries the app's CSP and no script.
 */

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inline Markdown of one escaped run of text: `code`, **bold**, *italics*, [text](url). */
export function inline(text: string): string {
  // Code spans first, kept out of the other rules.
  return text
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/\*([^*\s][^*]*)\*/g, '<em>$1</em>')
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_, label: string, href: string) => (/^(https?:|#|\.{0,2}\/)/.test(href) ? `<a href="${href}">${label}</a>` : label));
    })
    .join('');
}

const ANCHOR = /^<a id="([A-Za-z][\w-]*)"><\/a>$/;

/** The body HTML of a Markdown document. */
export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: string[] | null = null;
  const flush = (): void => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
    if (list) out.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
    list = null;
  };
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd();
    const heading = /^(#{1,4}) (.+)$/.exec(line);
    const anchor = ANCHOR.exec(line.trim());
    if (!line.trim()) flush();
    else if (anchor) {
      flush();
      out.push(`<a id="${anchor[1]}"></a>`);
    } else if (heading) {
      flush();
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
    } else if (/^- /.test(line)) {
      if (paragraph.length) flush();
      list ??= [];
      list.push(line.slice(2));
    } else if (list && /^\s+\S/.test(line)) list[list.length - 1] += ` ${line.trim()}`;
    else {
      if (list) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return out.join('\n');
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
