/**
 * Hostile-input fuzzing of share links (decodeSetup), seeded: random codes, a valid code cut at
 * every length and mutated character by character, the settings inside mutated field by field,
 * links just over each limit, deep nesting, prototype-polluting keys and HTML in names. Each
 * must give a setup that passes validateConfig and validatePlan, or a ShareLinkError; never
 * another error or a slow decode. Then the claim of the issue "configs from a URL or a file are
 * validated like hand-made ones", checked differentially: for hundreds of mutated configs, the
 * link, an imported file and a plan's baseline accept exactly what validateConfig accepts, and
 * refuse the rest naming the same field.
 */
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { fuzzOne, fuzzSuite, type FuzzTally } from '../../../test/support/fuzz/harness';
import { codeOf, decodeChecked, importChecked } from '../../../test/support/fuzz/labTargets';
import { mutateText, pick, randomBytes, truncationPoints } from '../../../test/support/fuzz/mutate';
import { HOSTILE_KEYS, HTML_PAYLOAD, jsonPaths, mutateJson, type Json } from '../../../test/support/fuzz/mutateJson';
import { createRng } from '../rng';
import { ConfigError, validateConfig } from '../validateConfig';
import { ImportError } from './importLab';
import { createPlan } from './plan';
import { encodeSetup, MAX_SHARE_CHARS, MAX_SHARE_JSON_BYTES, ShareLinkError, type SharedSetup } from './shareLink';
import { fakeResult } from '../../../test/support/testRuns';

const config = makeConfig({
  name: 'tiny', model: { depth: 8, widthMultiplier: 0.25 }, run: { seed: 42 },
  tricks: { mixup: { enabled: true, params: { alpha: 0.2 } }, warmup: { enabled: true, params: { epochs: 2 } } },
});
const setup: SharedSetup = { config, plan: createPlan(config, { mode: 'custom', tricks: ['warmup'], variants: [{ label: 'a', tricks: ['mixup'] }], seeds: [3, 4] }) };
const CODE = encodeSetup(setup);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CODE_TOKENS = ['A', '_', '-', '.', '=', '+', '/', '%', '#', ' ', '1.', 'AAAA', '////', '\u00e9', '\ud800'];

const { track } = fuzzSuite(6500);

/** A refusal must say it is about the link (there is no file name to give). */
const fuzzLink = (tally: FuzzTally, label: string, code: string) =>
  fuzzOne(tally, label, () => decodeChecked(code), { ownError: ShareLinkError, mentions: 'link' });

function outcome(tally: FuzzTally, label: string, code: string): string | SharedSetup {
  const r = fuzzLink(tally, label, code);
  if (r === null) throw new Error(`crash: ${tally.crashes.at(-1)}`);
  return r.accepted ? r.value : r.message;
}

describe('share link fuzz', () => {
  it('random codes', () => {
    const tally = track('link random');
    const rng = createRng(501);
    for (let i = 0; i < 600; i++) {
      const n = rng.int(3000);
      const body = rng.next() < 0.7 ? Array.from({ length: n }, () => pick(rng, [...BASE64URL])).join('') : String.fromCharCode(...randomBytes(rng, n));
      fuzzLink(tally, `#${i}`, `${pick(rng, ['1.', '1.', '2.', '0.', '-1.', '1e0.', '', '.'])}${body}`);
    }
    expect(tally.crashes).toEqual([]);
    expect(tally.accepted).toBe(0);
  });

  it('a valid code cut at every length and mutated character by character', () => {
    const tally = track('link cut and mutated');
    for (const cut of truncationPoints(CODE.length, 3000)) {
      const r = fuzzLink(tally, `code[0:${cut}]`, CODE.slice(0, cut));
      // Only the last character or two may go (base64's spare bits, deflate's end padding): then the setup is the same.
      if (r?.accepted) expect([cut, r.value]).toEqual([cut, setup]);
      if (r?.accepted) expect(cut).toBeGreaterThanOrEqual(CODE.length - 2);
    }
    const rng = createRng(502);
    for (let i = 0; i < 1500; i++) fuzzLink(tally, `code mutation #${i}`, mutateText(rng, CODE, CODE_TOKENS));
    expect(tally.crashes).toEqual([]);
  });

  it('the settings inside mutated field by field, and as text', () => {
    const tally = track('link settings mutated');
    const rng = createRng(503);
    const doc = JSON.parse(JSON.stringify(setup)) as Json;
    const json = JSON.stringify(setup);
    for (let i = 0; i < 1500; i++) {
      const { value, what } = mutateJson(rng, doc);
      fuzzLink(tally, `#${i}: ${what}`, codeOf(JSON.stringify(value)));
    }
    for (let i = 0; i < 500; i++) fuzzLink(tally, `text mutation #${i}`, codeOf(mutateText(rng, json, ['{', '}', '"', '1e999', '"__proto__":{},', ',', 'null'])));
    expect(tally.crashes).toEqual([]);
    expect(tally.accepted).toBeGreaterThan(50);
    expect(tally.messageKinds.size).toBeGreaterThan(30);
  });

  it('just over each limit: the code length and the JSON inside', () => {
    const tally = track('link limits');
    const json = JSON.stringify(setup);
    const padded = json.slice(0, -1) + ' '.repeat(MAX_SHARE_JSON_BYTES - json.length) + '}';
    expect(outcome(tally, 'JSON of exactly 256 KiB', codeOf(padded))).toEqual(setup);
    expect(outcome(tally, 'JSON of 256 KiB + 1', codeOf(padded + ' '))).toBe('the link holds more than 256 KiB of settings.');
    const long = `1.${'A'.repeat(MAX_SHARE_CHARS - 2)}`;
    expect(outcome(tally, 'code of exactly MAX_SHARE_CHARS', long)).toBe('the link is damaged (it does not decompress).');
    expect(outcome(tally, 'code of MAX_SHARE_CHARS + 1', `${long}A`)).toBe(`the link is too long (${MAX_SHARE_CHARS + 1} characters; at most ${MAX_SHARE_CHARS}).`);
    // A 10 MB value in a field is refused with a message of ordinary length (cut by clipReason).
    const family = JSON.stringify({ ...setup, config: { ...config, model: { ...config.model, family: 'x'.repeat(200_000) } } });
    const message = outcome(tally, '200 kB model.family', codeOf(family)) as string;
    expect(message).toMatch(/^the link's settings are not valid \(config\.model\.family: must be one of cifar-resnet, resnet18, resnet50 \(got "xxx/);
    expect(message.length).toBeLessThan(600);
    expect(tally.crashes).toEqual([]);
  });

  it('deep nesting, prototype-polluting keys everywhere, and HTML in names', () => {
    const tally = track('link crafted');
    // 100,000 levels is the deepest that fits in 256 KiB of JSON.
    for (const n of [10_000, 100_000]) {
      expect(outcome(tally, `arrays ${n}`, codeOf('['.repeat(n) + ']'.repeat(n)))).toMatch(/is nested more than 32 levels deep/);
      const name = n === 10_000 ? `${'{"a":'.repeat(n)}0${'}'.repeat(n)}` : '['.repeat(n) + ']'.repeat(n);
      expect(outcome(tally, `config.name ${n}`, codeOf(JSON.stringify(setup).replace('"name":"tiny"', `"name":${name}`)))).toMatch(/is nested more than 32 levels deep/);
    }
    const doc = JSON.parse(JSON.stringify(setup)) as Json;
    const objects = jsonPaths(doc).filter((p) => {
      const v = p.reduce<Json>((o, k) => (o as Record<string, Json>)[k], doc);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    });
    for (const path of objects) {
      for (const key of HOSTILE_KEYS) {
        const copy = JSON.parse(JSON.stringify(setup));
        Object.defineProperty(path.reduce((o, k) => o[k], copy), key, { value: { polluted: true }, enumerable: true });
        const where = [...path, key].join('.');
        expect(outcome(tally, `${key} at ${where}`, codeOf(JSON.stringify(copy)))).toBe(`the link's settings are not valid (${where}: is not an allowed key).`);
      }
    }
    const html = { config: { ...config, name: HTML_PAYLOAD }, plan: { ...setup.plan!, name: HTML_PAYLOAD, variants: [{ label: HTML_PAYLOAD, tricks: ['mixup'] }] } };
    const decoded = outcome(tally, 'html', encodeSetup(html)) as SharedSetup;
    expect([decoded.config.name, decoded.plan?.name, decoded.plan?.variants[0].label]).toEqual([HTML_PAYLOAD, HTML_PAYLOAD, HTML_PAYLOAD]);
    expect(tally.crashes).toEqual([]);
  });
});

describe('configs from a link or a file are validated like hand-made ones', () => {
  /** 'ok', or the dotted field validateConfig names. */
  function handMade(value: Json): string {
    try {
      validateConfig(value);
      return 'ok';
    } catch (err) {
      if (err instanceof ConfigError) return err.field;
      throw err;
    }
  }

  it('link, file and plan baseline agree with validateConfig on 600 mutated configs', () => {
    const tally = track('config differential');
    const rng = createRng(504);
    const result = fakeResult(config, 0.5);
    const base = JSON.parse(JSON.stringify(config)) as Json;
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const { value: mutated, what } = mutateJson(rng, base);
      const text = JSON.stringify(mutated);
      const value = JSON.parse(text) as Json; // what a link or file carries
      const structural = /__proto__|"constructor"|"prototype"/.test(text) || /(\[|\{"a":){20}/.test(text);
      const expected = handMade(value);
      if (expected !== 'ok') refused++;
      const viaLink = fuzzLink(tally, `link #${i}: ${what}`, codeOf(JSON.stringify({ config: value, plan: null })));
      const viaFile = fuzzOne(tally, `file #${i}: ${what}`, () => importChecked(JSON.stringify({ ...result, config: value }), 'r.json'), { ownError: ImportError, mentions: 'r.json' });
      const viaPlan = fuzzLink(tally, `plan #${i}: ${what}`, codeOf(JSON.stringify({ config, plan: { ...setup.plan, baseline: value } })));
      for (const [route, r, prefix] of [['link', viaLink, 'config.'], ['file', viaFile, 'field config.'], ['plan', viaPlan, 'plan.baseline.']] as const) {
        expect(r, `${route} #${i}: ${what}`).not.toBeNull();
        if (expected === 'ok') expect(r, `${route} #${i}: ${what}`).toMatchObject({ accepted: true });
        else {
          expect(r?.accepted, `${route} #${i}: ${what}`).toBe(false);
          // A hostile key or deep nesting is caught by the structure check first, under its own path.
          if (!structural) expect(r?.accepted === false && r.message, `${route} #${i}: ${what}`).toContain(`${prefix}${expected}: `);
        }
      }
      if (expected === 'ok' && viaLink?.accepted) expect(viaLink.value.config).toEqual(value);
    }
    expect(refused).toBeGreaterThan(300);
    expect(600 - refused).toBeGreaterThan(30);
    expect(tally.crashes).toEqual([]);
  });
});

