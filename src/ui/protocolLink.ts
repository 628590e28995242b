/**
 * Where the protocol (docs/protocol.md: how each trick is applied, with the paper's formula and
 * the lab's deviations) is served in the app: docs/protocol.html beside the page, built from the
 * Markdown by vite.config.ts (relative, so it works wherever the app is hosted). Each trick's
 * section is anchored by its id.
 */

/** The URL of the protocol's section on `anchor` (a trick or lever id). */
export function protocolHref(anchor: string): string {
  return `docs/protocol.html#${encodeURIComponent(anchor)}`;
}
