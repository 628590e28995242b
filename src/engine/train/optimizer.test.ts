// SGD against PyTorch's documented torch.optim.SGD update (dampening 0), written out by hand:
//   g ← ∇f(θ) + λθ;  b ← g at the first step, else μb + g;  d ← g + μb (Nesterov) or b;  θ ← θ − γd.
// Loss f(θ) = ½ Σ c_i θ_i², so ∇f = c ⊙ θ and the gradient changes with the weights. Five steps,
// γ = 0.1, μ = 0.9, λ = 0.01, θ₀ = [1, −2, 0.5], c = [1, 0.5, 4]. First Nesterov step by hand:
// g = [1, −1, 2] + 0.01·θ₀ = [1.01, −1.02, 2.005]; d = 1.9·g; θ₁ = θ₀ − 0.1·d = [0.8081, −1.8062, 0.11905].
// The later rows were computed from the same recurrence in float64 (Python) and are fixed here.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import type { ParamInfo } from '../tricks/types';
import { createSgd } from './optimizer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const THETA0 = [1, -2, 0.5];
const C = [1, 0.5, 4];

const EXPECTED = {
  nesterovDecay: [
    [0.8081, -1.8062, 0.11905],
    [0.57121561, -1.54855922, -0.134059195],
    [0.321859673, -1.24953171, -0.216752625],
    [0.087597958, -0.930406196, -0.17441485],
    [-0.110790589, -0.610390378, -0.081650201],
  ],
  nesterovNoDecay: [
    [0.81, -1.81, 0.12],
    [0.5751, -1.55705, -0.1332],
    [0.327321, -1.26292525, -0.216648],
    [0.09388791, -0.948302326, -0.17505072],
    [-0.104581684, -0.63188461, -0.082567901],
  ],
  momentumDecay: [
    [0.899, -1.898, 0.2995],
    [0.717301, -1.709402, -0.0010495],
    [0.481324499, -1.452484298, -0.2711232],
    [0.220331874, -1.147181667, -0.405469128],
    [-0.036815008, -0.813903034, -0.363787342],
  ],
};

/** Five steps on a decayed conv weight and an undecayed bias (no bias decay's grouping). */
function fiveSteps(nesterov: boolean): { weight: number[][]; bias: number[][] } {
  const config = makeConfig({ optim: { lr: 0.1, momentum: 0.9, nesterov, weightDecay: 0.01 } }).optim;
  const params: ParamInfo[] = [
    { name: 'w', kind: 'conv', variable: tf.tidy(() => tf.variable(tf.tensor1d(THETA0))) },
    { name: 'b', kind: 'bias', variable: tf.tidy(() => tf.variable(tf.tensor1d(THETA0))) },
  ];
  const sgd = createSgd(config, params, (p) => p.kind !== 'bias', 'stock');
  const c = tf.tensor1d(C);
  const weight: number[][] = [];
  const bias: number[][] = [];
  for (let step = 0; step < 5; step++) {
    const grads = params.map((p) => tf.mul(c, p.variable));
    sgd.apply(grads, config.lr);
    tf.dispose(grads);
    weight.push(Array.from(params[0].variable.dataSync()));
    bias.push(Array.from(params[1].variable.dataSync()));
  }
  sgd.dispose();
  tf.dispose([c, ...params.map((p) => p.variable)]);
  return { weight, bias };
}

const expectRows = (got: number[][], want: number[][]) =>
  want.forEach((row, i) => row.forEach((v, j) => expect(got[i][j], `step ${i + 1}, element ${j}`).toBeCloseTo(v, 6)));

describe('SGD (PyTorch semantics)', () => {
  it('Nesterov momentum with L2 weight decay: five steps as written out', () => {
    const { weight, bias } = fiveSteps(true);
    expectRows(weight, EXPECTED.nesterovDecay);
    // The undecayed group follows the same recurrence with λ = 0.
    expectRows(bias, EXPECTED.nesterovNoDecay);
  });

  it('plain (heavy-ball) momentum with weight decay: five steps as written out', () => {
    expectRows(fiveSteps(false).weight, EXPECTED.momentumDecay);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    fiveSteps(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
