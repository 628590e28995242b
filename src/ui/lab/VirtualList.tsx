/**
 * A list that renders only the items near its visible part once it is long (thousands of
 * imported runs would otherwise be thousands of DOM rows built on every change). Short lists
 * render whole, so small labs behave as plain lists. Items may differ in height: each rendered
 * item is measured (@tanstack/react-virtual's measureElement), spacers stand in for the rest.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

export interface VirtualListProps {
  count: number;
  /** One item: must be an <li> carrying the given `data-index` and `ref`. */
  renderItem: (index: number, measure: { 'data-index': number; ref?: (el: HTMLElement | null) => void }) => ReactNode;
  ordered?: boolean;
  className?: string;
  testId?: string;
  /** Lists up to this long render whole. */
  virtualFrom?: number;
  estimateHeight?: number;
}

export function VirtualList({ count, renderItem, ordered = false, className, testId, virtualFrom = 100, estimateHeight = 36 }: VirtualListProps) {
  const scroller = useRef<HTMLOListElement & HTMLUListElement>(null);
  const virtual = count > virtualFrom;
  // The virtualizer re-renders this component itself on scroll; nothing memoises its functions.
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => estimateHeight, overscan: 6, enabled: virtual });
  const List = ordered ? 'ol' : 'ul';
  if (!virtual) {
    return (
      <List ref={scroller} className={className} data-testid={testId}>
        {Array.from({ length: count }, (_, i) => renderItem(i, { 'data-index': i }))}
      </List>
    );
  }
  const items = v.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = items.length ? v.getTotalSize() - items[items.length - 1].end : 0;
  return (
    <List ref={scroller} className={className} data-testid={testId} data-virtual="true">
      {top > 0 ? <li aria-hidden="true" style={{ height: top, border: 0, padding: 0 }} /> : null}
      {items.map((item) => renderItem(item.index, { 'data-index': item.index, ref: v.measureElement }))}
      {bottom > 0 ? <li aria-hidden="true" style={{ height: bottom, border: 0, padding: 0 }} /> : null}
    </List>
  );
}
