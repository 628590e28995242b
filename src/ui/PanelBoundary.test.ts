// The panel error boundary without a DOM: a render fault becomes the panel's message (naming the
// panel and the error), the children come back when the reset key changes, and "Draw again"
// clears the fault.
import { isValidElement, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { PanelBoundary, type PanelBoundaryProps } from './PanelBoundary';

const textOf = (node: unknown): string => {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (isValidElement(node)) return textOf((node.props as { children?: unknown }).children);
  return '';
};

describe('PanelBoundary', () => {
  it('shows the fault in the panel, and the children again on a new reset key or Draw again', () => {
    const props: PanelBoundaryProps = { name: 'The loss chart', resetKey: 'run-1', children: 'the chart' };
    const boundary = new PanelBoundary(props);
    expect(boundary.render()).toBe('the chart');
    const fault = PanelBoundary.getDerivedStateFromError(new RangeError('Invalid array length'));
    boundary.state = { ...boundary.state, ...fault };
    const shown = boundary.render() as ReactElement<{ role: string; children: unknown[] }>;
    expect(shown.props.role).toBe('alert');
    expect(textOf(shown)).toBe('The loss chart could not be drawn (Invalid array length). The rest of the page and the run go on.Draw again');
    // Same key: the fault stays; a new key (the next run): cleared.
    expect(PanelBoundary.getDerivedStateFromProps(props, boundary.state)).toBeNull();
    expect(PanelBoundary.getDerivedStateFromProps({ ...props, resetKey: 'run-2' }, boundary.state)).toEqual({ error: null, resetKey: 'run-2' });
    expect(PanelBoundary.getDerivedStateFromError('not an Error')).toEqual({ error: new Error('not an Error') });
  });
});
