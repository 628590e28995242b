// LeversPanel rendered to static HTML (react-dom/server, no browser): a control per lever with
// its accessible name, disabled with the reason shown when the lever does not apply.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeConfig, type ExperimentConfig } from '../engine/config';
import { LeversPanel } from './LeversPanel';

const render = (config: ExperimentConfig, omit: string[] = []): string =>
  renderToStaticMarkup(createElement(LeversPanel, { config, onChange: () => undefined, disabled: false, omit }));

/** The opening tag of the element with data-testid `id`. */
const tag = (html: string, id: string): string => html.match(new RegExp(`<[^>]*data-testid="${id}"[^>]*>`))?.[0] ?? '';

describe('LeversPanel', () => {
  it('renders every lever, named, with ResNet-B and ResNet-C disabled for the CIFAR ResNet and the reason shown', () => {
    const html = render(makeConfig());
    for (const name of ['Network', 'Depth', 'Width multiplier', 'Input resolution', 'Activation', 'Squeeze-and-excitation', 'Skip connections', 'Shortcuts', 'ResNet-B', 'ResNet-C', 'ResNet-D']) {
      expect(html).toContain(name);
    }
    expect(tag(html, 'lever-resnetB')).toContain('disabled');
    expect(tag(html, 'lever-resnetC')).toContain('disabled');
    // ResNet-D modifies option B's projection: off on the default option A, on with option B.
    expect(tag(html, 'lever-resnetD')).toContain('disabled');
    expect(html).toContain('not applicable: ResNet-D modifies a projection shortcut');
    expect(tag(render(makeConfig({ model: { shortcut: 'projection' } })), 'lever-resnetD')).not.toContain('disabled');
    expect(html).toContain('not applicable: ResNet-B needs bottleneck blocks');
    expect(tag(html, 'lever-resnetB')).toMatch(/aria-describedby="[^"]*-reason/);
  });

  it('enables ResNet-B and -C for ResNet-50 and disables depth', () => {
    const html = render(makeConfig({ model: { family: 'resnet50' } }));
    expect(tag(html, 'lever-resnetB')).not.toContain('disabled');
    expect(tag(html, 'lever-resnetC')).not.toContain('disabled');
    expect(tag(html, 'lever-depth')).toContain('disabled');
  });

  it('omits the levers shown elsewhere and lists a current value outside the options (depth 8)', () => {
    expect(render(makeConfig(), ['depth'])).not.toContain('lever-depth');
    expect(render(makeConfig({ model: { depth: 8 } }))).toContain('<option value="8" selected="">8</option>');
  });
});
