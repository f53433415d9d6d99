// The vanishing/exploding gradient lab: ‖∂L_T/∂h_t‖ and ‖∂L_T/∂c_t‖ against central finite differences (float64,
// restarting the recurrence from a perturbed state), and the physics the panel is meant to show — as orderings and
// ratios, never as hard-coded numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LstmCell } from '../../src/engine/cells/lstmCell';
import { EngineInputError } from '../../src/engine/errors';
import { decayPerStep, GradientLab, LAB_SEQUENCE_LENGTH, labSequence } from '../../src/engine/gradientLab';
import { spectralRadius } from '../../src/engine/spectral';

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(6);

function lab(hiddenSize: number, forgetBias = 0, seed = 7, text = TEXT): GradientLab {
  const data = labSequence(text);
  return new GradientLab(data.ids, data.chars.length, { hiddenSize, seed, forgetBias });
}

/** Central differences of L_T along each unit vector of the state after step t (h, or c with h = o ⊙ tanh(c) following). */
function finiteDifferenceGradient(l: GradientLab, model: 'rnn' | 'lstm', steps: number, t: number, which: 'h' | 'c'): Float64Array {
  const H = l.hiddenSize;
  const cell = l.cell(model);
  const h = cell.hs.slice((t + 1) * H, (t + 2) * H);
  const lstm = model === 'lstm' ? (cell as LstmCell) : undefined;
  const c = lstm?.cs.slice((t + 1) * H, (t + 2) * H);
  const o = lstm?.gateValues.slice(t * 4 * H + 3 * H, t * 4 * H + 4 * H);
  const eps = 1e-6;
  const gradient = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    const loss = (sign: number): number => {
      const h2 = h.slice();
      const c2 = c?.slice();
      if (which === 'h') h2[j] += sign * eps;
      else {
        c2![j] += sign * eps;
        h2[j] = o![j] * Math.tanh(c2![j]);
      }
      return l.lossFromState(model, steps, t, h2, c2);
    };
    gradient[j] = (loss(1) - loss(-1)) / (2 * eps);
  }
  return gradient;
}

const norm = (v: Float64Array) => Math.hypot(...v);

test('every gradient matches central finite differences, component by component (RNN h, LSTM h and c)', () => {
  const steps = 12;
  const l = lab(5, 1);
  for (const rho of [0.7, 1.3]) {
    const result = l.run(rho, steps);
    for (const t of [0, 4, steps - 2, steps - 1]) {
      const checks: [string, 'rnn' | 'lstm', 'h' | 'c', 'rnn' | 'lstm' | 'cell', number][] = [
        ['RNN ∂L/∂h', 'rnn', 'h', 'rnn', result.rnnHidden[t]],
        ['LSTM ∂L/∂h', 'lstm', 'h', 'lstm', result.lstmHidden[t]],
        ['LSTM ∂L/∂c', 'lstm', 'c', 'cell', result.lstmCell[t]],
      ];
      for (const [what, model, which, name, reportedNorm] of checks) {
        l.run(rho, steps); // restore the forward states the finite differences start from
        const analytic = l.gradient(name, t);
        const numeric = finiteDifferenceGradient(l, model, steps, t, which);
        assert.ok(reportedNorm > 0, `${what} at t=${t} is zero`);
        assert.ok(Math.abs(norm(analytic) - reportedNorm) <= 1e-12 * reportedNorm, `${what}: the reported norm is not the gradient's`);
        for (let j = 0; j < analytic.length; j++) {
          assert.ok(Math.abs(analytic[j] - numeric[j]) <= 1e-6 * reportedNorm + 1e-12, `${what} ρ=${rho} t=${t} unit ${j}: ${analytic[j]} vs ${numeric[j]}`);
        }
      }
    }
  }
});

test('W_hh of both models is rescaled to the requested spectral radius, block by block', () => {
  const l = lab(8, 0);
  l.run(0.85, 10);
  const H = 8;
  // The cells read W_hh through their weight views; ρ of each H×H block equals the request.
  const rnnW = (l.cell('rnn') as unknown as { w: { weightHh: Float64Array } }).w.weightHh;
  const lstmW = (l.cell('lstm') as unknown as { w: { weightHh: Float64Array } }).w.weightHh;
  assert.ok(Math.abs(spectralRadius(rnnW, H) - 0.85) < 1e-9);
  for (let g = 0; g < 4; g++) assert.ok(Math.abs(spectralRadius(lstmW.subarray(g * H * H, (g + 1) * H * H), H) - 0.85) < 1e-9, `gate block ${g}`);
});

test('RNN: with a small spectral radius the gradient 100 steps back is orders of magnitude below the last step, and it grows with ρ', () => {
  const l = lab(32, 0);
  const T = 100;
  const ratios = [0.5, 0.8, 1.0].map((rho) => {
    const r = l.run(rho, T);
    return r.rnnHidden[0] / r.rnnHidden[T - 1];
  });
  assert.ok(ratios[0] < 1e-6, `ρ=0.5 keeps ${ratios[0]} of the gradient after ${T} steps`);
  assert.ok(ratios[0] < ratios[1] && ratios[1] < ratios[2], `ratios do not grow with ρ: ${ratios}`);
  // The fitted per-step factor is below 1 (vanishing) and near ρ·(mean tanh′) — at least below ρ.
  const r = l.run(0.5, T);
  assert.ok(r.rnnDecay < 0.5 + 1e-9 && r.rnnDecay > 0, `decay ${r.rnnDecay}`);
});

test('RNN: with ρ = 1.5 and a wide W_hh the gradient explodes backwards in time, faster still with larger weights', () => {
  // Wide (H = 128): most eigenvalues of W_hh sit near the circle |λ| = ρ, so growth beats tanh saturation.
  const l = lab(128, 0);
  const T = 100;
  const kept = (rho: number) => {
    const r = l.run(rho, T);
    return { ratio: r.rnnHidden[0] / r.rnnHidden[T - 1], decay: r.rnnDecay };
  };
  const holding = kept(1.0);
  const exploding = kept(1.5);
  const larger = kept(2.0);
  assert.ok(exploding.ratio > 1, `ρ=1.5 keeps only ${exploding.ratio} of the last step's gradient ${T} steps back`);
  assert.ok(exploding.decay > 1, `per-step factor ${exploding.decay} is not above 1`);
  assert.ok(holding.ratio < exploding.ratio && exploding.ratio < larger.ratio, `${holding.ratio}, ${exploding.ratio}, ${larger.ratio}`);
  assert.ok(larger.ratio > 1e3, `ρ=2 gives only ${larger.ratio}`);
});

test('LSTM with forget bias 1: the carousel keeps ‖∂L/∂c_t‖ far above the RNN at distance T, and the gates open', () => {
  const T = 100;
  for (const rho of [0.5, 0.8]) {
    const withBias = lab(32, 1).run(rho, T);
    const noBias = lab(32, 0).run(rho, T);
    const rnnKept = withBias.rnnHidden[0] / withBias.rnnHidden[T - 1];
    const cellKept = withBias.lstmCell[0] / withBias.lstmCell[T - 1];
    assert.ok(cellKept > 1e3 * rnnKept, `ρ=${rho}: LSTM keeps ${cellKept}, RNN ${rnnKept}`);
    assert.ok(withBias.meanForgetGate > noBias.meanForgetGate + 0.1, `forget gates ${withBias.meanForgetGate} vs ${noBias.meanForgetGate}`);
    assert.ok(withBias.lstmCellDecay > noBias.lstmCellDecay, 'a larger forget bias must slow the decay along c');
  }
});

test('the same seed gives the same curves; another seed other weights', () => {
  const a = lab(16, 0, 3).run(0.9, 40);
  const b = lab(16, 0, 3).run(0.9, 40);
  const c = lab(16, 0, 4).run(0.9, 40);
  assert.deepEqual(a.rnnHidden, b.rnnHidden);
  assert.deepEqual(a.lstmCell, b.lstmCell);
  assert.notDeepEqual(a.rnnHidden, c.rnnHidden);
});

test('data: the file repeated to the lab length, or generated letters for no file', () => {
  const short = labSequence('ab');
  assert.equal(short.ids.length, LAB_SEQUENCE_LENGTH);
  assert.deepEqual(short.chars, ['a', 'b']);
  assert.deepEqual([...short.ids.subarray(0, 4)], [0, 1, 0, 1]);
  assert.equal(short.generated, false);
  const generated = labSequence('');
  assert.equal(generated.generated, true);
  assert.ok(generated.chars.length > 5);
});

test('decayPerStep recovers a geometric decay and ignores zero norms', () => {
  const T = 30;
  const v = Float64Array.from({ length: T }, (_, t) => 2 * 0.7 ** (T - 1 - t));
  assert.ok(Math.abs(decayPerStep(v) - 0.7) < 1e-12);
  v[3] = 0;
  assert.ok(Math.abs(decayPerStep(v) - 0.7) < 1e-12);
  assert.ok(Number.isNaN(decayPerStep(new Float64Array(5))));
});

test('bad settings get a clear message', () => {
  const l = lab(4);
  assert.throws(() => l.run(0, 10), EngineInputError);
  assert.throws(() => l.run(1, 1), /sequence length/);
  assert.throws(() => l.run(1, 500), /sequence length/);
  assert.throws(() => lab(1000), /hidden size/);
});

test('the linear RNN beside the tanh one explodes as the closed form ρᵈ says, and σ_max ≥ ρ', () => {
  const l = lab(32);
  for (const rho of [0.8, 1.2, 1.5]) {
    const r = l.run(rho, 200);
    // ∂L/∂h_{T−1−d} = (W_hhᵀ)ᵈ ∂L/∂h_{T−1} with ρ(W_hh) = ρ: far back the norm grows by ρ per step (Gelfand).
    const far = (r.linearHidden[0] / r.linearHidden[100]) ** (1 / 100);
    assert.ok(Math.abs(far - rho) < 0.05 * rho, `ρ = ${rho}: per step ${far}`);
    assert.ok(r.largestSingularValue >= rho - 1e-9, `σ_max ${r.largestSingularValue} ≥ ρ ${rho}`);
    if (rho > 1) assert.ok(r.linearHidden[0] > 1e6 * r.linearHidden[199], 'exploding');
  }
  // The carousel's best unit at forget bias 3 keeps f close to 1; at bias 0 about one half.
  assert.ok(lab(32, 3).run(0.9, 60).carouselFactor > 0.9);
  assert.ok(lab(32, 0).run(0.9, 60).carouselFactor < 0.7);
});
