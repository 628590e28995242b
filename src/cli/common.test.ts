// The Node runner's progress lines: a run with FP16 on says its precision once, before its first
// step line, and again only if it changes; a run without FP16 prints step lines alone.
import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../engine/events';
import { createEventPrinter, formatEvent } from './common';

const step = (n: number, precision?: string): StepEvent => ({
  kind: 'step', epoch: 1, step: n, totalSteps: 4, stepsPerEpoch: 4, loss: 2.3, lr: 0.1, imagesPerSecond: 10, elapsedSeconds: n,
  ...(precision ? { precision } : {}),
});

describe('createEventPrinter', () => {
  it('prints the precision note once, then again only when it changes', () => {
    const lines: string[] = [];
    const print = createEventPrinter((l) => lines.push(l));
    const note = 'FP16 emulated: values rounded to half precision, stored as fp32 (this GPU has no shader-f16)';
    const events = [step(1, note), step(2, note), step(3, 'other'), step(4, 'other')];
    for (const e of events) print(e);
    expect(lines).toEqual([`precision: ${note}`, formatEvent(events[0]), formatEvent(events[1]), 'precision: other', formatEvent(events[2]), formatEvent(events[3])]);
  });

  it('prints step lines alone without FP16', () => {
    const lines: string[] = [];
    const print = createEventPrinter((l) => lines.push(l));
    print(step(1));
    expect(lines).toEqual(['epoch 1 step 1/4  loss 2.3000  lr 0.100  10.0 img/s']);
  });
});
