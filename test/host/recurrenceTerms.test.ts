// The Unrolled Network panel's "recurrence with this step's numbers" (src/engine/recurrenceTerms.ts, carried by the
// worker's traceActivations answer): every number it shows is recomputed here from the checkpoint's weights by plain
// loops over PyTorch's equations (nn.RNN tanh/relu, nn.GRU, nn.LSTM), not by the engine's code, to 1e-6:
//   - the PyTorch state_dicts of ../engine/fixtures/trace_golden.json through the worker's tagged/series/
//     sequence-to-one traces (kindTraces.ts): a bidirectional GRU, a 2-layer bidirectional LSTM, a bidirectional ReLU
//     RNN, a 2-layer bidirectional tanh RNN with an embedding, a series LSTM and a sequence-to-one GRU — every chain at
//     every step;
//   - character runs trained by the real bundled worker (GRU, ReLU RNN and LSTM, 2 layers), their model.safetensors
//     checkpoint read by a plain parser here, the step asked for lying in the second chunk of a chunked trace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import type { TaggedData } from '../../src/engine/sequenceData';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { RecurrenceTerms } from '../../src/shared/protocol/traces';
import type { WorkerToHost } from '../../src/shared/protocol/trainingWorker';
import { CHUNK_STEPS } from '../../src/worker/activationTrace';
import { finalTargetWindow, kindActivationTrace, seriesWindow, stepPlaces, taggedWindow, type KindWindow } from '../../src/worker/kindTraces';
import { startTrainingWorker } from './trainingWorkerHarness';

type Weights = Record<string, ArrayLike<number>>;

interface Model {
  cell: CellKind;
  layers: number;
  D: number;
  H: number;
  /** Width of layer 0's input: V (one-hot), E (embedding) or the features. */
  I0: number;
}

type Input = { ids: number[]; embedded: boolean } | { rows: number[] };

const sig = (a: number) => 1 / (1 + Math.exp(-a));

/**
 * Every chain's terms at every input time, by PyTorch's equations in plain loops: out[c][t] (c = k·D + d).
 */
function reference(m: Model, w: Weights, input: Input, T: number): RecurrenceTerms[][] {
  const { H, D } = m;
  const G = m.cell === 'lstm' ? 4 : m.cell === 'gru' ? 3 : 1;
  const out: RecurrenceTerms[][] = [];
  let below: number[][] = [];
  for (let k = 0; k < m.layers; k++) {
    const xs: number[][] = [];
    let kind: RecurrenceTerms['input'];
    for (let t = 0; t < T; t++) {
      if (k > 0) {
        kind = 'below';
        xs.push(below[t]);
      } else if ('ids' in input) {
        const id = input.ids[t];
        if (input.embedded) {
          kind = 'embedding';
          xs.push(Array.from({ length: m.I0 }, (_, e) => w['embed.weight'][id * m.I0 + e]));
        } else {
          kind = 'one-hot';
          xs.push(Array.from({ length: m.I0 }, (_, v) => (v === id ? 1 : 0)));
        }
      } else {
        kind = 'rows';
        xs.push(input.rows.slice(t * m.I0, (t + 1) * m.I0));
      }
    }
    const I = xs[0].length;
    const hs: number[][][] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
      const wih = w[`rnn.weight_ih${sfx}`];
      const whh = w[`rnn.weight_hh${sfx}`];
      const bih = w[`rnn.bias_ih${sfx}`];
      const bhh = w[`rnn.bias_hh${sfx}`];
      const chain: RecurrenceTerms[] = [];
      const hAt: number[][] = [];
      let hPrev = new Array<number>(H).fill(0);
      let cPrev = new Array<number>(H).fill(0);
      for (let s = 0; s < T; s++) {
        const t = d === 1 ? T - 1 - s : s;
        const x = xs[t];
        const inp = Array.from({ length: G * H }, (_, r) => {
          let sum = 0;
          for (let i = 0; i < I; i++) sum += wih[r * I + i] * x[i];
          return sum;
        });
        const hid = Array.from({ length: G * H }, (_, r) => {
          let sum = 0;
          for (let j = 0; j < H; j++) sum += whh[r * H + j] * hPrev[j];
          return sum;
        });
        const pre = new Array<number>(G * H);
        const act = new Array<number>(G * H);
        const h = new Array<number>(H);
        const c = new Array<number>(H);
        const tanhC = new Array<number>(H);
        for (let r = 0; r < G * H; r++) pre[r] = inp[r] + bih[r] + hid[r] + bhh[r];
        if (m.cell === 'rnn_tanh' || m.cell === 'rnn_relu') {
          for (let j = 0; j < H; j++) act[j] = h[j] = m.cell === 'rnn_tanh' ? Math.tanh(pre[j]) : Math.max(0, pre[j]);
        } else if (m.cell === 'lstm') {
          for (let j = 0; j < H; j++) {
            const [i, f, g, o] = [sig(pre[j]), sig(pre[H + j]), Math.tanh(pre[2 * H + j]), sig(pre[3 * H + j])];
            [act[j], act[H + j], act[2 * H + j], act[3 * H + j]] = [i, f, g, o];
            c[j] = f * cPrev[j] + i * g;
            tanhC[j] = Math.tanh(c[j]);
            h[j] = o * tanhC[j];
          }
        } else {
          for (let j = 0; j < H; j++) {
            const r = sig(pre[j]);
            const z = sig(pre[H + j]);
            // n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
            pre[2 * H + j] = inp[2 * H + j] + bih[2 * H + j] + r * (hid[2 * H + j] + bhh[2 * H + j]);
            const n = Math.tanh(pre[2 * H + j]);
            [act[j], act[H + j], act[2 * H + j]] = [r, z, n];
            h[j] = (1 - z) * n + z * hPrev[j];
          }
        }
        const f64 = (v: ArrayLike<number>) => Float64Array.from(v);
        chain[t] = {
          chain: k * D + d, t, input: kind!, id: 'ids' in input && k === 0 ? input.ids[t] : -1,
          x: f64(kind! === 'one-hot' ? [] : x), inputTerm: f64(inp), hiddenTerm: f64(hid),
          biasIh: f64(bih), biasHh: f64(bhh), preActivation: f64(pre), activation: f64(act), hPrev: f64(hPrev), h: f64(h),
          ...(m.cell === 'lstm' ? { cPrev: f64(cPrev), c: f64(c), tanhC: f64(tanhC) } : {}),
        };
        hAt[t] = h;
        hPrev = h;
        cPrev = c;
      }
      hs.push(hAt);
      out.push(chain);
    }
    below = Array.from({ length: T }, (_, t) => hs.flatMap((hd) => hd[t]));
  }
  return out;
}

const ARRAYS = ['x', 'inputTerm', 'hiddenTerm', 'biasIh', 'biasHh', 'preActivation', 'activation', 'hPrev', 'h', 'cPrev', 'c', 'tanhC'] as const;

/** Every number the panel shows, against the reference, to 1e-6 (absolute; relative above 1). */
function assertTerms(actual: RecurrenceTerms | undefined, expected: RecurrenceTerms, what: string): number {
  assert.ok(actual, `${what}: the trace carries the terms`);
  assert.equal(actual.chain, expected.chain, `${what}: chain`);
  assert.equal(actual.t, expected.t, `${what}: t`);
  assert.equal(actual.input, expected.input, `${what}: input kind`);
  assert.equal(actual.id, expected.id, `${what}: token id`);
  let compared = 0;
  for (const name of ARRAYS) {
    const a: Float64Array | undefined = actual[name];
    const e: Float64Array | undefined = expected[name];
    assert.equal(a === undefined, e === undefined, `${what}: ${name} present`);
    if (!a || !e) continue;
    assert.ok(a instanceof Float64Array, `${what}: ${name} travels as a Float64Array`);
    assert.equal(a.length, e.length, `${what}: ${name} length`);
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(a[i] - e[i]) <= 1e-6 * Math.max(1, Math.abs(e[i])), `${what}: ${name}[${i}] = ${a[i]}, recomputed ${e[i]}`);
      compared++;
    }
  }
  return compared;
}

// ── PyTorch state_dicts through the worker's tagged / series / sequence-to-one traces ────────────────────────────

interface GoldenCase {
  name: string; cell: CellKind; layers: number; bidirectional: boolean; V: number; H: number; input: 'onehot' | 'embed' | 'dense';
  loss: 'ce' | 'mse' | 'final'; out: number; T: number; ids?: number[]; x?: number[]; targets: number[]; weights: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync(new URL('../engine/fixtures/trace_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const EMBEDDING = 3;

function build(c: GoldenCase): RecurrentStack {
  const stack = new RecurrentStack({
    cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: c.bidirectional, outputSize: c.out,
    embedding: c.input === 'embed' ? EMBEDDING : undefined, maxSteps: c.T,
  });
  for (const t of stack.tensors) stack.param(t.name).set(c.weights[t.name]);
  return stack;
}

function windowOf(c: GoldenCase, stack: RecurrentStack): KindWindow {
  if (c.loss === 'ce') {
    const tags = Array.from({ length: c.out }, (_, k) => `T${k}`);
    const vocabulary = Array.from({ length: c.V }, (_, k) => `w${k}`);
    const text = `${c.ids!.map((id, t) => `${vocabulary[id]}\t${tags[c.targets[t]]}`).join('\n')}\n`;
    const data: TaggedData = { kind: 'tagging', vocabularySize: c.V, tagCount: c.out, sequences: [{ ids: Int32Array.from(c.ids!), tags: Int32Array.from(c.targets) }] };
    return taggedWindow(stack, data, vocabulary, tags, stepPlaces(text, 'tagged'), undefined);
  }
  const F = c.V;
  const names = Array.from({ length: F }, (_, j) => `x${j}`);
  if (c.loss === 'mse') {
    const rows = Float64Array.from([...c.x!, ...c.targets.slice((c.T - 1) * F)]);
    const text = `${Array.from({ length: c.T + 1 }, (_, r) => Array.from(rows.subarray(r * F, (r + 1) * F)).join(',')).join('\n')}\n`;
    const places = stepPlaces(text, 'rows');
    return seriesWindow(stack, { kind: 'series', rows, length: c.T + 1, features: F }, names, places, 64, places.starts[0], 0);
  }
  const text = `${Array.from({ length: c.T }, (_, r) => [...c.x!.slice(r * F, (r + 1) * F), r === c.T - 1 ? c.targets[0] : 0].join(',')).join('\n')}\n`;
  const data = { kind: 'final-target' as const, inputs: Float64Array.from(c.x!), targets: Float64Array.from(c.targets), count: 1, length: c.T, features: F };
  return finalTargetWindow(stack, data, [...names, 'y'], stepPlaces(text, 'rows'), undefined);
}

const kinds = new Set(golden.cases.map((c) => c.cell));
for (const cell of ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'] as const) assert.ok(kinds.has(cell), `the fixture has a ${cell}`);
assert.ok(golden.cases.some((c) => c.bidirectional && c.layers === 2 && c.cell === 'lstm'));

for (const c of golden.cases) {
  test(`every term of every step recomputed from the state_dict: ${c.name} (${c.cell}, ${c.layers} layer(s), ${c.bidirectional ? 'bidirectional' : 'one direction'}, ${c.input})`, () => {
    const stack = build(c);
    const window = windowOf(c, stack);
    const D = c.bidirectional ? 2 : 1;
    const input: Input = c.input === 'dense' ? { rows: c.x! } : { ids: c.ids!, embedded: c.input === 'embed' };
    const expected = reference({ cell: c.cell, layers: c.layers, D, H: c.H, I0: c.input === 'embed' ? EMBEDDING : c.V }, c.weights, input, c.T);
    let compared = 0;
    for (let chain = 0; chain < c.layers * D; chain++) {
      for (let t = 0; t < c.T; t++) {
        const trace = kindActivationTrace(stack, window, 7, { chain, t });
        compared += assertTerms(trace.recurrence, expected[chain][t], `${c.name} chain ${chain} t ${t}`);
      }
    }
    assert.ok(compared > c.layers * D * c.T * c.H * 6);
    // Outside the model or the window: no terms, the trace itself unchanged.
    assert.equal(kindActivationTrace(stack, window, 7, { chain: c.layers * D, t: 0 }).recurrence, undefined);
    assert.equal(kindActivationTrace(stack, window, 7, { chain: 0, t: c.T }).recurrence, undefined);
    assert.equal(kindActivationTrace(stack, window, 7).recurrence, undefined);
  });
}

// ── Character runs through the real worker, against their model.safetensors checkpoint ───────────────────────────

/** A safetensors file's F64 tensors by name, read by the format's definition (u64 header length, JSON header, data). */
function readSafetensors(bytes: Uint8Array): { weights: Weights; vocabulary: string[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const meta = (header.__metadata__ as unknown as Record<string, string>).sequence_lab;
  const out: Weights = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    assert.equal(info.dtype, 'F64', `${name} is float64`);
    const [from, to] = info.data_offsets;
    const values: number[] = [];
    for (let at = 8 + n + from; at < 8 + n + to; at += 8) values.push(view.getFloat64(at, true));
    out[name] = values;
  }
  return { weights: out, vocabulary: (JSON.parse(meta) as { vocabulary: string[] }).vocabulary };
}

const { received, send, next } = startTrainingWorker(60_000);
const text = 'the cat sat on the mat. the dog dug a log. a bat and a rat ran at the cat. '.repeat(8);

for (const [model, nonlinearity, cellKind] of [['gru', undefined, 'gru'], ['rnn', 'relu', 'rnn_relu'], ['lstm', undefined, 'lstm']] as const) {
  test(`through the worker: a 2-layer character ${cellKind} run's terms equal the recomputation from its checkpoint, across chunks`, async () => {
    const runId = `r-${cellKind}`;
    send({
      type: 'train', runId, text,
      config: { ...DEFAULT_CONFIG, cell: model, ...(nonlinearity ? { nonlinearity } : {}), layers: 2, hiddenSize: 6, seqLength: 16, steps: 15, sampleEvery: 1000 },
    });
    await next(runId, 'finished');
    const checkpoints = received.filter((m): m is Extract<WorkerToHost, { type: 'checkpoint' }> => m.runId === runId && m.type === 'checkpoint');
    const last = checkpoints[checkpoints.length - 1];
    assert.equal(last.step, 15, 'the checkpoint of the final weights');
    const { weights, vocabulary } = readSafetensors(last.model);
    const T = CHUNK_STEPS + 20;
    const start = 5;
    // Layer 2 (chain 1) at a step of the second chunk: its h_{t−1} and the layer below's h_t come across the chunk edge.
    for (const [chain, t] of [[1, CHUNK_STEPS + 3], [0, CHUNK_STEPS], [0, 0]]) {
      send({ type: 'traceActivations', runId, requestId: 100 + t + chain, length: T, start, recurrence: { chain, t } });
      const answer = await next(runId, 'activationTrace');
      received.splice(received.indexOf(answer), 1);
      assert.equal(answer.start, start);
      assert.equal(answer.length, T);
      assert.deepEqual(answer.tokens, [...text].slice(start, start + T));
      const ids = answer.tokens.map((ch) => vocabulary.indexOf(ch));
      assert.ok(ids.every((id) => id >= 0));
      const expected = reference({ cell: cellKind, layers: 2, D: 1, H: 6, I0: vocabulary.length }, weights, { ids, embedded: false }, T);
      const what = `${cellKind} chain ${chain} t ${t}`;
      assertTerms(answer.recurrence, expected[chain][t], what);
      // The panel's h_t column is the same state (to float32).
      const S = answer.series.length;
      for (let j = 0; j < 6; j++) assert.equal(answer.values[((chain * S + S - 1) * T + t) * 6 + j], Math.fround(answer.recurrence!.h[j]), `${what}: h_t unit ${j}`);
    }
  });
}
