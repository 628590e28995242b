/**
 * The single-run setup as a link (the lab's share links do the same for a plan): the page's
 * fragment carries the config (`#config=…`, src/engine/lab/shareLink.ts), kept up to date while
 * the single-run view is shown, so the address bar and "Copy link" always name the setup on
 * screen; a page opened with such a link starts from that config. The link is untrusted input
 * and goes through the same guards as the lab's (size, structure, validateConfig).
 */
import { useEffect, useMemo } from 'react';
import type { ExperimentConfig } from '../engine/config';
import { CONFIG_PARAM, configCodeFromHash, decodeConfig, encodeConfig } from '../engine/lab/shareLink';
import { validateConfig } from '../engine/validateConfig';
import { errorMessage } from '../engine/errorMessage';

/** What a page's fragment says about the single-run config. */
export interface ConfigFromLink {
  /** The config the link carries; null without a link or when it cannot be read. */
  config: ExperimentConfig | null;
  /** Why the link could not be read, for the user; null when there was none or it was read. */
  problem: string | null;
}

export function readConfigLink(hash: string): ConfigFromLink {
  const code = configCodeFromHash(hash);
  if (code === null) return { config: null, problem: null };
  try {
    return { config: decodeConfig(code), problem: null };
  } catch (err) {
    return { config: null, problem: errorMessage(err) };
  }
}

/** The page's address with `config` in its fragment, or null while the config is not valid. */
export function configLinkFor(config: ExperimentConfig): string | null {
  try {
    return `${location.origin}${location.pathname}${location.search}#${CONFIG_PARAM}=${encodeConfig(validateConfig(config))}`;
  } catch {
    return null;
  }
}

/** The link for `config`; while `active`, the address bar follows it (replaceState, no history entries). */
export function useConfigLink(config: ExperimentConfig, active: boolean): string | null {
  const link = useMemo(() => configLinkFor(config), [config]);
  useEffect(() => {
    if (active && link && location.href !== link) history.replaceState(history.state, '', link);
  }, [active, link]);
  return link;
}
