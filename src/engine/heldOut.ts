// The held-out part of a run's data: kept out of training and scored now and then, so the loss on data the model
// never trained on is plotted beside the training loss (where the two part, the model starts to memorise).
//   text (characters, words)  the LAST `share` of the tokens: positions in the file stay positions of the training
//                             data (the panels map steps to the editor 1:1), and the held-out text is the file's
//                             "future", as char-rnn and nanoGPT hold out theirs. Its first token is read as context
//                             only (it is the last training token), so no target is in both parts.
//   series                    the LAST `share` of the rows (a forecast is judged on the future; a random draw of rows
//                             would leak each held-out row's neighbours into training).
//   tagged, sequence-to-one   a seeded draw of `share` of the sequences (Fisher-Yates on their indices); training
//                             keeps the others in file order.
// Too little data to hold out (fewer than two held-out targets, or a training part too short to train on) holds out
// nothing, and says so. Pure: numbers in, numbers out.
import type { FinalTargetData } from './finalTargetTrainer';
import { Prng } from './prng';
import type { RecurrentStack } from './recurrentStack';
import type { SequenceData } from './sequenceData';
import { crossEntropyStep, squaredErrorStep } from './stepLoss';

/** The share of the data held out by default. */
export const HELD_OUT_SHARE = 0.1;
/**
 * The seed of the held-out draw of tagged and sequence-to-one data. Fixed, not the run's seed: runs on one file
 * with different seeds then hold out the same sequences, so their held-out losses compare (Compare Runs ranks them).
 */
export const HELD_OUT_SEED = 42;
/** An evaluation scores at most this many held-out targets (steps), always the same ones, so points compare. */
export const HELD_OUT_EVAL_STEPS = 2048;
/** The seed of the draw is this far from the training seed (the draw never coincides with the initialisation's). */
const SPLIT_SEED_OFFSET = 0x6d2b79f5;

export type HeldOutPart =
  | { kind: 'stream'; ids: Int32Array }
  | { kind: 'tagged'; sequences: { ids: Int32Array; tags: Int32Array }[] }
  | { kind: 'series'; rows: Float64Array; length: number; features: number }
  | { kind: 'final-target'; data: FinalTargetData };

/** What the split held out, in the data's own units. */
export interface HeldOutSplit<D> {
  /** The training part (the data itself when nothing is held out). */
  train: D;
  /** undefined: the data is too small to hold anything out. */
  heldOut: HeldOutPart | undefined;
  /** Targets (tokens, tags, rows, sequences) in each part. */
  trainCount: number;
  heldOutCount: number;
  /** "the last 10% of the characters" / "10% of the sequences, drawn with seed 42" / why nothing is held out. */
  description: string;
}

/** Indices 0 … n−1 in a seeded random order (Fisher-Yates). */
export function seededOrder(n: number, seed: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = new Prng((seed + SPLIT_SEED_OFFSET) >>> 0);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

/** Splits streamed or tagged data (SequenceTrainer's). `unit` names a token in the description. */
export function splitSequenceData(data: SequenceData, share: number, seed: number, unit: string, minTrain: number): HeldOutSplit<SequenceData> {
  if (data.kind === 'next-token') {
    const n = data.ids.length;
    const held = Math.floor(n * share);
    // held targets, read after one context token; training keeps n − held tokens (n − held − 1 targets).
    if (share <= 0 || held < 2 || n - held - 1 < minTrain) return none(data, n - 1, `nothing held out: ${n} ${unit} are too few`);
    return {
      train: { ...data, ids: data.ids.subarray(0, n - held) },
      heldOut: { kind: 'stream', ids: data.ids.subarray(n - held - 1) },
      trainCount: n - held - 1, heldOutCount: held,
      description: `the last ${percent(share)} of the ${unit}`,
    };
  }
  if (data.kind === 'series') {
    const n = data.length;
    const held = Math.floor(n * share);
    if (share <= 0 || held < 2 || n - held - 1 < minTrain) return none(data, n - 1, `nothing held out: ${n} rows are too few`);
    const F = data.features;
    return {
      train: { ...data, rows: data.rows.subarray(0, (n - held) * F), length: n - held },
      heldOut: { kind: 'series', rows: data.rows.subarray((n - held - 1) * F), length: held + 1, features: F },
      trainCount: n - held - 1, heldOutCount: held,
      description: `the last ${percent(share)} of the rows`,
    };
  }
  const count = data.sequences.length;
  const held = Math.round(count * share);
  if (share <= 0 || held < 1 || count - held < 1) return none(data, tokensOf(data.sequences), `nothing held out: ${count === 1 ? 'one sequence is' : `${count} sequences are`} too few`);
  const heldIndex = heldOutIndices(count, held, seed);
  // The model is sized by its training sequences: the longest sequence of the file always trains, so no held-out
  // sequence is longer than every training one (it would not fit the stack it is scored on). If the draw held it out,
  // the next sequence in the seeded order is held out instead.
  let longest = 0;
  for (let i = 1; i < count; i++) if (data.sequences[i].ids.length > data.sequences[longest].ids.length) longest = i;
  if (heldIndex.has(longest)) {
    heldIndex.delete(longest);
    heldIndex.add(seededOrder(count, seed)[held]);
  }
  const train = data.sequences.filter((_, i) => !heldIndex.has(i));
  const heldOut = data.sequences.filter((_, i) => heldIndex.has(i));
  return {
    train: { ...data, sequences: train },
    heldOut: { kind: 'tagged', sequences: heldOut },
    trainCount: tokensOf(train), heldOutCount: tokensOf(heldOut),
    description: `${held} of the ${count} sequences (${percent(held / count)}), drawn with seed ${seed}`,
  };
}

/** Splits sequence-to-one data: a seeded draw of whole sequences. */
export function splitFinalTargetData(data: FinalTargetData, share: number, seed: number): HeldOutSplit<FinalTargetData> {
  const count = data.count;
  const held = Math.round(count * share);
  if (share <= 0 || held < 1 || count - held < 1) return none(data, count, `nothing held out: ${count === 1 ? 'one sequence is' : `${count} sequences are`} too few`);
  const heldIndex = heldOutIndices(count, held, seed);
  const pick = (keep: (i: number) => boolean): FinalTargetData => {
    const indices = Array.from({ length: count }, (_, i) => i).filter(keep);
    const block = data.length * data.features;
    const inputs = new Float64Array(indices.length * block);
    const targets = new Float64Array(indices.length);
    indices.forEach((n, k) => {
      inputs.set(data.inputs.subarray(n * block, (n + 1) * block), k * block);
      targets[k] = data.targets[n];
    });
    return { ...data, inputs, targets, count: indices.length };
  };
  return {
    train: pick((i) => !heldIndex.has(i)),
    heldOut: { kind: 'final-target', data: pick((i) => heldIndex.has(i)) },
    trainCount: count - held, heldOutCount: held,
    description: `${held} of the ${count} sequences (${percent(held / count)}), drawn with seed ${seed}`,
  };
}

function heldOutIndices(count: number, held: number, seed: number): Set<number> {
  return new Set(seededOrder(count, seed).subarray(0, held));
}

function tokensOf(sequences: { ids: Int32Array }[]): number {
  return sequences.reduce((n, s) => n + s.ids.length, 0);
}

function none<D>(data: D, count: number, description: string): HeldOutSplit<D> {
  return { train: data, heldOut: undefined, trainCount: count, heldOutCount: 0, description };
}

/** The loss on the held-out part, in the training loss's unit, and a tagger's share of right tags. */
export interface HeldOutScore {
  /** Mean cross-entropy per target (nats), or mean squared error per value (series) / per sequence (sequence-to-one). */
  loss: number;
  /** Tagged and next-token data: share of targets whose most probable class is right. */
  accuracy?: number;
  /** Targets scored (at most HELD_OUT_EVAL_STEPS; always the first ones of the part). */
  count: number;
}

/**
 * Scores `model` on the held-out part, forward only, in chunks of the model's maxSteps carrying the state (a stream
 * is read as one sequence from a zero state; each tagged or sequence-to-one sequence from a zero state). Returns
 * undefined when `shouldStop` turns true between two chunks (nothing is changed: forward passes only touch the
 * model's work buffers, which every update overwrites).
 */
export function scoreHeldOut(model: RecurrentStack, part: HeldOutPart, shouldStop: () => boolean = () => false, maxSteps = HELD_OUT_EVAL_STEPS): HeldOutScore | undefined {
  const K = model.config.outputSize;
  const lstm = model.config.cell === 'lstm';
  const chunk = Math.max(1, model.config.maxSteps);
  let loss = 0;
  let right = 0;
  let count = 0;
  const classify = (o: Float64Array, t: number, y: number) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (o[t * K + k] > o[t * K + best]) best = k;
    if (best === y) right++;
  };
  if (part.kind === 'stream' || part.kind === 'series') {
    const steps = Math.min(maxSteps, (part.kind === 'stream' ? part.ids.length : part.length) - 1);
    const state = new Float64Array(model.hN.length);
    const cell = new Float64Array(model.cN.length);
    for (let p = 0; p < steps; p += chunk) {
      if (shouldStop()) return undefined;
      const q = Math.min(steps, p + chunk);
      if (part.kind === 'stream') {
        const o = model.forward({ ids: part.ids.subarray(p, q) }, state, lstm ? cell : undefined);
        for (let t = 0; t < q - p; t++) {
          const y = part.ids[p + t + 1];
          classify(o, t, y);
          loss += crossEntropyStep(o, t, K, y, 0);
        }
      } else {
        const F = part.features;
        const o = model.forward({ x: part.rows.subarray(p * F, q * F), steps: q - p }, state, lstm ? cell : undefined);
        for (let t = 0; t < q - p; t++) loss += squaredErrorStep(o, t, K, part.rows, (p + t + 1) * F, 0) / F;
      }
      state.set(model.hN);
      if (lstm) cell.set(model.cN);
      count += q - p;
    }
    return { loss: loss / Math.max(1, count), ...(part.kind === 'stream' ? { accuracy: right / Math.max(1, count) } : {}), count };
  }
  if (part.kind === 'tagged') {
    for (const s of part.sequences) {
      if (count >= maxSteps) break;
      if (shouldStop()) return undefined;
      const o = model.forward({ ids: s.ids });
      for (let t = 0; t < s.ids.length; t++) {
        classify(o, t, s.tags[t]);
        loss += crossEntropyStep(o, t, K, s.tags[t], 0);
      }
      count += s.ids.length;
    }
    return { loss: loss / Math.max(1, count), accuracy: right / Math.max(1, count), count };
  }
  const d = part.data;
  const block = d.length * d.features;
  for (let n = 0; n < d.count && count * d.length < maxSteps; n++) {
    if (shouldStop()) return undefined;
    const o = model.forward({ x: d.inputs.subarray(n * block, (n + 1) * block), steps: d.length });
    const e = o[d.length - 1] - d.targets[n];
    loss += e * e;
    count++;
  }
  return { loss: loss / Math.max(1, count), count };
}
