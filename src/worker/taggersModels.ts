// The two taggers of the comparison, on the same TaggerData.
//   HMM (generative): the joint p(x, y) = π(y_1) Π_t A(y_t | y_{t−1}) B(x_t | y_t), estimated by counting with add-α
//       smoothing, decoded by Viterbi: ŷ = argmax_y p(x, y).
//   RNN (discriminative): p(y_t | x_1..x_T) = softmax(W [h→_t; h←_t] + b), trained by cross-entropy with the
//       SequenceTrainer; prediction is the argmax per token.
import { estimateSupervised, viterbiPath, type DiscreteHmm } from '../engine/hmm';
import { Prng } from '../engine/prng';
import { RecurrentStack } from '../engine/recurrentStack';
import { SequenceTrainer, type SequenceStepResult } from '../engine/sequenceTrainer';
import type { TaggerSettings } from '../shared/protocol/taggerComparison';
import type { IdSequence, TaggerData } from './taggersData';

/** Add-α smoothing of the HMM's counts (small: the counts of a tagged file are informative). */
export const HMM_ALPHA = 0.1;
/** Sequences per RNN update. */
export const RNN_BATCH = 8;
const CLIP_NORM = 5;

export function fitHmm(data: TaggerData, alpha = HMM_ALPHA): DiscreteHmm {
  return estimateSupervised(
    data.train.map((s) => ({ tokens: Array.from(s.ids, (k) => data.symbols[k]), tags: Array.from(s.tags, (i) => data.tags[i]) })),
    { alpha, states: data.tags, symbols: data.symbols },
  );
}

/** Free parameters: every distribution (π, each row of A and B) has one fewer than its entries. */
export function hmmParameterCount(model: DiscreteHmm): number {
  const { n, m } = model;
  return n - 1 + n * (n - 1) + n * (m - 1);
}

/** Viterbi tags of every held-out sequence, flattened. */
export function hmmPredict(model: DiscreteHmm, sequences: readonly IdSequence[]): Int32Array {
  const out = new Int32Array(sequences.reduce((a, s) => a + s.ids.length, 0));
  let at = 0;
  for (const s of sequences) {
    out.set(viterbiPath(model, s.ids).path, at);
    at += s.ids.length;
  }
  return out;
}

export function flatTags(sequences: readonly IdSequence[]): Int32Array {
  const out = new Int32Array(sequences.reduce((a, s) => a + s.ids.length, 0));
  let at = 0;
  for (const s of sequences) {
    out.set(s.tags, at);
    at += s.tags.length;
  }
  return out;
}

export class RnnTagger {
  readonly trainer: SequenceTrainer;
  readonly plannedSteps: number;

  constructor(
    private readonly data: TaggerData,
    settings: TaggerSettings,
  ) {
    this.trainer = new SequenceTrainer(
      { kind: 'tagging', sequences: data.train, vocabularySize: data.symbols.length, tagCount: data.tags.length },
      {
        cell: settings.cell,
        layers: 1,
        hiddenSize: settings.hiddenSize,
        bidirectional: settings.bidirectional,
        embedding: settings.embeddingSize,
        seqLength: 1,
        batch: RNN_BATCH,
        optimizer: { kind: 'adam', learningRate: settings.learningRate },
        clip: CLIP_NORM,
        seed: settings.seed,
      },
    );
    this.plannedSteps = Math.max(1, Math.ceil((settings.epochs * data.train.length) / RNN_BATCH));
  }

  get parameterCount(): number {
    return this.trainer.model.parameterCount;
  }

  step(): SequenceStepResult {
    return this.trainer.step();
  }

  /** argmax_k o_t[k] for every held-out token, flattened (a copy of the stack sized for the longest sequence). */
  predict(sequences: readonly IdSequence[]): Int32Array {
    const trained = this.trainer.model;
    const longest = Math.max(1, ...sequences.map((s) => s.ids.length));
    const stack = new RecurrentStack({ ...trained.config, maxSteps: longest }, new Prng(0));
    stack.params.set(trained.params);
    const K = this.data.tags.length;
    const out = new Int32Array(sequences.reduce((a, s) => a + s.ids.length, 0));
    let at = 0;
    for (const s of sequences) {
      const o = stack.forward({ ids: s.ids });
      for (let t = 0; t < s.ids.length; t++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (o[t * K + k] > o[t * K + best]) best = k;
        out[at++] = best;
      }
    }
    return out;
  }
}
