// RecurrentStack against PyTorch 1.13 (float64): outputs, final states, loss and EVERY gradient (parameters, h0, c0,
// dense input) for the weights of fixtures/stack_golden.json, made by fixtures/make_stack_golden.py from
// nn.Embedding + nn.RNN / nn.GRU / nn.LSTM + nn.Linear + cross_entropy / mse_loss. No python needed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { RecurrentStack, type LossTarget, type StackInput } from '../../src/engine/recurrentStack';

interface GoldenCase {
  name: string;
  cell: CellKind;
  layers: number;
  bidirectional: boolean;
  V: number;
  H: number;
  input: 'onehot' | 'embed' | 'dense';
  loss: 'ce' | 'mse';
  out: number;
  T: number;
  ids?: number[];
  x?: number[];
  targets: number[];
  weights: Record<string, number[]>;
  shapes: Record<string, number[]>;
  h0: number[];
  c0: number[] | null;
  outputs: number[];
  layerOutput: number[];
  hN: number[];
  cN: number[] | null;
  lossValue: number;
  grads: Record<string, number[]>;
  dh0: number[];
  dc0: number[] | null;
  dx: number[] | null;
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/stack_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const EMBED_DIM = 3;
/** Relative tolerance, against max(|a|, |b|, FLOOR). */
const TOL = 1e-9;
/**
 * Below FLOOR a value counts as zero: an entry that is a sum of terms of size ~1 that cancel to ~1e-17 carries
 * rounding noise of ~1e-16 absolute in both implementations, which no relative test can pass.
 */
const FLOOR = 1e-12;

/** The largest relative error seen per cell kind, printed at the end. */
const worst = new Map<string, number>();

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, kind: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const rel = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), FLOOR);
    assert.ok(rel <= TOL, `${what}[${i}]: ${a} vs torch ${b} (relative error ${rel})`);
    worst.set(kind, Math.max(worst.get(kind) ?? 0, rel));
  }
}

function build(c: GoldenCase): RecurrentStack {
  const stack = new RecurrentStack({
    cell: c.cell,
    inputSize: c.V,
    hiddenSize: c.H,
    layers: c.layers,
    bidirectional: c.bidirectional,
    outputSize: c.out,
    embedding: c.input === 'embed' ? EMBED_DIM : undefined,
    maxSteps: c.T + 2, // buffers larger than the sequence must not matter
  });
  // Same names, same shapes, same order as the PyTorch state_dict.
  assert.deepEqual(stack.tensors.map((t) => t.name), Object.keys(c.weights));
  for (const t of stack.tensors) {
    const shape = c.shapes[t.name];
    assert.deepEqual([t.rows, t.cols], shape.length === 1 ? [shape[0], 1] : shape, `shape of ${t.name}`);
    stack.param(t.name).set(c.weights[t.name]);
  }
  return stack;
}

assert.ok(golden.cases.length >= 10);
for (const c of golden.cases) {
  const shape = `${c.layers} layer${c.layers > 1 ? 's' : ''} ${c.bidirectional ? 'bidirectional' : 'unidirectional'}, ${c.input} input, ${c.loss}`;
  test(`matches PyTorch: ${c.name} (${shape}, H=${c.H}, T=${c.T})`, () => {
    const stack = build(c);
    const input: StackInput = c.x ? { x: Float64Array.from(c.x), steps: c.T } : { ids: Int32Array.from(c.ids!) };
    const target: LossTarget = c.loss === 'ce'
      ? { kind: 'cross-entropy', targets: Int32Array.from(c.targets) }
      : { kind: 'mse', targets: Float64Array.from(c.targets) };
    const h0 = Float64Array.from(c.h0);
    const c0 = c.c0 ? Float64Array.from(c.c0) : undefined;

    const o = stack.forward(input, h0, c0);
    assertClose(o, c.outputs, 'outputs', c.cell);
    assertClose(stack.layerOutput(c.layers - 1), c.layerOutput, 'top layer output', c.cell);
    assertClose(stack.hN, c.hN, 'hN', c.cell);
    if (c.cN) assertClose(stack.cN, c.cN, 'cN', c.cell);

    const loss = stack.backward(target);
    assertClose([loss], [c.lossValue], 'loss', c.cell);
    for (const t of stack.tensors) assertClose(stack.grad(t.name), c.grads[t.name], `grad ${t.name}`, c.cell);
    assertClose(stack.dh0, c.dh0, 'dL/dh0', c.cell);
    if (c.dc0) assertClose(stack.dc0, c.dc0, 'dL/dc0', c.cell);
    if (c.dx) assertClose(stack.inputGradient.subarray(0, c.T * c.V), c.dx, 'dL/dx', c.cell);
  });
}

test('next-token helper: ids[0…T−1] in, ids[1…T] as targets, same loss and gradients as the explicit call', () => {
  const c = golden.cases.find((x) => x.name === 'gru_1x_uni')!;
  const stack = build(c);
  const ids = Int32Array.from([...c.ids!, c.targets[c.T - 1]]);
  const loss = stack.forwardBackwardNextToken(ids, Float64Array.from(c.h0));
  assertClose([loss], [c.lossValue], 'loss', c.cell);
  for (const t of stack.tensors) assertClose(stack.grad(t.name), c.grads[t.name], `grad ${t.name}`, c.cell);
});

test('largest relative error against torch per cell kind stays within 1e-9', () => {
  assert.deepEqual([...worst.keys()].sort(), ['gru', 'lstm', 'rnn_relu', 'rnn_tanh']);
  console.log(`max relative error vs torch: ${[...worst].map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
});
