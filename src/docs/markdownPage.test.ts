// The docs pages: the converter on hand-written Markdown, and docs/protocol.md as built, with a
// section anchored for every registered trick (the app's links point there).
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import { TRICKS } from '../engine/tricks/registry';
import { TrickPanel } from '../ui/TrickPanel';
import { inline, markdownPage, markdownToHtml } from './markdownPage';

describe('markdownToHtml', () => {
  it('converts headings, paragraphs, lists, anchors and inline marks, escaping the rest', () => {
    const md = ['# Title', '', '<a id="warmup"></a>', '### Warm *up*', 'one', 'line <b>', '', '- item `x<y`', '  continued', '- **two**', 'after'].join('\n');
    expect(markdownToHtml(md)).toBe(
      [
        '<h1>Title</h1>',
        '<a id="warmup"></a>',
        '<h3>Warm <em>up</em></h3>',
        '<p>one line &lt;b&gt;</p>',
        '<ul><li>item <code>x&lt;y</code> continued</li><li><strong>two</strong></li></ul>',
        '<p>after</p>',
      ].join('\n'),
    );
  });

  it('keeps only safe links and anchors', () => {
    expect(inline('[a](https://arxiv.org/abs/1812.01187) [b](javascript:alert) [c](#x)')).toBe('<a href="https://arxiv.org/abs/1812.01187">a</a> b <a href="#x">c</a>');
    expect(markdownToHtml('<a id="x" onclick="y"></a>')).toBe('<p>&lt;a id=&quot;x&quot; onclick=&quot;y&quot;&gt;&lt;/a&gt;</p>');
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
