// The docs pages: the converter on hand-written Markdown, and docs/protocol.md as built, with a
// section anchored for every registered trick (the app's links point there).
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import { TRICKS } from '../engine/tricks/registry';
import { TrickPanel } from '../ui/TrickPanel';
import { markdownPage, markdownToHtml } from './markdownPage';

describe('markdownToHtml', () => {
  it('renders headings, lists, inline marks and tables, and keeps the docs\' own anchors', () => {
    const md = ['<a id="warmup"></a>', '', '### Warm *up*', '', '- item `x<y`', '- **two**', '', '| a | b |', '|---|---|', '| 1 | 2 |'].join('\n');
    const html = markdownToHtml(md);
    expect(html).toContain('<a id="warmup"></a>');
    expect(html).toContain('<h3>Warm <em>up</em></h3>');
    expect(html).toContain('<li>item <code>x&lt;y</code></li>');
    expect(html).toContain('<li><strong>two</strong></li>');
    expect(html).toMatch(/<table>[\s\S]*<td>1<\/td>[\s\S]*<\/table>/);
  });
});

describe('docs/protocol.md', () => {
  const page = markdownPage(readFileSync('docs/protocol.md', 'utf8'), "default-src 'none'", 'docs.css');

  it('has a section anchored by id for every registered trick, and for the shortcut lever and ResNet-D', () => {
    for (const id of [...TRICKS.map((t) => t.id), 'shortcut', 'resnetD']) expect(page, id).toContain(`<a id="${id}"></a>`);
    expect(page).toContain('<title>Protocol: how Trick Lab applies each trick and measures what it is worth</title>');
    expect(page).toContain('<link rel="stylesheet" href="docs.css">');
  });

  it('is linked from every trick toggle of the single-run page', () => {
    const html = renderToStaticMarkup(createElement(TrickPanel, { config: makeConfig(), onChange: () => undefined, disabled: false }));
    for (const t of TRICKS) expect(html).toContain(`href="docs/protocol.html#${t.id}"`);
  });
});
