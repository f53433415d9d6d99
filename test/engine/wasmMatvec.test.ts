// The pinned WebAssembly SIMD matrix-vector kernel (src/engine/wasmMatvec.ts) and the cell chain's use of it at one
// stream (issue 15): the kernel against the scalar loop for many shapes, the handle's lifetime (a stale pin can never
// be read), the chain with the kernel against the chain without it (the JavaScript path) through every cell kind,
// bidirectional and 2-layer stacks, traces and training, and both paths against the PyTorch goldens — the JavaScript
// path also in a child process without any WebAssembly (node --jitless, fixtures/noWebAssembly.ts).
//
// Tolerances. float64: the kernel sums each output as ((0 + x_0 M_0j) + x_1 M_1j) + …, products rounded, no fused
// multiply-add — the order of gemmABt's one-row loop — so its results are asserted EQUAL to the JavaScript path's,
// bit for bit, and so is everything the chain computes from them. float32: the kernel rounds every product and every
// partial sum to float32, so an output differs from the exact Σ_k x_k M_kj by at most γ_K Σ_k |x_k M_kj| with
// γ_K = K·u / (1 − K·u), u = 2⁻²⁴ (the recursive-summation bound, Higham, Accuracy and Stability of Numerical
// Algorithms, 2nd ed., §3.1, eq. 3.5) — asserted per output. Through the chain, the float32 paths with and without
// the kernel are both held to the float32 goldens' own tolerance (1e-4 relative to the tensor's scale, as
// float32Golden.test.ts), and so is their distance from each other. Observed (Node 20, x86-64): from PyTorch the
// kernel path is at most 2.2e-5, the JavaScript path 2.1e-5; from each other 1.2e-5 — float32 rounding of a sum of
// mixed signs at the scale floor, the same size both ways.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gemmABt } from '../../src/engine/batchedKernels';
import { gemmABt as gemmABt32 } from '../../src/engine/batchedKernels32';
import { BatchedStack } from '../../src/engine/batchedStack';
import { BatchedStack32 } from '../../src/engine/batchedStack32';
import { MATVEC_MAX_STREAMS } from '../../src/engine/cells/cellChain';
import { lstmBackwardStep as lstmBackwardStep32, lstmForwardStep as lstmForwardStep32, rnnBackwardStep as rnnBackwardStep32, rnnForwardStep as rnnForwardStep32 } from '../../src/engine/cells/cellEquations32';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { Prng } from '../../src/engine/prng';
import { RecurrentStack, type LossTarget, type StackInput } from '../../src/engine/recurrentStack';
import { SequenceTrainer, type SequenceTrainerConfig } from '../../src/engine/sequenceTrainer';
import { crossEntropyStep, squaredErrorStep } from '../../src/engine/stepLoss';
import { traceWindow } from '../../src/engine/traces';
import { F32, F64, type WasmApi } from '../../src/engine/wasmAssembler';
import {
  createMatvecKernel, MATVEC_MAX_ELEMENTS, matvecKernelFor, setWasmMatvecEnabled, wasmMatvec32, wasmMatvec64, type PinnedProduct,
} from '../../src/engine/wasmMatvec';

const U32 = 2 ** -24;
const gamma = (n: number): number => (n * U32) / (1 - n * U32);

/** Runs f with the pinned kernel on (true) or off (false), and turns it back on. */
function withKernel<T>(on: boolean, f: () => T): T {
  setWasmMatvecEnabled(on);
  try {
    return f();
  } finally {
    setWasmMatvecEnabled(true);
  }
}

/** Asserts a and b hold the same numbers, element for element (=== : bit-identical up to the sign of zero). */
function assertSame(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${what}[${i}]: ${a[i]} with the kernel, ${b[i]} without`);
  }
}

// (G·H, H) of W_hh: RNN, GRU (3H), LSTM (4H) at sizes that are and are not multiples of the lanes (2, 4), the
// register block (16 / 32 outputs) and the 4 rows per pass; and the bench's 512 × 128.
const SHAPES: [number, number][] = [
  [1, 1], [1, 3], [3, 1], [2, 2], [4, 4], [5, 5], [15, 5], [20, 5], [7, 3], [21, 7], [28, 7], [33, 33], [99, 33],
  [132, 33], [16, 16], [48, 16], [64, 16], [17, 9], [40, 40], [120, 40], [384, 128], [512, 128], [3, 130], [1, 64],
];

test('the pinned product in float64 equals the scalar loop and gemmABt at one row bit for bit, for every shape', () => {
  assert.ok(wasmMatvec64 && wasmMatvec32, 'Node has WebAssembly SIMD');
  const rng = new Prng(21);
  for (const [R, C] of SHAPES) {
    const wOff = 3;
    const W = Float64Array.from({ length: wOff + R * C + 2 }, () => rng.next() * 2 - 1);
    // y = W x
    const x = Float64Array.from({ length: C + 5 }, () => rng.next() * 2 - 1);
    const y = Float64Array.from({ length: R + 4 }, () => 7);
    const pinned: PinnedProduct<Float64Array> = wasmMatvec64.pinProduct(W, wOff, R, C)!;
    assert.deepEqual([pinned.inputs, pinned.outputs], [C, R]);
    pinned.apply(x, 5, y, 4);
    const expected = Float64Array.from({ length: R + 4 }, () => 7);
    for (let i = 0; i < R; i++) {
      let s = 0;
      for (let k = 0; k < C; k++) s += W[wOff + i * C + k] * x[5 + k];
      expected[4 + i] = s;
    }
    assertSame(y, expected, `${R}×${C} W x`);
    const viaGemm = Float64Array.from({ length: R + 4 }, () => 7);
    gemmABt(viaGemm, 4, x, 5, 1, W, wOff, R, C, false);
    assertSame(y, viaGemm, `${R}×${C} W x against gemmABt`);
    // y += Wᵀ x
    const xt = Float64Array.from({ length: R + 1 }, () => rng.next() * 2 - 1);
    const yt = Float64Array.from({ length: C + 2 }, () => rng.next());
    const before = yt.slice();
    wasmMatvec64.pinTransposedProduct(W, wOff, R, C)!.apply(xt, 1, yt, 2);
    const expectedT = before.slice();
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (let i = 0; i < R; i++) s += W[wOff + i * C + j] * xt[1 + i];
      expectedT[2 + j] += s;
    }
    assertSame(yt, expectedT, `${R}×${C} y += Wᵀ x`);
    assert.equal(yt[0], before[0], 'entries before yOff stay');
  }
});

test('the pinned product in float32 stays within the recursive-summation bound γ_K Σ|x_k W_kj| of the exact sum', () => {
  const rng = new Prng(22);
  let worst = 0;
  for (const [R, C] of SHAPES) {
    const W = Float32Array.from({ length: R * C }, () => rng.next() * 2 - 1);
    const x = Float32Array.from({ length: C }, () => rng.next() * 2 - 1);
    const y = new Float32Array(R);
    wasmMatvec32!.pinProduct(W, 0, R, C)!.apply(x, 0, y, 0);
    for (let i = 0; i < R; i++) {
      // The float32 inputs are exact in float64, and so is each product; the float64 sum is exact to ~1e-16.
      let s = 0;
      let abs = 0;
      for (let k = 0; k < C; k++) {
        s += W[i * C + k] * x[k];
        abs += Math.abs(W[i * C + k] * x[k]);
      }
      const bound = gamma(C) * abs + 1e-15 * abs;
      assert.ok(Math.abs(y[i] - s) <= bound, `${R}×${C} row ${i}: ${y[i]} vs ${s}, bound ${bound}`);
      if (abs > 0) worst = Math.max(worst, Math.abs(y[i] - s) / (gamma(C) * abs));
    }
    // y += Wᵀ x: the sum as above, then y_j + sum rounded to float32 once more (γ_{K+1} with |y_j| among the terms).
    const xt = Float32Array.from({ length: R }, () => rng.next() * 2 - 1);
    const yt = Float32Array.from({ length: C }, () => rng.next() * 2 - 1);
    const before = Float64Array.from(yt);
    wasmMatvec32!.pinTransposedProduct(W, 0, R, C)!.apply(xt, 0, yt, 0);
    for (let j = 0; j < C; j++) {
      let s = before[j];
      let abs = Math.abs(before[j]);
      for (let i = 0; i < R; i++) {
        s += W[i * C + j] * xt[i];
        abs += Math.abs(W[i * C + j] * xt[i]);
      }
      const bound = gamma(R + 1) * abs + 1e-15 * abs;
      assert.ok(Math.abs(yt[j] - s) <= bound, `${R}×${C} column ${j}: ${yt[j]} vs ${s}, bound ${bound}`);
    }
  }
  // The bound is not vacuous: float32 rounding is seen, and uses a visible part of the bound.
  assert.ok(worst > 1e-3 && worst <= 1, `worst error / bound ${worst}`);
});

test('a pinned handle is good until the next pin or its release; a new pin follows the values of W', () => {
  const rng = new Prng(23);
  const [R, C] = [12, 5];
  const W = Float64Array.from({ length: R * C }, () => rng.next() - 0.5);
  const x = Float64Array.from({ length: C }, () => rng.next() - 0.5);
  const y1 = new Float64Array(R);
  const first = wasmMatvec64!.pinProduct(W, 0, R, C)!;
  first.apply(x, 0, y1, 0);
  // Training updates W in place: the pinned copy does not follow, so the handle must not be used past its pass.
  for (let i = 0; i < W.length; i++) W[i] *= -3;
  const second = wasmMatvec64!.pinProduct(W, 0, R, C)!;
  assert.throws(() => first.apply(x, 0, y1, 0), /released or replaced: pin it again/);
  const y2 = new Float64Array(R);
  second.apply(x, 0, y2, 0);
  const expected = new Float64Array(R);
  gemmABt(expected, 0, x, 0, 1, W, 0, R, C, false);
  assertSame(y2, expected, 'the new pin computes with the new W');
  assert.ok(y2.some((v, i) => v !== y1[i]), 'and the change of W shows');
  second.release();
  assert.throws(() => second.apply(x, 0, y2, 0), /released or replaced/);
  // A pin for the transposed product also retires the other kind.
  const third = wasmMatvec64!.pinProduct(W, 0, R, C)!;
  wasmMatvec64!.pinTransposedProduct(W, 0, R, C);
  assert.throws(() => third.apply(x, 0, y2, 0), /released or replaced/);
});

test('a matrix larger than the bound is not pinned (null: the caller runs JavaScript); wrong arrays are refused', () => {
  // 4200 × 1100 float32 values (18.5 MB) exceed MATVEC_MAX_ELEMENTS: pin refuses before growing any memory.
  const big = new Float32Array(4200 * 1100);
  assert.ok(4200 * 1100 > MATVEC_MAX_ELEMENTS);
  assert.equal(wasmMatvec32!.pinProduct(big, 0, 4200, 1100), null);
  assert.equal(wasmMatvec32!.pinTransposedProduct(big, 0, 4200, 1100), null);
  // The LSTM's W_hh at the hidden-size limit (4096 × 1024) fits.
  const limit = wasmMatvec32!.pinTransposedProduct(big, 0, 4096, 1024);
  assert.ok(limit !== null);
  limit.release();
  assert.throws(() => wasmMatvec64!.pinProduct(new Float32Array(4) as never, 0, 2, 2), /another array type/);
  assert.throws(() => wasmMatvec64!.pinProduct(new Float64Array(4), 1, 2, 2), /does not fit/);
});

// ---- the float32 LSTM step in the module (pinLstmStep) ------------------------------------------------------------

test('the float32 LSTM step in the module: σ and tanh within 3 float32 ulps of the exact values from 1e-8 to 100 in size', () => {
  // W_hh = 0, b_hh = 0: the pre-activations are P itself, the gates σ(P) (blocks i, f, o) and tanh(P) (block g).
  const H = 1024;
  const GH = 4 * H;
  const a = Float32Array.from({ length: GH }, (_, i) => {
    const u = ((i % H) + 0.5) / H;
    return (i % 2 === 0 ? 1 : -1) * 10 ** (-8 + 10 * u);
  });
  const P = a.slice();
  const Z = new Float32Array(GH);
  const step = wasmMatvec32!.pinLstmStep!(new Float32Array(GH * H), new Float32Array(GH), H)!;
  step.step(P, Z, 0, new Float32Array(2 * H), new Float32Array(2 * H), new Float32Array(H), 0, H);
  step.release();
  assert.deepEqual(P, a, 'a = P + 0 + 0');
  let worst = 0;
  for (let i = 0; i < GH; i++) {
    const exact = i >= 2 * H && i < 3 * H ? Math.tanh(a[i]) : 1 / (1 + Math.exp(-a[i]));
    // Relative to the value; below float32's normal range (σ(a) for a < −87, exactly ≈ e^a) both are zero to float32's
    // precision: there the module's value (the exponent clamped at 88: σ ≈ 6e−39) is held to within 2⁻¹²⁶ absolute.
    if (Math.abs(exact) < 2 ** -126) assert.ok(Math.abs(Z[i] - exact) <= 2 ** -126, `σ(${a[i]}) = ${Z[i]}`);
    else worst = Math.max(worst, Math.abs(Z[i] - exact) / Math.abs(exact));
  }
  assert.ok(worst <= 3 * U32, `worst ${(worst / U32).toFixed(2)} ulps`); // observed ≤ 2 ulps (Node 20, x86-64)
  assert.ok(worst > 0, 'the module computes its own σ and tanh, not Math’s');
});

test('the float32 LSTM step in the module follows lstmForwardStep (JavaScript, double-precision sums) within float32 rounding', () => {
  const rng = new Prng(21);
  for (const H of [4, 8, 32, 128]) {
    const GH = 4 * H;
    const rand = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
    const W = rand(GH * H, 1 / Math.sqrt(H));
    const bhh = rand(GH, 0.5);
    const P0 = rand(3 * GH, 2);
    const hs0 = rand(4 * H, 1);
    const cs0 = rand(4 * H, 2);
    // Steps 0 … 2 of one stream, the JavaScript product and step against the module's.
    const js = { P: P0.slice(), Z: new Float32Array(3 * GH), hs: hs0.slice(), cs: cs0.slice(), tc: new Float32Array(3 * H) };
    const wasm = { P: P0.slice(), Z: new Float32Array(3 * GH), hs: hs0.slice(), cs: cs0.slice(), tc: new Float32Array(3 * H) };
    const q = new Float32Array(GH);
    const fused = wasmMatvec32!.pinLstmStep!(W, bhh, H)!;
    for (let t = 0; t < 3; t++) {
      gemmABt32(q, 0, js.hs, t * H, 1, W, 0, GH, H, false);
      lstmForwardStep32(js.P, q, bhh, js.Z, js.cs, js.tc, js.hs, t, 1, H);
      fused.step(wasm.P, wasm.Z, t * GH, wasm.hs, wasm.cs, wasm.tc, t * H, (t + 1) * H);
    }
    fused.release();
    // Every value is O(1) (|a| ≲ 5): within 1e-6 absolute is a few float32 roundings of the sum and the nonlinearity.
    for (const key of ['P', 'Z', 'hs', 'cs', 'tc'] as const) {
      let worst = 0;
      for (let i = 0; i < js[key].length; i++) worst = Math.max(worst, Math.abs(wasm[key][i] - js[key][i]));
      assert.ok(worst <= 1e-6, `H = ${H}, ${key}: worst ${worst}`);
    }
  }
});

test('the float32 LSTM backward step in the module follows lstmBackwardStep and the product W_hhᵀ δ within float32 rounding, ‖∂L/∂h_t‖ included', () => {
  const rng = new Prng(22);
  for (const H of [4, 8, 32, 128]) {
    const GH = 4 * H;
    const T = 4;
    const rand = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + rng.next() * (hi - lo));
    const W = rand(GH * H, -1 / Math.sqrt(H), 1 / Math.sqrt(H));
    // Gates in (0, 1) (g in (−1, 1)), states and gradients O(1): what a forward leaves.
    const Z = rand(T * GH, 0.05, 0.95);
    for (let t = 0; t < T; t++) for (let j = 2 * H; j < 3 * H; j++) Z[t * GH + j] = 2 * Z[t * GH + j] - 1;
    const cs = rand((T + 1) * H, -2, 2);
    const tc = Float32Array.from({ length: T * H }, (_, i) => Math.tanh(cs[i + H]));
    const dY = rand(T * H, -1, 1);
    const dh0 = rand(H, -0.5, 0.5);
    const dc0 = rand(H, -0.5, 0.5);
    // JavaScript: per step the norm of d = dh + dY, lstmBackwardStep, then dh += W_hhᵀ δ (gemmABt on Wᵀ).
    const WT = new Float32Array(H * GH);
    for (let i = 0; i < GH; i++) for (let j = 0; j < H; j++) WT[j * GH + i] = W[i * H + j];
    const js = { dP: new Float32Array(T * GH), dh: dh0.slice(), dc: dc0.slice(), norms: new Float64Array(T) };
    for (let t = T - 1; t >= 0; t--) {
      let n2 = 0;
      for (let j = 0; j < H; j++) n2 += (js.dh[j] + dY[t * H + j]) ** 2;
      js.norms[t] = Math.sqrt(n2);
      lstmBackwardStep32(Z, cs, tc, dY, js.dh, js.dc, js.dP, t, 1, H);
      gemmABt32(js.dh, 0, js.dP, t * GH, 1, WT, 0, H, GH, true);
    }
    const wasm = { dP: new Float32Array(T * GH), dh: dh0.slice(), dc: dc0.slice(), norms: new Float64Array(T) };
    const back = wasmMatvec32!.pinLstmBackStep!(W, H)!;
    back.begin(wasm.dh, wasm.dc);
    for (let t = T - 1; t >= 0; t--) wasm.norms[t] = back.step(Z, t * GH, cs, tc, t * H, dY, wasm.dP);
    back.end(wasm.dh, wasm.dc);
    back.release();
    // Every value is O(1): within 1e-6 absolute (1e-6 relative for the norms) is a few float32 roundings.
    for (const key of ['dP', 'dh', 'dc', 'norms'] as const) {
      let worst = 0;
      for (let i = 0; i < js[key].length; i++) worst = Math.max(worst, Math.abs(wasm[key][i] - js[key][i]) / (key === 'norms' ? js[key][i] : 1));
      assert.ok(worst <= 1e-6, `H = ${H}, ${key}: worst ${worst}`);
      assert.ok(js[key].some((x) => Math.abs(x) > 1e-3), `H = ${H}, ${key} is not trivially zero`);
    }
  }
});

test('the LSTM steps are float32 only (float64 keeps the JavaScript steps bit for bit), need H a multiple of 4, and retire like a pin', () => {
  assert.equal(wasmMatvec64!.pinLstmStep, undefined);
  assert.equal(wasmMatvec64!.pinLstmBackStep, undefined);
  assert.equal(wasmMatvec32!.pinLstmStep!(new Float32Array(4 * 5 * 5), new Float32Array(20), 5), null);
  assert.equal(wasmMatvec32!.pinLstmBackStep!(new Float32Array(4 * 5 * 5), 5), null);
  const back = wasmMatvec32!.pinLstmBackStep!(new Float32Array(16 * 4), 4)!;
  wasmMatvec32!.pinProduct(new Float32Array(16), 0, 4, 4);
  assert.throws(() => back.begin(new Float32Array(4), new Float32Array(4)), /released or replaced: pin it again/);
  const H = 4;
  const step = wasmMatvec32!.pinLstmStep!(new Float32Array(16 * 4), new Float32Array(16), H)!;
  const args = [new Float32Array(16), new Float32Array(16), 0, new Float32Array(8), new Float32Array(8), new Float32Array(4), 0, 4] as const;
  step.step(...args);
  wasmMatvec32!.pinProduct(new Float32Array(16), 0, 4, 4);
  assert.throws(() => step.step(...args), /released or replaced: pin it again/);
});

test('without WebAssembly SIMD there is no kernel, and turned off the chain asks for none', () => {
  // A runtime whose WebAssembly rejects the module (as one without SIMD does), or has no WebAssembly at all.
  const noSimd: WasmApi = {
    Module: class { constructor() { throw new Error('CompileError: invalid simd opcode'); } },
    Instance: class { exports = {}; },
  };
  assert.equal(createMatvecKernel(F64, Float64Array, noSimd), null);
  assert.equal(createMatvecKernel(F32, Float32Array, noSimd), null);
  assert.ok(createMatvecKernel(F64, Float64Array) !== null, 'the real runtime compiles it');
  assert.equal(withKernel(false, () => matvecKernelFor(new Float64Array(1))), null);
  assert.equal(matvecKernelFor(new Float64Array(1)), wasmMatvec64);
  assert.equal(matvecKernelFor(new Float32Array(1)), wasmMatvec32);
});

// ---- the chain ---------------------------------------------------------------------------------------------------

interface StackGolden {
  name: string; cell: CellKind; layers: number; bidirectional: boolean; V: number; H: number;
  input: 'onehot' | 'embed' | 'dense'; loss: 'ce' | 'mse'; out: number; T: number;
  ids?: number[]; x?: number[]; targets: number[]; weights: Record<string, number[]>;
  h0: number[]; c0: number[] | null; outputs: number[]; hN: number[]; cN: number[] | null; lossValue: number;
  grads: Record<string, number[]>; dh0: number[]; dc0: number[] | null; dx: number[] | null;
}
const stackGolden = JSON.parse(readFileSync(new URL('./fixtures/stack_golden.json', import.meta.url), 'utf8')) as { cases: StackGolden[] };

/** Everything a forward and backward of a RecurrentStack leaves: outputs, states, loss, every gradient. */
function runStack(stack: RecurrentStack, input: StackInput, target: LossTarget, h0?: Float64Array, c0?: Float64Array): Record<string, Float64Array> {
  const outputs = stack.forward(input, h0, c0).slice();
  const hN = stack.hN.slice();
  const cN = stack.cN.slice();
  const loss = Float64Array.of(stack.backward(target));
  const T = 'ids' in input ? input.ids.length : input.steps;
  return {
    outputs, hN, cN, loss, grads: stack.grads.slice(), dh0: stack.dh0.slice(), dc0: stack.dc0.slice(),
    dx: stack.inputGradient.slice(0, T * stack.config.inputSize),
  };
}

function assertRunsSame(a: Record<string, Float64Array>, b: Record<string, Float64Array>, what: string): void {
  for (const key of Object.keys(a)) assertSame(a[key], b[key], `${what} ${key}`);
}

test('in a runtime without WebAssembly (node --jitless) there are no kernels, every golden stack still matches PyTorch on the JavaScript products, and so do the float32 path and Colour Text', () => {
  const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', fileURLToPath(new URL('./fixtures/noWebAssembly.ts', import.meta.url))], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(child.status, 0, child.stderr);
  const report = JSON.parse(child.stdout) as {
    webAssembly: boolean; kernels: boolean[]; cases: { name: string; worst: number }[];
    float32Cases: { name: string; worst: number }[]; colourTextSurprisal: number;
  };
  assert.equal(report.webAssembly, false, 'the child really has no WebAssembly');
  assert.deepEqual(report.kernels, [false, false, false, false], 'wasmGemm and wasmMatvec are null there');
  assert.equal(report.cases.length, stackGolden.cases.length);
  for (const c of report.cases) assert.ok(c.worst <= 1e-9, `${c.name}: relative error ${c.worst} against PyTorch`);
  // The float32 path (its LSTM steps in JavaScript there) against PyTorch float32, and Colour Text's float32 answer.
  assert.ok(report.float32Cases.length >= 11);
  for (const c of report.float32Cases) assert.ok(c.worst < 1e-4, `${c.name}: float32 outputs, relative error ${c.worst} against PyTorch`);
  assert.ok(report.colourTextSurprisal > 0 && report.colourTextSurprisal <= 1e-4, `Colour Text's float32 surprisal is ${report.colourTextSurprisal} bits from float64's`);
});

test('the stacks of the PyTorch goldens (every cell kind, bidirectional, 2 layers, embedded and dense input) give the same outputs and gradients bit for bit with the kernel and without, and both match PyTorch', () => {
  const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);
  for (const c of stackGolden.cases) {
    const stack = new RecurrentStack({
      cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: c.bidirectional, outputSize: c.out,
      embedding: c.input === 'embed' ? 3 : undefined, maxSteps: c.T,
    });
    for (const t of stack.tensors) stack.param(t.name).set(c.weights[t.name]);
    const input: StackInput = c.x ? { x: Float64Array.from(c.x), steps: c.T } : { ids: Int32Array.from(c.ids!) };
    const target: LossTarget = c.loss === 'ce' ? { kind: 'cross-entropy', targets: Int32Array.from(c.targets) } : { kind: 'mse', targets: Float64Array.from(c.targets) };
    const h0 = Float64Array.from(c.h0);
    const c0 = c.c0 ? Float64Array.from(c.c0) : undefined;
    const runs = [true, false].map((on) => withKernel(on, () => runStack(stack, input, target, h0, c0)));
    assertRunsSame(runs[0], runs[1], c.name);
    // The JavaScript fallback (and so the kernel) against PyTorch, as recurrentStackGolden.test.ts checks.
    const js = runs[1];
    const check = (actual: ArrayLike<number>, expected: readonly number[], what: string): void => {
      assert.equal(actual.length, expected.length, `${c.name} ${what}`);
      for (let i = 0; i < expected.length; i++) assert.ok(rel(actual[i], expected[i]) <= 1e-9, `${c.name} ${what}[${i}]: ${actual[i]} vs torch ${expected[i]}`);
    };
    check(js.outputs.subarray(0, c.T * c.out), c.outputs, 'outputs');
    check(js.hN, c.hN, 'hN');
    check(js.loss, [c.lossValue], 'loss');
    for (const t of stack.tensors) check(js.grads.subarray(t.offset, t.offset + t.rows * t.cols), c.grads[t.name], `grad ${t.name}`);
    check(js.dh0, c.dh0, 'dh0');
  }
});

test('larger stacks (H = 37 and 64, T = 23) of every cell kind, bidirectional and 2 layers, give the same outputs and gradients with the kernel and without', () => {
  const rng = new Prng(24);
  for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'] as const) {
    for (const [H, layers, bidirectional] of [[37, 2, true], [64, 1, false], [37, 1, true]] as const) {
      const V = 11;
      const T = 23;
      const stack = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers, bidirectional, outputSize: V, maxSteps: T }, new Prng(H + layers));
      const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
      const target: LossTarget = { kind: 'cross-entropy', targets: Int32Array.from({ length: T }, () => Math.floor(rng.next() * V)) };
      const h0 = Float64Array.from({ length: layers * (bidirectional ? 2 : 1) * H }, () => rng.next() - 0.5);
      const runs = [true, false].map((on) => withKernel(on, () => runStack(stack, { ids }, target, h0)));
      assertRunsSame(runs[0], runs[1], `${cell} H=${H} ${layers} layer(s)${bidirectional ? ' bidirectional' : ''}`);
      assert.ok(runs[0].grads.some((g) => g !== 0), 'the gradients are not trivially zero');
    }
  }
});

test('a trace window (the Gates and Unrolled panels, Colour Text) is the same with the kernel and without, ‖∂L/∂h_t‖ included', () => {
  const T = 30;
  const V = 9;
  const rng = new Prng(25);
  for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
    const model = new RecurrentStack({ cell, inputSize: V, hiddenSize: 21, layers: 2, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(5));
    const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
    const target: LossTarget = { kind: 'cross-entropy', targets: Int32Array.from({ length: T }, () => Math.floor(rng.next() * V)) };
    const traces = [true, false].map((on) => withKernel(on, () => traceWindow(model, { ids }, target, { jacobian: false, spectra: false })));
    // Every number of the trace (typed arrays as lists), as text: equal text, equal numbers.
    const text = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    assert.equal(text(traces[0]), text(traces[1]), `${cell} trace`);
    assert.ok(text(traces[0]).length > 10_000, 'the trace holds the window');
  }
});

test('W_hh changed between passes — between a forward and its backward, and by training steps — is always what the kernel uses (a stale pin would fail this)', () => {
  const rng = new Prng(26);
  const V = 7;
  const T = 12;
  for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
    const ids = Int32Array.from({ length: T }, () => Math.floor(rng.next() * V));
    const target: LossTarget = { kind: 'cross-entropy', targets: Int32Array.from({ length: T }, () => Math.floor(rng.next() * V)) };
    const fresh = (): RecurrentStack => new RecurrentStack({ cell, inputSize: V, hiddenSize: 13, layers: 1, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(8));
    const scale = (s: RecurrentStack): void => {
      const w = s.param('rnn.weight_hh_l0');
      for (let i = 0; i < w.length; i++) w[i] = w[i] * 1.7 + 0.01 * Math.sin(i);
    };
    // Forward with W, then W changes, then backward: the backward must use the new W (as the JavaScript path does).
    const both = [true, false].map((on) => withKernel(on, () => {
      const s = fresh();
      const first = runStack(s, { ids }, target);
      s.forward({ ids });
      scale(s);
      s.backward(target);
      const afterChange = { grads: s.grads.slice(), dh0: s.dh0.slice() };
      // And a whole new pass with the changed W.
      const second = runStack(s, { ids }, target);
      return { first, afterChange, second };
    }));
    assertRunsSame(both[0].first, both[1].first, `${cell} first pass`);
    assertRunsSame(both[0].afterChange, both[1].afterChange, `${cell} backward after W changed`);
    assertRunsSame(both[0].second, both[1].second, `${cell} pass after W changed`);
    assert.ok(both[0].second.outputs.some((v, i) => v !== both[0].first.outputs[i]), 'the change of W shows in the outputs');
    assert.ok(both[0].afterChange.dh0.some((v, i) => v !== both[0].first.dh0[i]), 'and in the backward');
  }
  // Training at batch 1 updates every W_hh in place after each step (Adam): six steps follow the same path.
  const ids = Int32Array.from({ length: 400 }, (_, i) => (i * 7 + Math.floor(i / 13)) % 9);
  const config: SequenceTrainerConfig = {
    cell: 'lstm', layers: 2, hiddenSize: 10, bidirectional: false, seqLength: 12, batch: 1,
    optimizer: { kind: 'adam', learningRate: 0.05 }, clip: 5, seed: 3,
  };
  const losses = [true, false].map((on) => withKernel(on, () => {
    const trainer = new SequenceTrainer({ kind: 'next-token', ids, vocabularySize: 9 }, config);
    return Array.from({ length: 6 }, () => trainer.step().loss);
  }));
  assertSame(losses[0], losses[1], 'batch-1 training losses');
  assert.ok(losses[0][5] !== losses[0][0], 'the weights moved');
});

test('the float32 LSTM steps of S streams at once (pinLstmSteps) give every stream what the one-stream step gives it, bit for bit', () => {
  // The batched product sums each output in g's order (0 + x_0 M_0j, + x_1 M_1j, …; products rounded, no fused
  // multiply-add) and the step body is the one-stream body run over S rows, so nothing may differ in any bit. S runs
  // through a multiple of the 4-stream block and past it (rows of zeros pad the product); H through the 8-column panel.
  const rng = new Prng(41);
  for (const H of [4, 8, 12, 32, 128]) {
    for (const S of [1, 3, 4, 8, 9, 13, 32]) {
      const GH = 4 * H;
      const T = 3;
      const rand = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
      const W = rand(GH * H, 1 / Math.sqrt(H));
      const bhh = rand(GH, 0.5);
      const P0 = rand(T * S * GH, 2);
      const hs0 = rand((T + 1) * S * H, 1);
      const cs0 = rand((T + 1) * S * H, 2);
      const run = (batched: boolean) => {
        const r = { P: P0.slice(), Z: new Float32Array(T * S * GH), hs: hs0.slice(), cs: cs0.slice(), tc: new Float32Array(T * S * H) };
        if (batched) {
          const steps = wasmMatvec32!.pinLstmSteps!(W, bhh, H, S)!;
          for (let t = 0; t < T; t++) steps.step(r.P, r.Z, t * S * GH, r.hs, r.cs, r.tc, t * S * H, (t + 1) * S * H, t > 0);
          steps.release();
        } else {
          const one = wasmMatvec32!.pinLstmStep!(W, bhh, H)!;
          for (let t = 0; t < T; t++) {
            for (let b = 0; b < S; b++) one.step(r.P, r.Z, (t * S + b) * GH, r.hs, r.cs, r.tc, (t * S + b) * H, (t * S + b + S) * H);
          }
          one.release();
        }
        return r;
      };
      const [all, each] = [run(true), run(false)];
      for (const key of ['P', 'Z', 'hs', 'cs', 'tc'] as const) assertSame(all[key], each[key], `H = ${H}, S = ${S}, ${key}`);
      assert.ok(all.hs.subarray(S * H).some((x, i) => x !== hs0[S * H + i]), `H = ${H}, S = ${S}: the steps wrote h_t`);
    }
  }
});

test('the float32 RNN steps of S streams at once (pinRnnSteps, tanh and ReLU) follow the product and rnnForwardStep within float32 rounding; ReLU of NaN is 0 as there', () => {
  const rng = new Prng(44);
  for (const relu of [false, true]) {
    for (const H of [4, 12, 36, 128]) {
      for (const S of [1, 5, 8, 32]) {
        const T = 3;
        const rand = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
        const W = rand(H * H, 1 / Math.sqrt(H));
        const bhh = rand(H, 0.5);
        const P0 = rand(T * S * H, 2);
        if (relu) P0[S * H + 1] = NaN; // step 1, stream 0, unit 1
        const hs0 = rand((T + 1) * S * H, 1);
        const js = { P: P0.slice(), hs: hs0.slice() };
        const q = new Float32Array(S * H);
        for (let t = 0; t < T; t++) {
          gemmABt32(q, 0, js.hs, t * S * H, S, W, 0, H, H, false);
          rnnForwardStep32(relu, js.P, q, bhh, js.hs, t, S, H);
        }
        const wasm = { P: P0.slice(), hs: hs0.slice() };
        const steps = wasmMatvec32!.pinRnnSteps!(W, bhh, H, S, relu)!;
        for (let t = 0; t < T; t++) steps.step(wasm.P, t * S * H, wasm.hs, t * S * H, (t + 1) * S * H, t > 0);
        steps.release();
        // Every value is O(1): within 1e-6 absolute is a few float32 roundings of the sum and of tanh.
        for (const key of ['P', 'hs'] as const) {
          let worstSeen = 0;
          for (let i = 0; i < js[key].length; i++) {
            if (Number.isNaN(js[key][i])) assert.ok(Number.isNaN(wasm[key][i]), `${key}[${i}] is NaN in JavaScript`);
            else worstSeen = Math.max(worstSeen, Math.abs(wasm[key][i] - js[key][i]));
          }
          assert.ok(worstSeen <= 1e-6, `${relu ? 'relu' : 'tanh'} H = ${H}, S = ${S}, ${key}: worst ${worstSeen}`);
        }
        if (relu) assert.equal(wasm.hs[2 * S * H + 1], 0, 'ReLU(NaN) = 0, as rnnForwardStep has it');
      }
    }
  }
  assert.equal(wasmMatvec64!.pinRnnSteps, undefined);
  assert.equal(wasmMatvec32!.pinRnnSteps!(new Float32Array(25), new Float32Array(5), 5, 8, false), null);
});

test('the float32 LSTM backward steps of S streams at once (pinLstmBackSteps) give every stream what the one-stream backward step gives it, bit for bit, ‖∂L/∂h_t‖ included', () => {
  // Same argument as the forward: the product sums in g's order and the body is the one-stream body over S rows.
  const rng = new Prng(45);
  for (const H of [4, 12, 32, 128]) {
    for (const S of [1, 5, 8, 32]) {
      const GH = 4 * H;
      const T = 3;
      const rand = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + rng.next() * (hi - lo));
      const W = rand(GH * H, -1 / Math.sqrt(H), 1 / Math.sqrt(H));
      const Z = rand(T * S * GH, 0.05, 0.95);
      const cs = rand((T + 1) * S * H, -2, 2);
      const tc = Float32Array.from({ length: T * S * H }, (_, i) => Math.tanh(cs[i + S * H]));
      const dY = rand(T * S * H, -1, 1);
      const dh0 = rand(S * H, -0.5, 0.5);
      const dc0 = rand(S * H, -0.5, 0.5);
      const each = { dP: new Float32Array(T * S * GH), dh: dh0.slice(), dc: dc0.slice(), norms: new Float64Array(T * S) };
      const one = wasmMatvec32!.pinLstmBackStep!(W, H)!;
      const rowsOf = (a: Float32Array, s: number, n: number) => a.slice(s * n, (s + 1) * n);
      for (let s = 0; s < S; s++) {
        // Stream s alone: its rows gathered into one-stream arrays, run down T steps, scattered back.
        const z1 = new Float32Array(T * GH), c1 = new Float32Array(T * H), t1 = new Float32Array(T * H), y1 = new Float32Array(T * H), p1 = new Float32Array(T * GH);
        for (let t = 0; t < T; t++) {
          z1.set(Z.subarray((t * S + s) * GH, (t * S + s + 1) * GH), t * GH);
          c1.set(cs.subarray((t * S + s) * H, (t * S + s + 1) * H), t * H);
          t1.set(tc.subarray((t * S + s) * H, (t * S + s + 1) * H), t * H);
          y1.set(dY.subarray((t * S + s) * H, (t * S + s + 1) * H), t * H);
        }
        const dh = rowsOf(dh0, s, H), dc = rowsOf(dc0, s, H);
        one.begin(dh, dc);
        for (let t = T - 1; t >= 0; t--) each.norms[t * S + s] = one.step(z1, t * GH, c1, t1, t * H, y1, p1);
        one.end(dh, dc);
        for (let t = 0; t < T; t++) each.dP.set(p1.subarray(t * GH, (t + 1) * GH), (t * S + s) * GH);
        each.dh.set(dh, s * H);
        each.dc.set(dc, s * H);
      }
      one.release();
      const all = { dP: new Float32Array(T * S * GH), dh: dh0.slice(), dc: dc0.slice(), norms: new Float64Array(T * S) };
      const back = wasmMatvec32!.pinLstmBackSteps!(W, H, S)!;
      back.begin(all.dh, all.dc);
      for (let t = T - 1; t >= 0; t--) back.step(Z, t * S * GH, cs, tc, t * S * H, dY, all.dP, all.norms, t * S);
      back.end(all.dh, all.dc);
      back.release();
      for (const key of ['dP', 'dh', 'dc', 'norms'] as const) assertSame(all[key], each[key], `H = ${H}, S = ${S}, ${key}`);
      assert.ok(all.dh.some((x, i) => x !== dh0[i]), `H = ${H}, S = ${S}: the steps moved ∂L/∂h`);
    }
  }
  assert.equal(wasmMatvec64!.pinLstmBackSteps, undefined);
  assert.equal(wasmMatvec32!.pinLstmBackSteps!(new Float32Array(4 * 5 * 5), 5, 8), null);
});

test('the float32 RNN backward steps of S streams at once (pinRnnBackSteps, tanh and ReLU) follow rnnBackwardStep and the product W_hhᵀ δ within float32 rounding, ‖∂L/∂h_t‖ included', () => {
  const rng = new Prng(46);
  for (const relu of [false, true]) {
    for (const H of [4, 12, 36, 128]) {
      for (const S of [1, 5, 8, 32]) {
        const T = 3;
        const rand = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + rng.next() * (hi - lo));
        const W = rand(H * H, -1 / Math.sqrt(H), 1 / Math.sqrt(H));
        const hs = rand((T + 1) * S * H, -0.99, 0.99);
        const dY = rand(T * S * H, -1, 1);
        const dh0 = rand(S * H, -0.5, 0.5);
        // JavaScript: per step the norm of d = dh + dY, rnnBackwardStep, then dh += W_hhᵀ δ (gemmABt on Wᵀ).
        const WT = new Float32Array(H * H);
        for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) WT[j * H + i] = W[i * H + j];
        const js = { dP: new Float32Array(T * S * H), dh: dh0.slice(), norms: new Float64Array(T * S) };
        for (let t = T - 1; t >= 0; t--) {
          for (let s = 0; s < S; s++) {
            let n2 = 0;
            for (let j = 0; j < H; j++) n2 += (js.dh[s * H + j] + dY[(t * S + s) * H + j]) ** 2;
            js.norms[t * S + s] = Math.sqrt(n2);
          }
          rnnBackwardStep32(relu, hs, dY, js.dh, js.dP, t, S, H);
          gemmABt32(js.dh, 0, js.dP, t * S * H, S, WT, 0, H, H, true);
        }
        const wasm = { dP: new Float32Array(T * S * H), dh: dh0.slice(), norms: new Float64Array(T * S) };
        const back = wasmMatvec32!.pinRnnBackSteps!(W, H, S, relu)!;
        back.begin(wasm.dh);
        for (let t = T - 1; t >= 0; t--) back.step(hs, (t + 1) * S * H, dY, t * S * H, wasm.dP, wasm.norms, t * S);
        back.end(wasm.dh);
        back.release();
        for (const key of ['dP', 'dh', 'norms'] as const) {
          let worstSeen = 0;
          for (let i = 0; i < js[key].length; i++) worstSeen = Math.max(worstSeen, Math.abs(wasm[key][i] - js[key][i]) / (key === 'norms' ? js[key][i] : 1));
          assert.ok(worstSeen <= 2e-6, `${relu ? 'relu' : 'tanh'} H = ${H}, S = ${S}, ${key}: worst ${worstSeen}`);
          // (At H = 4 a ReLU mask can zero a whole step by chance.)
          if (H > 4) assert.ok(js[key].some((x) => Math.abs(x) > 1e-3), `${relu ? "relu" : "tanh"} H = ${H}, S = ${S}: ${key} is not trivially zero`);
        }
      }
    }
  }
  assert.equal(wasmMatvec64!.pinRnnBackSteps, undefined);
});

test('pinLstmSteps is float32 only, needs H a multiple of 4, reads h_{t−1} from the caller unless carried, and retires like a pin', () => {
  assert.equal(wasmMatvec64!.pinLstmSteps, undefined);
  assert.equal(wasmMatvec32!.pinLstmSteps!(new Float32Array(4 * 5 * 5), new Float32Array(20), 5, 8), null);
  const H = 4;
  const S = 2;
  const W = Float32Array.from({ length: 16 * H }, (_, i) => ((i * 7) % 11) / 11 - 0.5);
  const steps = wasmMatvec32!.pinLstmSteps!(W, new Float32Array(16), H, S)!;
  const state = () => ({ P: new Float32Array(S * 16), Z: new Float32Array(S * 16), hs: new Float32Array(2 * S * H), cs: new Float32Array(2 * S * H), tc: new Float32Array(S * H) });
  // h_{t−1} = 1 in the caller's slab: a step that reads it differs from one that carries the module's h.
  const read = state();
  read.hs.fill(1, 0, S * H);
  steps.step(read.P, read.Z, 0, read.hs, read.cs, read.tc, 0, S * H, false);
  const carried = state();
  carried.hs.fill(1, 0, S * H);
  steps.step(carried.P, carried.Z, 0, carried.hs, carried.cs, carried.tc, 0, S * H, true);
  assert.notDeepEqual(Array.from(carried.Z), Array.from(read.Z));
  wasmMatvec32!.pinProduct(new Float32Array(16), 0, 4, 4);
  assert.throws(() => steps.step(read.P, read.Z, 0, read.hs, read.cs, read.tc, 0, S * H, false), /released or replaced: pin it again/);
});

test('a float32 LSTM or RNN of 8, 13 and 32 streams runs its steps in the module (pinLstmSteps, pinRnnSteps and their backward pins) and follows the JavaScript path within float32 rounding, gradients included', () => {
  // The kernel rounds every product and partial sum to float32, the JavaScript path sums in double precision and
  // rounds once: both stay within the float32 goldens' 1e-4 of each other (observed ≤ 1e-5; float32Golden.test.ts's
  // lstm_2x_b8 holds the kernel path to PyTorch). A kernel that mixed up streams or steps would miss by O(1).
  const rng = new Prng(43);
  const V = 11;
  const T = 9;
  for (const [cell, H] of [['lstm', 8], ['lstm', 36], ['rnn_tanh', 36], ['rnn_relu', 12], ['rnn_tanh', 128]] as const) {
    const lstm = cell === 'lstm';
    const model = new RecurrentStack({ cell, inputSize: V, hiddenSize: H, layers: 2, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(5));
    for (const B of [8, 13, 32]) {
      const ids = Array.from({ length: B }, () => Int32Array.from({ length: T }, () => Math.floor(rng.next() * V)));
      const dO = Float32Array.from({ length: T * B * V }, () => (rng.next() - 0.5) / T);
      const h0 = Float64Array.from({ length: B * 2 * H }, () => rng.next() - 0.5);
      const c0 = Float64Array.from({ length: B * 2 * H }, () => rng.next() - 0.5);
      const [wasm, js] = [true, false].map((on) => withKernel(on, () => {
        const grads = new Float32Array(model.parameterCount);
        const stack = new BatchedStack32(model, B, T, grads);
        const outputs = stack.forward(T, { id: (t, b) => ids[b][t] }, h0, lstm ? c0 : null).slice();
        const hN = new Float64Array(B * 2 * H);
        const cN = new Float64Array(B * 2 * H);
        stack.readStates(T, hN, lstm ? cN : null);
        stack.outputs.set(dO);
        stack.backward();
        return { outputs, hN, cN, grads };
      }));
      for (const key of lstm ? ['outputs', 'hN', 'cN'] as const : ['outputs', 'hN'] as const) assert.ok(worst(wasm[key], js[key]) < 1e-4, `${cell} H=${H} B=${B} ${key}: ${worst(wasm[key], js[key])}`);
      for (const t of model.tensors) {
        const e = worst(wasm.grads.subarray(t.offset, t.offset + t.rows * t.cols), js.grads.subarray(t.offset, t.offset + t.rows * t.cols));
        assert.ok(e < 1e-4, `${cell} H=${H} B=${B} grad ${t.name}: ${e}`);
      }
    }
  }
});

test('a few streams (B = 2, 3, 7) run the kernel per stream and follow the JavaScript products within float64 rounding; from B = 8 on the kernel is not used', () => {
  // At B ≥ 2 gemmABt adds two products at a time, the kernel one: the two orders differ by at most ~2γ_K Σ|x_k w_k|
  // (u = 2⁻⁵³, ~1e-14 of the terms' size for K ≤ 4·37) per product, grown through T steps and the nonlinearities;
  // 1e-10 of each tensor's scale bounds that with a wide margin (observed ≤ 5e-14, H = 37, two layers).
  const rng = new Prng(27);
  for (const cell of ['rnn_tanh', 'gru', 'lstm'] as const) {
    const V = 10;
    const T = 17;
    const model = new RecurrentStack({ cell, inputSize: V, hiddenSize: 37, layers: 2, bidirectional: false, outputSize: V, maxSteps: T }, new Prng(9));
    for (const B of [2, 3, 7, 8]) {
      const ids = Array.from({ length: B }, () => Int32Array.from({ length: T }, () => Math.floor(rng.next() * V)));
      const dO = Float64Array.from({ length: T * B * V }, () => (rng.next() - 0.5) / T);
      const [wasm, js] = [true, false].map((on) => withKernel(on, () => {
        const grads = new Float64Array(model.parameterCount);
        const stack = new BatchedStack(model, B, T, grads);
        const outputs = stack.forward(T, { id: (t, b) => ids[b][t] }, null, null).slice();
        stack.outputs.set(dO);
        stack.backward();
        return { outputs, grads };
      }));
      if (B === 8) {
        // Past MATVEC_MAX_STREAMS: the products are gemmABt's whether the kernel is on or off.
        assertSame(wasm.outputs, js.outputs, `${cell} B=8 outputs`);
        assertSame(wasm.grads, js.grads, `${cell} B=8 gradients`);
        continue;
      }
      assert.ok(worst(wasm.outputs, js.outputs) < 1e-10, `${cell} B=${B} outputs: ${worst(wasm.outputs, js.outputs)}`);
      for (const t of model.tensors) {
        const e = worst(wasm.grads.subarray(t.offset, t.offset + t.rows * t.cols), js.grads.subarray(t.offset, t.offset + t.rows * t.cols));
        assert.ok(e < 1e-10, `${cell} B=${B} grad ${t.name}: ${e}`);
      }
    }
  }
  assert.equal(MATVEC_MAX_STREAMS, 7, 'this test brackets the threshold');
});

interface Float32Golden {
  name: string; cell: CellKind; layers: number; H: number; V: number; out: number; loss: 'ce' | 'mse'; B: number; T: number;
  ids?: number[][]; x?: number[][][]; weights: Record<string, number[]>; h0: number[]; c0: number[] | null;
  outputs: number[]; hN: number[]; cN: number[] | null; lossValue: number; grads: Record<string, number[]>;
}
const float32Golden = JSON.parse(readFileSync(new URL('./fixtures/float32_golden.json', import.meta.url), 'utf8')) as { cases: Float32Golden[] };

/** float32Golden.test.ts's measure: |a − e| / max(|e|, 1e-2 · the tensor's largest |e|). */
function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(expected[i]));
  let w = 0;
  for (let i = 0; i < expected.length; i++) w = Math.max(w, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-2 * m, 1e-30));
  return w;
}

test('the float32 batch-of-one path, one stream at a time, matches PyTorch float32 within 1e-4 with the kernel and without, and the two each other', () => {
  // The goldens run B streams together; here each stream runs alone (B = 1, the pinned kernel's case) and the
  // gradients of the B runs add up to the batch's (the loss is the mean over all B·T steps).
  for (const c of float32Golden.cases) {
    const model = new RecurrentStack({ cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: false, outputSize: c.out, maxSteps: c.T });
    for (const [name, values] of Object.entries(c.weights)) model.param(name).set(values);
    const N = c.B * c.T;
    const L = c.layers;
    const H = c.H;
    const run = (): { outputs: Float64Array; hN: Float64Array; grads: Float32Array } => {
      const grads = new Float32Array(model.parameterCount);
      const stack = new BatchedStack32(model, 1, c.T, grads);
      const outputs = new Float64Array(N * c.out);
      const hN = new Float64Array(c.B * L * H);
      for (let b = 0; b < c.B; b++) {
        const input = c.ids
          ? { id: (t: number) => c.ids![b][t] }
          : { row: (t: number, _b: number, out: Float32Array | Float64Array, off: number) => out.set(c.x![b][t], off) };
        const h0 = Float64Array.from(c.h0.slice(b * L * H, (b + 1) * L * H));
        const c0 = c.c0 ? Float64Array.from(c.c0.slice(b * L * H, (b + 1) * L * H)) : null;
        const o = stack.forward(c.T, input, h0, c0);
        for (let t = 0; t < c.T; t++) for (let k = 0; k < c.out; k++) outputs[(t * c.B + b) * c.out + k] = o[t * c.out + k];
        const h = new Float64Array(L * H);
        stack.readStates(c.T, h, null);
        hN.set(h, b * L * H);
        for (let t = 0; t < c.T; t++) {
          if (c.loss === 'ce') crossEntropyStep(o, t, c.out, c.ids![b][t + 1], 1 / N);
          else squaredErrorStep(o, t, c.out, Float64Array.from(c.x![b][t + 1]), 0, 1 / (N * c.out));
        }
        stack.backward();
      }
      return { outputs, hN, grads };
    };
    const [wasm, js] = [true, false].map((on) => withKernel(on, run));
    for (const [path, r] of [['kernel', wasm], ['JavaScript', js]] as const) {
      assert.ok(worst(r.outputs, c.outputs) < 1e-4, `${c.name} ${path} outputs ${worst(r.outputs, c.outputs)}`);
      assert.ok(worst(r.hN, c.hN) < 1e-4, `${c.name} ${path} hN`);
      for (const [name, expected] of Object.entries(c.grads)) {
        const t = model.tensorInfo(name);
        const e = worst(r.grads.subarray(t.offset, t.offset + t.rows * t.cols), expected);
        assert.ok(e < 1e-4, `${c.name} ${path} grad ${name}: ${e}`);
      }
    }
    assert.ok(worst(wasm.outputs, js.outputs) < 1e-4, `${c.name} kernel against JavaScript outputs ${worst(wasm.outputs, js.outputs)}`);
    for (const name of Object.keys(c.grads)) {
      const t = model.tensorInfo(name);
      const e = worst(wasm.grads.subarray(t.offset, t.offset + t.rows * t.cols), js.grads.subarray(t.offset, t.offset + t.rows * t.cols));
      assert.ok(e < 1e-4, `${c.name} kernel against JavaScript grad ${name}: ${e}`);
    }
  }
});
