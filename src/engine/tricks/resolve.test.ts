// The one resolver of enabled tricks: registry order, inapplicable ones left out, parameter
// values over the defaults, the schedule's wrapping order, warmup's length, the teacher message;
// and the streams: one per registered trick, the same whatever is on, saved and restored.
import { describe, expect, it } from 'vitest';
import { createRng } from '../rng';
import { NO_TEACHER_MESSAGE } from './catalog';
import { createTrickStreams, resolveTricks } from './resolve';
import { TRICKS } from './registry';
import { tinyConfig } from '../../../test/support/testHarness';

const on = (params: Record<string, number> = {}) => ({ enabled: true, params });

describe('resolveTricks', () => {
  it('keeps enabled, applicable tricks in registry order with their parameters', () => {
    // Warmup of 20 epochs does not fit a 10-epoch run: not applicable, left out.
    const config = tinyConfig({ cosine: on(), mixup: on({ alpha: 0.4 }), warmup: on({ epochs: 20 }), labelSmoothing: { enabled: false, params: {} } });
    const r = resolveTricks(config, TRICKS);
    expect(r.active.map((a) => a.trick.id)).toEqual(['cosine', 'mixup']);
    expect(r.active[1].params).toEqual({ alpha: 0.4 });
    expect(r.warmupSteps(10)).toBe(0);
    expect(r.missingTeacherMessage).toBeNull();
  });

  it('wraps the schedule innermost first, and says how long warmup is', () => {
    const r = resolveTricks(tinyConfig({ cosine: on(), warmup: on({ epochs: 2.5 }), linearScaling: on() }), TRICKS);
    expect(r.scheduleWrappers.map((a) => a.trick.id)).toEqual(['cosine', 'warmup']);
    expect(r.having('baseLr').map((a) => a.trick.id)).toEqual(['linearScaling']);
    expect(r.warmupSteps(10)).toBe(25);
  });

  it('gives the message of a trick that needs a teacher', () => {
    expect(resolveTricks(tinyConfig({ distillation: on() }), TRICKS).missingTeacherMessage).toBe(NO_TEACHER_MESSAGE);
  });
});

describe('createTrickStreams', () => {
  it('gives each trick its own stream, repeatable for a seed, and restores saved states', () => {
    const a = createTrickStreams(createRng(3));
    const b = createTrickStreams(createRng(3));
    expect(a.get('cutmix').next()).toBe(b.get('cutmix').next());
    expect(a.get('mixup').next()).not.toBe(a.get('cutmix').next());
    const saved = JSON.parse(JSON.stringify(a.save()));
    const next = [a.get('mixup').next(), a.get('cutmix').next()];
    const c = createTrickStreams(createRng(99));
    c.restore(saved);
    expect([c.get('mixup').next(), c.get('cutmix').next()]).toEqual(next);
    expect(() => c.restore({})).toThrow(/no random state for 'linearScaling'/);
    expect(() => c.get('nope')).toThrow(/no random stream for 'nope'/);
  });
});
