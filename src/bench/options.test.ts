/** Bench settings: defaults, lists, and errors that name the setting. */
import { describe, expect, it } from 'vitest';
import { parseBenchOptions } from './options';
import { DEFAULT_BENCH } from './runBench';

const from = (settings: Record<string, string>) => parseBenchOptions((k) => settings[k]);

describe('parseBenchOptions', () => {
  it('defaults to ResNet-20/56 at batch 128/512, all three kernel sets', () => {
    const o = from({});
    expect(o.depths).toEqual([20, 56]);
    expect(o.batches).toEqual([128, 512]);
    expect(o.modes).toEqual(['compiled', 'custom', 'stock']);
    expect(o.profile).toBe(DEFAULT_BENCH.profile);
    expect(o.fp16).toBe(false);
  });

  it('reads the shrunken CPU settings', () => {
    const o = from({ depth: '8', width: '0.25', batch: '16', resolution: '16', steps: '3', 'micro-batch': '0', profile: '0' });
    expect(o).toMatchObject({ depths: [8], widthMultiplier: 0.25, batches: [16], resolution: 16, steps: 3, microBatch: 0, profile: false });
  });

  it('turns FP16 on with fp16=1', () => {
    expect(from({ fp16: '1' }).fp16).toBe(true);
    expect(from({ fp16: '0' }).fp16).toBe(false);
  });

  it('takes the work plan (GPU splits on any adapter with plan=gpu)', () => {
    expect(from({}).plan).toBe('auto');
    expect(from({ plan: 'gpu' }).plan).toBe('gpu');
    expect(() => from({ plan: 'tpu' })).toThrow(/plan: expected auto, gpu or cpu, got 'tpu'/);
  });

  it('rejects bad values by name', () => {
    expect(() => from({ depth: '9' })).toThrow(/depth: .*6n\+2.*9/);
    expect(() => from({ batch: '16,x' })).toThrow(/batch/);
    expect(() => from({ modes: 'fast' })).toThrow(/modes/);
    expect(() => from({ steps: '0' })).toThrow(/steps/);
    expect(() => from({ fp16: 'yes' })).toThrow(/fp16/);
  });
});
