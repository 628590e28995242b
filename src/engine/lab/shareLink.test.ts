import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { createPlan } from './plan';
import { configCodeFromHash, decodeConfig, decodeSetup, encodeConfig, encodeSetup, MAX_SHARE_CHARS, shareCodeFromHash, ShareLinkError, type SharedSetup } from './shareLink';

const config = makeConfig({ name: 'tiny <b>bold</b> & "quoted"', model: { depth: 8, widthMultiplier: 0.25 }, run: { seed: 42 } });
const setup: SharedSetup = {
  config,
  plan: createPlan(config, { mode: 'cumulative', tricks: ['warmup', 'cosine', 'mixup'], seeds: [3, 4, 5] }),
};
const codeOf = (json: string): string => {
  const bytes = deflateSync(strToU8(json));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `1.${btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
};
const why = (code: string): string => {
  try {
    decodeSetup(code);
  } catch (err) {
    expect(err).toBeInstanceOf(ShareLinkError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('share link', () => {
  it('round-trips config and plan exactly, through a URL fragment', () => {
    const code = encodeSetup(setup);
    expect(code).toMatch(/^1\.[A-Za-z0-9_-]+$/);
    const url = new URL(`http://localhost/#share=${code}`);
    expect(decodeSetup(shareCodeFromHash(url.hash) as string)).toEqual(setup);
    expect(decodeSetup(encodeSetup({ config, plan: null }))).toEqual({ config, plan: null });
    // A full plan stays a short link.
    expect(code.length).toBeLessThan(1500);
    expect(shareCodeFromHash('#other=1')).toBeNull();
  });

  it('refuses damaged, foreign, newer, oversized and invalid links with a message', () => {
    expect(why('garbage')).toMatch(/no version/);
    expect(why('1.@@@')).toMatch(/unexpected characters/);
    expect(why('1.AAAA')).toMatch(/does not decompress/);
    expect(why('7.abc')).toMatch(/newer version of Trick Lab \(link format 7/);
    expect(why(`1.${'A'.repeat(MAX_SHARE_CHARS)}`)).toMatch(/too long/);
    expect(why(codeOf('not json'))).toMatch(/not JSON/);
    // A zip bomb: 10 MB of spaces deflate to a few KB.
    expect(why(codeOf(' '.repeat(10_000_000)))).toMatch(/more than 256 KiB/);
    expect(why(codeOf(JSON.stringify({ config, plan: null, extra: 1 })))).toMatch(/exactly \{ config, plan \}/);
    expect(why(codeOf(JSON.stringify({ config: { ...config, optim: { ...config.optim, batchSize: 0 } }, plan: null })))).toMatch(/config\.optim\.batchSize/);
    expect(why(codeOf(JSON.stringify({ config, plan: { ...setup.plan, mode: 'grid' } })))).toMatch(/plan\.mode/);
    expect(why(codeOf(`{"config": ${JSON.stringify(config)}, "plan": null, "__proto__": {"x": 1}}`))).toMatch(/__proto__/);
  });
});

describe('single-run config link', () => {
  const refusal = (code: string): string => {
    try {
      decodeConfig(code);
    } catch (err) {
      expect(err).toBeInstanceOf(ShareLinkError);
      return (err as Error).message;
    }
    throw new Error('accepted');
  };

  it('round-trips the config exactly through a #config= fragment, beside other parameters', () => {
    const tricked = makeConfig({ ...config, tricks: { mixup: { enabled: true, params: { alpha: 0.4 } }, warmup: { enabled: true, params: {} } } });
    const code = encodeConfig(tricked);
    expect(code).toMatch(/^1\.[A-Za-z0-9_-]+$/);
    const url = new URL(`http://localhost/?backend=cpu#view=single&config=${code}`);
    expect(decodeConfig(configCodeFromHash(url.hash) as string)).toEqual(tricked);
    expect(code.length).toBeLessThan(1000);
    expect(configCodeFromHash('#share=1.abc')).toBeNull();
  });

  it('refuses what the lab link refuses, and a lab setup or an invalid config in its place', () => {
    expect(refusal('1.AAAA')).toMatch(/does not decompress/);
    expect(refusal(codeOf(' '.repeat(10_000_000)))).toMatch(/more than 256 KiB/);
    expect(refusal(codeOf(`{"__proto__": {"x": 1}}`))).toMatch(/__proto__/);
    expect(refusal(encodeSetup({ config, plan: null }))).toMatch(/^the link's settings are not valid \(config\./);
    expect(refusal(codeOf(JSON.stringify({ ...config, optim: { ...config.optim, lr: -1 } })))).toMatch(/config\.optim\.lr/);
    expect(refusal(codeOf('[1, 2]'))).toMatch(/must be an object/);
  });
});
