// "Colour Text by Model" on a tagged run: the tagger read over a slice of its token<TAB>tag file as the editor holds
// it. Every sentence (lines up to a blank line) is one sequence, read whole as in training, so a bidirectional tagger's
// backward chain h← sees the sentence's future: p(y_t | x_1 … x_T) = softmax(W_hy [h→_t ; h←_t] + b_y) per token.
// For every token the answer gives the argmax tag, the top-5 tags with their probabilities, and the file's own tag.
//
// The host sends whole sentences (it widens the visible lines to blank lines, src/rnnEditor/taggedColouring.ts);
// a sentence cut by the slice's edge would be read without its cut part, so only whole sentences should be sent.
// Lines that are not token<TAB>tag end the sentence before them and are skipped (the file's problems are the
// experiment's and the trainer's to report; colouring shows what it can). A token the run never saw enters as a zero
// one-hot row (or, with an embedding, as id 0), as an unknown character does in textInference.ts, and is flagged.
// A sentence longer than MAX_TAG_STEPS tokens is read in pieces of that length (each piece from a zero state).
import { EngineInputError } from '../engine/errors';
import { RecurrentStack } from '../engine/recurrentStack';
import type { TaggedTextInference } from '../shared/protocol/trainingWorker';
import { inputOf, MAX_INFERENCE_TEXT, TEXT_TOP_K } from './textInference';

/** The longest stretch of tokens read as one sequence. */
export const MAX_TAG_STEPS = 2048;

export interface TaggedTextSource {
  /** The live model: copied before the first await, never changed. */
  model: RecurrentStack;
  /** Id of a token, −1 when the run never saw it. */
  tokenId(token: string): number;
  /** Id of a tag, −1 when the run never saw it. */
  tagId(tag: string): number;
  tags: readonly string[];
  step: number;
}

/** Multiply-adds between yields (~10–20 ms). */
const CHUNK_WORK = 2e7;

interface Line {
  tokenStart: number;
  tokenEnd: number;
  tagStart: number;
  tagEnd: number;
  token: string;
  tag: string;
}

/** The token<TAB>tag lines of `text` grouped into sentences (a blank or malformed line ends one), with UTF-16 places. */
export function taggedSentences(text: string): Line[][] {
  const sentences: Line[][] = [];
  let current: Line[] = [];
  const end = () => {
    if (current.length > 0) sentences.push(current);
    current = [];
  };
  let at = 0;
  while (at <= text.length) {
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    const lineEnd = next > at && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const line = text.slice(at, lineEnd);
    const tab = line.indexOf('\t');
    // As parseTagged (src/engine/sequenceData.ts): exactly one tab, a token before it, a tag (trimmed) after it.
    if (line.trim() === '' || tab <= 0 || line.indexOf('\t', tab + 1) >= 0 || line.slice(tab + 1).trim() === '') end();
    else {
      const raw = line.slice(tab + 1);
      const lead = raw.length - raw.trimStart().length;
      const tag = raw.trim();
      current.push({ tokenStart: at, tokenEnd: at + tab, tagStart: at + tab + 1 + lead, tagEnd: at + tab + 1 + lead + tag.length, token: line.slice(0, tab), tag });
    }
    at = next + 1;
  }
  end();
  return sentences;
}

/** Tags every token of `text` (see the header); yields between pieces so training, pause and stop go on. */
export async function tagText(
  source: TaggedTextSource,
  text: string,
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<TaggedTextInference> {
  if (typeof text !== 'string' || text.length === 0) throw new EngineInputError('There is no text to tag.');
  if (text.length > MAX_INFERENCE_TEXT) throw new EngineInputError(`A slice of ${text.length} characters is longer than ${MAX_INFERENCE_TEXT}.`);
  const K = source.tags.length;
  if (source.model.config.outputSize !== K) throw new EngineInputError(`The model has ${source.model.config.outputSize} outputs for ${K} tags.`);
  const sentences = taggedSentences(text);
  const pieces: Line[][] = [];
  for (const s of sentences) for (let i = 0; i < s.length; i += MAX_TAG_STEPS) pieces.push(s.slice(i, i + MAX_TAG_STEPS));
  const N = pieces.reduce((n, p) => n + p.length, 0);
  const longest = pieces.reduce((n, p) => Math.max(n, p.length), 0);

  const tokenStarts = new Int32Array(N);
  const tokenEnds = new Int32Array(N);
  const tagStarts = new Int32Array(N);
  const tagEnds = new Int32Array(N);
  const sentenceStarts = new Int32Array(N);
  const predicted = new Int32Array(N).fill(-1);
  const gold = new Int32Array(N).fill(-1);
  const unknown = new Uint8Array(N);
  const topIds = new Int32Array(N * TEXT_TOP_K).fill(-1);
  const topProbabilities = new Float32Array(N * TEXT_TOP_K);
  if (N === 0) {
    return { step: source.step, tags: [...source.tags], count: 0, tokenStarts, tokenEnds, tagStarts, tagEnds, sentenceStarts, predicted, gold, unknown, topIds, topProbabilities };
  }

  // The parameters are copied at once: steps the run takes while we yield do not mix into the answer.
  const snapshot = new RecurrentStack({ ...source.model.config, maxSteps: longest });
  snapshot.params.set(source.model.params);
  const { layers, hiddenSize: H, inputSize, embedding } = snapshot.config;
  const G = snapshot.cells[0].gates;
  const D = snapshot.directions;
  const perStep = layers * D * G * H * (Math.max(embedding ?? 1, H) + H) + K * H * D;
  let work = 0;
  let n = 0;
  for (const piece of pieces) {
    if (work > CHUNK_WORK) {
      work = 0;
      await pause();
    }
    const T = piece.length;
    work += T * perStep;
    const ids = Int32Array.from(piece, (line) => source.tokenId(line.token));
    const o = snapshot.forward(inputOf(ids, inputSize, embedding !== undefined));
    for (let t = 0; t < T; t++, n++) {
      const line = piece[t];
      tokenStarts[n] = line.tokenStart;
      tokenEnds[n] = line.tokenEnd;
      tagStarts[n] = line.tagStart;
      tagEnds[n] = line.tagEnd;
      sentenceStarts[n] = piece[0].tokenStart;
      gold[n] = source.tagId(line.tag);
      if (ids[t] < 0) unknown[n] = 1;
      // p(y_t = k | x) = softmax(o_t)_k, o_t = W_hy [h→_t ; h←_t] + b_y (one direction: W_hy h_t + b_y).
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, o[t * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(o[t * K + k] - max);
      const order: number[] = [];
      for (let k = 0; k < K; k++) {
        // Insertion into the top list, most probable first (ties to the lower tag id).
        const v = o[t * K + k];
        let i = Math.min(order.length, TEXT_TOP_K);
        while (i > 0 && o[t * K + order[i - 1]] < v) i--;
        if (i < TEXT_TOP_K) order.splice(i, 0, k);
        if (order.length > TEXT_TOP_K) order.length = TEXT_TOP_K;
      }
      for (let r = 0; r < order.length; r++) {
        topIds[n * TEXT_TOP_K + r] = order[r];
        topProbabilities[n * TEXT_TOP_K + r] = Math.exp(o[t * K + order[r]] - max) / sum;
      }
      predicted[n] = order[0];
    }
  }
  return { step: source.step, tags: [...source.tags], count: N, tokenStarts, tokenEnds, tagStarts, tagEnds, sentenceStarts, predicted, gold, unknown, topIds, topProbabilities };
}
