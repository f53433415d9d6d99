// The fitted file decoded with the best Baum-Welch model, for the HMM Fit panel's decoded rows: two decodings of
// every step, both the engine's own,
//   Viterbi:           s* = argmax_s P(s, o)                      (one whole path; viterbiPath / gaussianViterbi)
//   posterior (γ):     γ_t(i) = P(s_t = i | o) = α̂_t(i) β̂_t(i)    (forward-backward; statePosteriors / gaussianPosteriors)
// which can disagree at a step (the most likely path need not pass through each step's most likely state;
// Rabiner 1989, §III.B). A tagged file's sentences are separate sequences, each decoded from π. Each step also
// carries where its text sits in the file (UTF-16 offsets, as the editor counts) so the host can follow the cursor
// and select a step's text.
import { EngineInputError } from '../engine/errors';
import {
  gaussianPosteriors,
  gaussianViterbi,
  statePosteriors,
  viterbiPath,
  type DiscreteHmm,
  type GaussianHmm,
} from '../engine/hmm';
import { MAX_TRELLIS_NODES } from '../shared/analysisLimits';
import type { HmmFitDecoding } from '../shared/workerProtocol';
import type { Spans } from './tokenSpans';

/** Refuses (with the sentence the panel shows) a file whose posteriors T·N would not be kept. */
export function decodingTooLarge(steps: number, states: number): string | undefined {
  if (steps * states <= MAX_TRELLIS_NODES) return undefined;
  return (
    `The decoded rows are not shown: ${steps.toLocaleString('en')} steps × ${states} states is over the ` +
    `${MAX_TRELLIS_NODES.toLocaleString('en')} posteriors Sequence Lab keeps at once.`
  );
}

/** Viterbi and γ of each sequence of a discrete model, concatenated; spans[t] is where step t is in the text. */
export function decodeDiscreteFit(model: DiscreteHmm, sequences: readonly Int32Array[], spans: Spans): HmmFitDecoding {
  const steps = sequences.reduce((s, q) => s + q.length, 0);
  if (spans.starts.length !== steps) throw new Error('internal: token spans do not match the fitted observations');
  const path = new Int32Array(steps);
  const posteriors = new Float32Array(steps * model.n);
  const observations = new Int32Array(steps);
  let pathLogProbability = 0;
  let logLikelihood = 0;
  let at = 0;
  for (const sequence of sequences) {
    if (sequence.length === 0) continue;
    const v = viterbiPath(model, sequence);
    const p = statePosteriors(model, sequence);
    path.set(v.path, at);
    posteriors.set(p.gamma, at * model.n);
    observations.set(sequence, at);
    pathLogProbability += v.logProbability;
    logLikelihood += p.logLikelihood;
    at += sequence.length;
  }
  return { path, pathLogProbability, logLikelihood, posteriors, observations, values: new Float64Array(0), starts: spans.starts, ends: spans.ends };
}

/** Viterbi and γ of a Gaussian model on the rows x_t; row t's span is its line (0-based `rowLines[t]`) in `text`. */
export function decodeGaussianFit(model: GaussianHmm, values: Float64Array, rowLines: Uint32Array, text: string): HmmFitDecoding {
  const v = gaussianViterbi(model, values);
  if (v.logProbability === -Infinity) throw new EngineInputError('The series has probability 0 under the fitted model.');
  const p = gaussianPosteriors(model, values);
  const lines = lineSpans(text);
  const starts = new Uint32Array(rowLines.length);
  const ends = new Uint32Array(rowLines.length);
  rowLines.forEach((line, t) => {
    starts[t] = lines.starts[line] ?? text.length;
    ends[t] = lines.ends[line] ?? text.length;
  });
  return {
    path: v.path,
    pathLogProbability: v.logProbability,
    logLikelihood: p.logLikelihood,
    posteriors: Float32Array.from(p.gamma),
    observations: new Int32Array(0),
    values,
    starts,
    ends,
  };
}

/** Each line's [start, end) in UTF-16 offsets, the line break (CRLF, LF or CR, as the CSV reader counts) excluded. */
export function lineSpans(text: string): { starts: number[]; ends: number[] } {
  const starts = [0];
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    ends.push(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    starts.push(i + 1);
  }
  ends.push(text.length);
  return { starts, ends };
}
