// SequenceTrainer against PyTorch 1.13 (float64): a few updates of truncated BPTT over B streams (next-token and
// series) or of tagging (bidirectional), with SGD (momentum), RMSProp and Adam, global-norm and per-value clipping,
// from the same initial weights. fixtures/trainer_golden.json is made by fixtures/make_trainer_golden.py; the losses,
// the gradient norms before clipping and every final weight must match within 1e-9 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { OptimizerConfig } from '../../src/engine/optimizers';
import type { SequenceData } from '../../src/engine/sequenceData';
import { SequenceTrainer, type ModelKind } from '../../src/engine/sequenceTrainer';

interface GoldenCase {
  name: string;
  cell: 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';
  layers: number;
  bidirectional: boolean;
  H: number;
  data: 'next-token' | 'series' | 'tagging';
  V?: number;
  F?: number;
  tags?: number;
  embed: number | null;
  B: number;
  k1?: number;
  k2?: number;
  optimizer: OptimizerConfig;
  clip: number;
  clipValue: number;
  steps: number;
  ids?: number[];
  rows?: number[];
  sequences?: { ids: number[]; tags: number[] }[];
  initial: Record<string, number[]>;
  final: Record<string, number[]>;
  losses: number[];
  gradNorms: number[];
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/trainer_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const TOL = 1e-9;
/** Entries below this magnitude in both count as zero (rounding noise of cancelling sums, as in the stack golden). */
const FLOOR = 1e-12;

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), FLOOR);
}

function dataOf(c: GoldenCase): SequenceData {
  if (c.data === 'next-token') return { kind: 'next-token', ids: Int32Array.from(c.ids!), vocabularySize: c.V! };
  if (c.data === 'series') return { kind: 'series', rows: Float64Array.from(c.rows!), length: c.rows!.length / c.F!, features: c.F! };
  return {
    kind: 'tagging', vocabularySize: c.V!, tagCount: c.tags!,
    sequences: c.sequences!.map((s) => ({ ids: Int32Array.from(s.ids), tags: Int32Array.from(s.tags) })),
  };
}

let worst = 0;
for (const c of golden.cases) {
  test(`matches PyTorch: ${c.name}`, () => {
    const model: ModelKind = c.cell.startsWith('rnn') ? 'rnn' : (c.cell as ModelKind);
    const trainer = new SequenceTrainer(dataOf(c), {
      cell: model, nonlinearity: c.cell === 'rnn_relu' ? 'relu' : c.cell === 'rnn_tanh' ? 'tanh' : undefined,
      layers: c.layers, hiddenSize: c.H, bidirectional: c.bidirectional, embedding: c.embed ?? undefined,
      seqLength: c.k1 ?? 1, truncate: c.k2, batch: c.B, optimizer: c.optimizer,
      clip: c.clip, clipValue: c.clipValue, seed: 0,
    });
    assert.deepEqual(trainer.model.tensors.map((t) => t.name).sort(), Object.keys(c.initial).sort());
    for (const [name, values] of Object.entries(c.initial)) trainer.model.param(name).set(values);
    let clippedSome = false;
    for (let s = 0; s < c.steps; s++) {
      const r = trainer.step();
      clippedSome ||= r.clipped;
      const e1 = relative(r.loss, c.losses[s]);
      const e2 = relative(r.gradNorm, c.gradNorms[s]);
      assert.ok(e1 <= TOL, `step ${s + 1} loss ${r.loss} vs torch ${c.losses[s]} (${e1})`);
      assert.ok(e2 <= TOL, `step ${s + 1} grad norm ${r.gradNorm} vs torch ${c.gradNorms[s]} (${e2})`);
      worst = Math.max(worst, e1, e2);
    }
    if (c.clip > 0 || c.clipValue > 0) assert.ok(clippedSome, 'the case is meant to exercise clipping');
    for (const [name, values] of Object.entries(c.final)) {
      const p = trainer.model.param(name);
      for (let i = 0; i < values.length; i++) {
        const e = relative(p[i], values[i]);
        assert.ok(e <= TOL, `${name}[${i}] ${p[i]} vs torch ${values[i]} (${e})`);
        worst = Math.max(worst, e);
      }
    }
  });
}

test('worst relative error against PyTorch', () => {
  console.log(`# trainer golden: worst relative error ${worst.toExponential(2)} over ${golden.cases.length} cases`);
});
