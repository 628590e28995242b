/**
 * The single-run form and the lab's baseline fields, rendered to HTML in Node: what they show for
 * a config holding values outside their selects' options (a link with depth 1202 or width ×8), and
 * that their ranges are the field table's.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../engine/config';
import { createPlan } from '../engine/lab/plan';
import { ConfigForm } from './ConfigForm';
import { BaselineFields } from './lab/BaselineFields';
import { rangeProblem } from './NumberField';
import { CONFIG_FIELDS } from '../engine/configFields';

const noop = () => undefined;

/** The selected option's text of the select with `testId`, and the attributes of the input with `testId`. */
function selected(html: string, testId: string): string | undefined {
  const select = new RegExp(`<select[^>]*data-testid="${testId}"[^>]*>(.*?)</select>`).exec(html)?.[1] ?? '';
  return /<option[^>]*selected=""[^>]*>([^<]*)<\/option>/.exec(select)?.[1];
}
function input(html: string, testId: string): string {
  return new RegExp(`<input[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0] ?? '';
}

describe('ConfigForm', () => {
  it('shows depth 1202 from a link as its own option, not as another depth', () => {
    const html = renderToStaticMarkup(createElement(ConfigForm, { config: makeConfig({ model: { depth: 1202 } }), onChange: noop, error: null, disabled: false }));
    expect(selected(html, 'config-depth')).toBe('ResNet-1202 (from the config)');
    expect(selected(renderToStaticMarkup(createElement(ConfigForm, { config: makeConfig(), onChange: noop, error: null, disabled: false })), 'config-depth')).toBe('ResNet-20');
  });

  it("bounds the learning rate by the validator's range, and shows a field's error beside it", () => {
    const html = renderToStaticMarkup(
      createElement(ConfigForm, { config: makeConfig(), onChange: noop, error: { field: 'optim.lr', message: 'must be positive (got 0)' }, disabled: false }),
    );
    expect(input(html, 'config-lr')).toContain('min="1e-8"');
    expect(input(html, 'config-lr')).toContain('max="1000000"');
    expect(html).toContain('must be positive (got 0)');
  });
});

describe('BaselineFields', () => {
  it('shows width ×8 and depth 110 from a link as their own options', () => {
    const plan = createPlan(makeConfig({ model: { depth: 110, widthMultiplier: 8 } }));
    const html = renderToStaticMarkup(createElement(BaselineFields, { plan, onChange: noop, disabled: false, error: null }));
    expect(selected(html, 'lab-width')).toBe('×8 (from the config)');
    expect(selected(html, 'lab-depth')).toBe('ResNet-110');
  });
});

describe('a number outside its field’s range is said beside it, before Start', () => {
  it('words the range as the validator does', () => {
    expect(rangeProblem('-2', 1, 20, 1)).toBe('must be between 1 and 20 (got -2)');
    expect(rangeProblem('1000000000', 1, 1000, 1)).toBe('must be between 1 and 1000 (got 1000000000)');
    expect(rangeProblem('0', 1, undefined, 1)).toBe('must be at least 1 (got 0)');
    expect(rangeProblem('9', undefined, 8)).toBe('must be at most 8 (got 9)');
    expect(rangeProblem('2.5', 1, 20, 1)).toBe('must be a whole number (got 2.5)');
    // In range, empty, half typed, or fractional where fractions are allowed: nothing to say.
    for (const [text, step] of [['20', 1], ['', 1], ['1e-', 'any'], ['0.5', 'any']] as const) expect(rangeProblem(text, 0, 20, step)).toBeNull();
  });

  it('marks the single-run form’s Epochs invalid with the range when a config holds -3', () => {
    const html = renderToStaticMarkup(createElement(ConfigForm, { config: makeConfig({ run: { epochs: -3 } }), onChange: noop, error: null, disabled: false }));
    const epochs = CONFIG_FIELDS['run.epochs'];
    expect(input(html, 'config-epochs')).toContain('aria-invalid="true"');
    expect(html).toContain(`must be between ${epochs.min} and ${epochs.max} (got -3)`);
    const fine = renderToStaticMarkup(createElement(ConfigForm, { config: makeConfig(), onChange: noop, error: null, disabled: false }));
    expect(input(fine, 'config-epochs')).not.toContain('aria-invalid');
  });
});
