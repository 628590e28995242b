/**
 * "Copy link": puts the page's address, whose fragment carries the run's whole config
 * (`#config=…`, src/engine/lab/shareLink.ts), on the clipboard. Where the browser refuses the
 * clipboard (no permission, an insecure origin), the link is shown in a field to copy by hand.
 */
import { useState } from 'react';

export interface CopyLinkButtonProps {
  /** The link to copy; null while the settings are not valid (nothing to share yet). */
  link: string | null;
}

type Status = { kind: 'idle' } | { kind: 'copied' } | { kind: 'manual'; link: string };

export function CopyLinkButton({ link }: CopyLinkButtonProps) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const copy = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link);
      setStatus({ kind: 'copied' });
    } catch {
      setStatus({ kind: 'manual', link });
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()} disabled={!link} title={link ? 'Copy a link to this setup' : 'Fix the settings first: the link carries a valid config only'} data-testid="copy-link">
        Copy link
      </button>
      <span className="field-hint" role="status" data-testid="copy-link-status">
        {status.kind === 'copied' ? 'Link copied.' : null}
      </span>
      {status.kind === 'manual' ? (
        <label className="field copy-link-manual">
          The browser did not allow copying; copy the link from here:
          <input readOnly value={status.link} onFocus={(e) => e.currentTarget.select()} data-testid="copy-link-field" />
        </label>
      ) : null}
    </>
  );
}
