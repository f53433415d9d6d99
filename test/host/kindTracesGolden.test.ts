// The worker's panel traces of tagged (bidirectional), series and sequence-to-one runs (src/worker/kindTraces.ts)
// against PyTorch 1.13 (float64, then the float32 the panels receive): every chain's h_t (the forward chain h→ and the
// backward chain h←, each at its input step), the gates and c_t, the outputs, and ‖∂L/∂h_t‖ per chain — the total
// derivative, read in PyTorch from a stepwise rerun of the same weights (../engine/fixtures/make_trace_golden.py).
// No python needed here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import type { TaggedData } from '../../src/engine/sequenceData';
import {
  finalTargetWindow, kindActivationTrace, kindGradientTrace, seriesWindow, stepPlaces, taggedWindow, type KindWindow,
} from '../../src/worker/kindTraces';

interface GoldenCase {
  name: string;
  cell: CellKind;
  layers: number;
  bidirectional: boolean;
  V: number;
  H: number;
  input: 'onehot' | 'embed' | 'dense';
  loss: 'ce' | 'mse' | 'final';
  out: number;
  T: number;
  ids?: number[];
  x?: number[];
  targets: number[];
  weights: Record<string, number[]>;
  hidden: number[][][];
  cellState: number[][][] | null;
  gates: number[][][] | null;
  outputs: number[];
  lossValue: number;
  gradNorm: number[][];
}

const golden = JSON.parse(readFileSync(new URL('../engine/fixtures/trace_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

/** The panels receive float32: relative error within a few float32 roundings, values below 1e-6 count as zero. */
function close(actual: number, expected: number, what: string): void {
  const rel = Math.abs(actual - expected) / Math.max(Math.abs(actual), Math.abs(expected), 1e-6);
  assert.ok(rel <= 2e-6, `${what}: ${actual} vs torch ${expected} (relative error ${rel})`);
}

function build(c: GoldenCase): RecurrentStack {
  const stack = new RecurrentStack({
    cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: c.bidirectional, outputSize: c.out,
    embedding: c.input === 'embed' ? 3 : undefined, maxSteps: c.T,
  });
  assert.deepEqual(stack.tensors.map((t) => t.name), Object.keys(c.weights));
  for (const t of stack.tensors) stack.param(t.name).set(c.weights[t.name]);
  return stack;
}

/** The window the worker makes of the case's data, written as a file of that kind. */
function windowOf(c: GoldenCase, stack: RecurrentStack): { window: KindWindow; text: string } {
  if (c.loss === 'ce') {
    const tags = Array.from({ length: c.out }, (_, k) => `T${k}`);
    const vocabulary = Array.from({ length: c.V }, (_, k) => `w${k}`);
    // A first sequence the request skips (the cursor is on the second), so the places are not all from line 1.
    const text = `w0\tT0\nw1\tT0\n\n${c.ids!.map((id, t) => `${vocabulary[id]}\t${tags[c.targets[t]]}`).join('\n')}\n`;
    const data: TaggedData = {
      kind: 'tagging', vocabularySize: c.V, tagCount: c.out,
      sequences: [{ ids: Int32Array.from([0, 1]), tags: Int32Array.from([0, 0]) }, { ids: Int32Array.from(c.ids!), tags: Int32Array.from(c.targets) }],
    };
    const places = stepPlaces(text, 'tagged');
    return { window: taggedWindow(stack, data, vocabulary, tags, places, places.starts[2] + 1), text };
  }
  const F = c.V;
  const names = Array.from({ length: F }, (_, j) => `x${j}`);
  if (c.loss === 'mse') {
    const rows = Float64Array.from([...c.x!, ...c.targets.slice((c.T - 1) * F)]);
    const text = `${names.join(',')}\n${Array.from({ length: c.T + 1 }, (_, r) => Array.from(rows.subarray(r * F, (r + 1) * F)).join(',')).join('\n')}\n`;
    const places = stepPlaces(text, 'rows', c.T + 1);
    return { window: seriesWindow(stack, { kind: 'series', rows, length: c.T + 1, features: F }, names, places, 64, places.starts[0], 0), text };
  }
  const text = `${[...names, 'y'].join(',')}\n${Array.from({ length: c.T }, (_, r) => [...c.x!.slice(r * F, (r + 1) * F), r === c.T - 1 ? c.targets[0] : 0].join(',')).join('\n')}\n`;
  const places = stepPlaces(text, 'rows', c.T);
  const data = { kind: 'final-target' as const, inputs: Float64Array.from(c.x!), targets: Float64Array.from(c.targets), count: 1, length: c.T, features: F };
  return { window: finalTargetWindow(stack, data, [...names, 'y'], places, undefined), text };
}

assert.ok(golden.cases.some((c) => c.bidirectional && c.layers === 2));
for (const c of golden.cases) {
  test(`the worker's traces match PyTorch: ${c.name} (${c.cell}, ${c.layers} layer(s), ${c.bidirectional ? 'bidirectional' : 'one direction'}, ${c.loss})`, () => {
    const stack = build(c);
    const { window, text } = windowOf(c, stack);
    const trace = kindActivationTrace(stack, window, 7);
    const D = c.bidirectional ? 2 : 1;
    const C = c.layers * D;
    const { T, H } = c;
    assert.equal(trace.length, T);
    assert.equal(trace.directions ?? 1, D);
    assert.equal(trace.values.length, C * trace.series.length * T * H);
    const S = trace.series.length;
    const G = S - (c.cell === 'lstm' ? 2 : 1);
    for (let ch = 0; ch < C; ch++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < H; j++) {
          const at = (s: number) => ((ch * S + s) * T + t) * H + j;
          const chain = `chain ${ch} (layer ${Math.floor(ch / D) + 1} ${ch % D === 0 ? 'h→' : 'h←'}) step ${t} unit ${j}`;
          close(trace.values[at(S - 1)], c.hidden[ch][t][j], `h of ${chain}`);
          if (c.cellState) close(trace.values[at(S - 2)], c.cellState[ch][t][j], `c of ${chain}`);
          if (c.gates && c.cell !== 'rnn_tanh' && c.cell !== 'rnn_relu') for (let g = 0; g < G; g++) close(trace.values[at(g)], c.gates[ch][t][g * H + j], `gate ${trace.series[g]} of ${chain}`);
        }
        close(trace.gradNormH![ch * T + t], c.gradNorm[ch][t], `‖∂L/∂h_t‖ of chain ${ch} step ${t}`);
      }
    }
    // The places point at the steps' tokens / rows in the file (code points; the text is ASCII).
    for (let t = 0; t < T; t++) {
      const shown = text.slice(trace.tokenStarts![t], trace.tokenEnds![t]);
      if (c.loss === 'ce') assert.equal(shown, trace.tokens[t], `step ${t}'s place`);
      else assert.equal(shown.split(',').length, c.loss === 'mse' ? c.V : c.V + 1, `step ${t}'s place is its row`);
    }
    assert.equal(trace.start, trace.tokenStarts![0]);
    const outputs = trace.outputs!;
    if (c.loss === 'ce') {
      assert.equal(outputs.kind, 'tag');
      for (let t = 0; t < T; t++) {
        const p = c.outputs.slice(t * c.out, (t + 1) * c.out);
        const best = p.indexOf(Math.max(...p));
        assert.equal(trace.topChars[t * 5], `T${best}`, `the predicted tag at step ${t}`);
        close(trace.topProbabilities[t * 5], p[best], `its probability at step ${t}`);
        if (outputs.kind === 'tag') assert.equal(outputs.gold[t], `T${c.targets[t]}`);
      }
    } else if (outputs.kind === 'series') {
      c.outputs.forEach((v, i) => close(outputs.predicted[i], v, `prediction ${i}`));
      c.targets.forEach((v, i) => close(outputs.actual[i], v, `next row ${i}`));
    } else {
      assert.equal(outputs.kind, 'final');
      if (outputs.kind === 'final') {
        close(outputs.predicted, c.outputs[(T - 1) * c.out], 'the final prediction');
        close(outputs.actual, c.targets[0], 'the block target');
      }
    }

    // Gradient Flow reads the same window: the same ‖∂L/∂h_t‖ per chain.
    const g = kindGradientTrace(stack, window, 7, c.loss === 'ce' ? 'tagged' : c.loss === 'mse' ? 'series' : 'sequence-to-one');
    assert.equal(g.directions ?? 1, D);
    assert.equal(g.gradNormH.length, C * T);
    for (let ch = 0; ch < C; ch++) for (let t = 0; t < T; t++) close(g.gradNormH[ch * T + t], c.gradNorm[ch][t], `gradient trace chain ${ch} step ${t}`);
    assert.equal(g.spectralRadius.length, c.layers, 'one spectrum per layer (its forward chain)');
  });
}
