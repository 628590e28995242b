/**
 * The capture behind the compiled step (capture.ts), on Dawn in Node: a replay recomputes from
 * what its input buffers hold now; an intermediate freed during the capture is kept for the
 * replays (and no other tensor gets its buffer); a function that reads data back yields no
 * graph but its result; one that throws leaves the backend as it was, with the buffers given back.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { captureCommands } from './capture';
import type { WebGPUBackend } from './program';
import { useWebGPU } from '../../../test/support/testEnv';

useWebGPU();

const N = 4096; // over tfjs's CPU hand-off size: the ops run on the GPU
const backend = () => tf.backend() as unknown as WebGPUBackend;
const usedBuffers = () => (tf.backend() as unknown as { bufferManager: { getNumUsedBuffers(): number } }).bufferManager.getNumUsedBuffers();
/** 0, 1, …, N−1 on the GPU. */
const ramp = () => tf.tidy(() => tf.add(tf.range(0, N), 0));

/** Drops the CPU copy an earlier read cached: a replay writes the buffer behind tfjs's back. */
function forgetCachedValues(t: tf.Tensor): void {
  (backend().tensorMap.get(t.dataId) as { values: unknown }).values = null;
}

/** Writes `values` into t's GPU buffer in place (as a batch copied into a capture's input). */
function overwrite(t: tf.Tensor, values: Float32Array<ArrayBuffer>): void {
  const b = backend();
  b.uploadToGPU(t.dataId);
  const buffer = b.tensorMap.get(t.dataId).resource as GPUBuffer;
  b.queue.writeBuffer(buffer, 0, values);
}

describe('captureCommands', () => {
  it('replays the captured work on the inputs as they are now, intermediates kept', async () => {
    const x = ramp();
    // (x + 1) · 2, then its sum: the intermediates are disposed inside the capture.
    const { result, graph, failure } = captureCommands(backend(), () => tf.tidy(() => tf.sum(tf.mul(tf.add(x, 1), 2))));
    expect(failure).toBeNull();
    if (!graph) throw new Error('no graph');
    expect(graph.stats.dispatches).toBe(3);
    expect(graph.stats.ownedBytes).toBeGreaterThanOrEqual(N * 4);
    const sumOf = (n: number, v: (i: number) => number) => Array.from({ length: n }, (_, i) => v(i)).reduce((a, c) => a + c, 0);
    expect((await result.data())[0]).toBeCloseTo(sumOf(N, (i) => 2 * (i + 1)), -2);
    // Other work in between must not get the capture's intermediate buffers.
    const other = tf.tidy(() => tf.mul(ramp(), 3));
    overwrite(x, new Float32Array(N).fill(0.5));
    graph.replay({});
    forgetCachedValues(result);
    expect((await result.data())[0]).toBeCloseTo(N * 3, 3);
    expect((await other.data())[5]).toBe(15);
    graph.dispose();
    tf.dispose([x, result, other]);
  });

  it('makes no graph when the function reads data back, and still returns its result', async () => {
    const x = ramp();
    const { result, graph, failure } = captureCommands(backend(), () => {
      const y = tf.mul(x, 2);
      void y.data(); // a read-back: a replay could not repeat it
      return y;
    });
    expect(graph).toBeNull();
    expect(failure).toMatch(/reads data back/);
    expect((await result.data())[3]).toBe(6);
    tf.dispose([x, result]);
  });

  it('restores the backend and gives the buffers back when the function throws', async () => {
    const b = backend();
    const used = usedBuffers();
    const x = ramp();
    expect(() =>
      captureCommands(b, () =>
        tf.tidy(() => {
          tf.mul(tf.add(x, 1), 2);
          throw new Error('boom');
        }),
      ),
    ).toThrow('boom');
    expect(Object.prototype.hasOwnProperty.call(b, 'recordAndSubmit')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(b, 'uploadToGPU')).toBe(false);
    // Ops still run and are not recorded anywhere.
    const y = tf.mul(x, 3);
    expect((await y.data())[2]).toBe(6);
    tf.dispose([x, y]);
    expect(usedBuffers()).toBe(used);
  });
});
