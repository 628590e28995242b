/**
 * Setups in a link (as TensorFlow Playground keeps its whole state in the URL), as JSON,
 * deflated and base64url-encoded, in the page's fragment (which browsers never send to a
 * server): the lab's config and ablation plan (`#share=…`), and the single-run page's config
 * (`#config=…`). A link is untrusted input: on load it is bounded in size before and after
 * inflating, walked for hostile keys and deep nesting, and its config and plan go through
 * validateConfig and validatePlan. The result is data only; nothing from it is ever inserted
 * into the page as HTML.
 */
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import type { ExperimentConfig } from '../config';
import { ConfigError, validateConfig } from '../validateConfig';
import { checkStructure } from './importLab';
import type { Plan } from './plan';
import { clipReason, ShapeError } from './shape';
import { PlanError, validatePlan } from './validatePlan';

/** The fragment parameter holding the lab's state. */
export const SHARE_PARAM = 'share';
/** The fragment parameter holding the single-run page's config. */
export const CONFIG_PARAM = 'config';
/** Link format version, the first characters of the code ('1.'). */
export const SHARE_VERSION = 1;
/** Longest code accepted (characters); browsers keep URLs of a few hundred thousand. */
export const MAX_SHARE_CHARS = 16_000;
/** Largest JSON a code may inflate to, bytes. */
export const MAX_SHARE_JSON_BYTES = 256 * 1024;

export interface SharedSetup {
  config: ExperimentConfig;
  plan: Plan | null;
}

/** Thrown for a link that cannot be read; the message says why, for the user. */
export class ShareLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShareLinkError';
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareLinkError('the link is damaged (unexpected characters in it).');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new ShareLinkError('the link is damaged (it is not base64url).');
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A link code for any JSON value: `1.` + base64url(deflate(JSON)). */
function encodeCode(value: unknown): string {
  return `${SHARE_VERSION}.${toBase64Url(deflateSync(strToU8(JSON.stringify(value)), { level: 9 }))}`;
}

/**
 * The JSON value a code holds, after the size, version and structure guards, handed to `read`
 * (which validates it and throws ConfigError, PlanError or ShapeError).
 * @throws ShareLinkError saying what is wrong
 */
function decodeCode<T>(code: string, read: (data: object) => T): T {
  if (code.length > MAX_SHARE_CHARS) throw new ShareLinkError(`the link is too long (${code.length} characters; at most ${MAX_SHARE_CHARS}).`);
  const dot = code.indexOf('.');
  const version = Number(code.slice(0, dot));
  if (dot < 1 || !Number.isInteger(version)) throw new ShareLinkError('the link is damaged (no version).');
  if (version !== SHARE_VERSION) {
    throw new ShareLinkError(version > SHARE_VERSION ? `the link was made by a newer version of Trick Lab (link format ${version}; this app reads ${SHARE_VERSION}).` : `link format ${version} is not readable.`);
  }
  let json: string;
  try {
    // `out` truncates: a result that fills the buffer was larger than allowed.
    const out = inflateSync(fromBase64Url(code.slice(dot + 1)), { out: new Uint8Array(MAX_SHARE_JSON_BYTES + 1) });
    if (out.length > MAX_SHARE_JSON_BYTES) throw new ShareLinkError(`the link holds more than ${MAX_SHARE_JSON_BYTES / 1024} KiB of settings.`);
    json = strFromU8(out);
  } catch (err) {
    if (err instanceof ShareLinkError) throw err;
    throw new ShareLinkError('the link is damaged (it does not decompress).');
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ShareLinkError('the link is damaged (its settings are not JSON).');
  }
  try {
    checkStructure(data);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ShapeError('', 'must be an object');
    return read(data);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof PlanError || err instanceof ShapeError) {
      const where = err instanceof ConfigError ? 'config.' : err instanceof PlanError ? 'plan.' : '';
      throw new ShareLinkError(`the link's settings are not valid (${clipReason(`${where}${err.message}`)}).`);
    }
    throw err;
  }
}

/** The code for the lab's setup. */
export function encodeSetup(setup: SharedSetup): string {
  return encodeCode(setup);
}

/** Reads a lab setup back; throws ShareLinkError saying what is wrong. */
export function decodeSetup(code: string): SharedSetup {
  return decodeCode(code, (data) => {
    const keys = Object.keys(data);
    if (keys.length !== 2 || !keys.includes('config') || !keys.includes('plan')) throw new ShapeError('', 'must hold exactly { config, plan }');
    const { config, plan } = data as { config: unknown; plan: unknown };
    return { config: validateConfig(config), plan: plan === null ? null : validatePlan(plan) };
  });
}

/** The code for a single-run config (the config object itself). */
export function encodeConfig(config: ExperimentConfig): string {
  return encodeCode(config);
}

/** Reads a single-run config back (validated like an imported one); throws ShareLinkError. */
export function decodeConfig(code: string): ExperimentConfig {
  return decodeCode(code, (data) => validateConfig(data));
}

/** The value of fragment parameter `param` (e.g. `#share=1.abc`), or null when there is none. */
function codeFromHash(hash: string, param: string): string | null {
  return new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash).get(param);
}

/** The lab's code in a URL fragment like `#share=1.abc`, or null when there is none. */
export function shareCodeFromHash(hash: string): string | null {
  return codeFromHash(hash, SHARE_PARAM);
}

/** The single-run code in a URL fragment like `#config=1.abc`, or null when there is none. */
export function configCodeFromHash(hash: string): string | null {
  return codeFromHash(hash, CONFIG_PARAM);
}
