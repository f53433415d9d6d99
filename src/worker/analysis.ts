// The worker's analysis requests: per-character Markov surprisal and HMM decoding (Viterbi with its trellis,
// posteriors). Runs in the worker only (it drives the engine); answers each request with one typed message.
// Long loops yield to the event loop between chunks, so the worker's message loop is never held for long.
import { EngineInputError } from '../engine/errors';
import {
  estimateSupervised,
  parseHmm,
  parseObservations,
  parseTaggedFile,
  statePosteriors,
  allSingleCharacters,
  type DiscreteHmm,
} from '../engine/hmm';
import { detokenize, MAX_ORDER, NgramModel, splitTrainHeldOut, tokenize, type TokenUnit } from '../engine/markov';
import { Prng } from '../engine/prng';
import { MAX_MARKOV_SURPRISAL_TOKENS, MAX_TRELLIS_NODES } from '../shared/analysisLimits';
import { createDispatcher } from '../shared/messages';
import type { AnalysisWorkerToHost, HmmDecodeResult, HmmModelSource, HostToAnalysisWorker, MarkovOrdersResult, MarkovSurprisalResult } from '../shared/protocol/analysisWorker';
import { cancelFit, csvColumnsOf, hmmFit, hmmSample, markovSample } from './analysisFit';
import { decodeTrellis } from './trellis';
import { gradientLab, gradientLabTrained } from './gradientLab';
import { taggedTokenSpans, tokenSpans } from './tokenSpans';

/** Steps per chunk between two yields to the message loop. */
const CHUNK = 20_000;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

function describe(error: unknown): string {
  if (error instanceof EngineInputError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export async function markovSurprisal(text: string, order: number): Promise<MarkovSurprisalResult> {
  if (!(Number.isInteger(order) && order >= 0 && order <= 8)) {
    throw new EngineInputError(`The order must be a whole number from 0 to 8, not ${order}.`);
  }
  const tokens = tokenize(text, 'char');
  if (tokens.length === 0) throw new EngineInputError('The text is empty: there is nothing to score.');
  if (tokens.length > MAX_MARKOV_SURPRISAL_TOKENS) {
    throw new EngineInputError(
      `The text has ${tokens.length.toLocaleString('en')} characters; Markov surprisal scores at most ${MAX_MARKOV_SURPRISAL_TOKENS.toLocaleString('en')} at once. ` +
        'Open a shorter file (or copy a part of this one into a new file).',
    );
  }
  const model = NgramModel.train(tokens, { order, smoothing: 'kneser-ney' });
  const ids = model.encode(tokens);
  const surprisal = new Float32Array(text.length).fill(NaN);
  let total = 0;
  let offset = 0;
  for (let start = 0; start < ids.length; start += CHUNK) {
    const end = Math.min(ids.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const lnP = Math.log(model.probability(ids, ids[i], i));
      total += lnP;
      surprisal[offset] = -lnP / Math.LN2;
      offset += tokens[i].length;
    }
    if (end < ids.length) await yieldToMessages();
  }
  const meanNats = -total / ids.length;
  return {
    order,
    surprisal,
    characters: ids.length,
    perplexity: Math.exp(meanNats),
    bitsPerCharacter: meanNats / Math.LN2,
    vocabularySize: model.vocabularySize,
    observedContexts: model.contextStats().observed,
  };
}

/** The held-out share of the tokens in markovOrders (the end of the file). */
export const MARKOV_HELD_OUT_FRACTION = 0.1;
export const MAX_MARKOV_SAMPLE = 1000;
/** Nine models are fitted and scored (about 12 s per million characters): longer texts are refused, not truncated. */
export const MAX_MARKOV_ORDERS_TOKENS = 2_000_000;

/**
 * Orders k = 0..8 of interpolated Kneser-Ney models on the first 90% of the tokens: train and held-out perplexity,
 * observed against possible contexts, and a sample of `sampleLength` tokens from each (Prng seeded with seed + k).
 * Yields to the message loop after each order.
 */
export async function markovOrders(text: string, unit: TokenUnit, seed: number, sampleLength: number): Promise<MarkovOrdersResult> {
  if (unit !== 'char' && unit !== 'word') throw new EngineInputError(`Unknown unit "${String(unit)}": use char or word.`);
  if (!Number.isInteger(seed)) throw new EngineInputError(`The seed must be a whole number, not ${seed}.`);
  if (!(Number.isInteger(sampleLength) && sampleLength >= 0 && sampleLength <= MAX_MARKOV_SAMPLE)) {
    throw new EngineInputError(`The sample length must be a whole number from 0 to ${MAX_MARKOV_SAMPLE}, not ${sampleLength}.`);
  }
  const tokens = tokenize(text, unit);
  if (tokens.length < 2) throw new EngineInputError(`The text has ${tokens.length} ${unit === 'char' ? 'characters' : 'words'}: too few to hold some out.`);
  if (tokens.length > MAX_MARKOV_ORDERS_TOKENS) {
    throw new EngineInputError(
      `The text has ${tokens.length.toLocaleString('en')} ${unit === 'char' ? 'characters' : 'words'}; comparing nine Markov orders ` +
        `handles at most ${MAX_MARKOV_ORDERS_TOKENS.toLocaleString('en')}. Open a shorter file (or copy a part of this one into a new file).`,
    );
  }
  const { train, heldOut } = splitTrainHeldOut(tokens, MARKOV_HELD_OUT_FRACTION);
  const n = MAX_ORDER + 1;
  const result: MarkovOrdersResult = {
    unit,
    trainTokens: train.length,
    heldOutTokens: heldOut.length,
    vocabularySize: 0,
    heldOutUnknown: 0,
    trainPerplexity: new Float64Array(n),
    heldOutPerplexity: new Float64Array(n),
    observedContexts: new Float64Array(n),
    log10PossibleContexts: new Float64Array(n),
    samples: [],
  };
  for (let k = 0; k < n; k++) {
    const model = NgramModel.train(train, { order: k, smoothing: 'kneser-ney' });
    result.vocabularySize = model.vocabularySize - 1;
    result.trainPerplexity[k] = model.score(train).perplexity;
    const held = model.score(heldOut);
    result.heldOutPerplexity[k] = held.perplexity;
    result.heldOutUnknown = held.unknownCount;
    const stats = model.contextStats();
    result.observedContexts[k] = stats.observed;
    result.log10PossibleContexts[k] = stats.log10Possible;
    result.samples.push(detokenize(model.sample(sampleLength, new Prng(seed + k)), unit));
    await yieldToMessages();
  }
  return result;
}

interface Prepared {
  model: DiscreteHmm;
  modelLabel: string;
  observations: Int32Array;
  starts: Uint32Array;
  ends: Uint32Array;
  split: HmmDecodeResult['split'];
  trueStates?: Int32Array;
}

function prepare(text: string, source: HmmModelSource): Prepared {
  if (source.kind === 'tagged') {
    const sequences = parseTaggedFile(text);
    const model = estimateSupervised(sequences, { alpha: 1 });
    const stateId = new Map(model.states.map((s, i) => [s, i]));
    const symbolId = new Map(model.symbols.map((s, i) => [s, i]));
    const tokens = sequences.flatMap((s) => s.tokens);
    const tags = sequences.flatMap((s) => s.tags);
    const spans = taggedTokenSpans(text);
    if (spans.starts.length !== tokens.length) throw new Error('internal: tagged token spans do not match the parsed tokens');
    return {
      model,
      modelLabel: `supervised HMM · ${model.n} tags · ${model.m} words`,
      observations: Int32Array.from(tokens, (t) => symbolId.get(t)!),
      trueStates: Int32Array.from(tags, (t) => stateId.get(t)!),
      starts: spans.starts,
      ends: spans.ends,
      split: 'tagged',
    };
  }
  const parsed = parseHmm(source.modelText);
  if (parsed.kind !== 'discrete') {
    throw new EngineInputError(
      `${source.modelLabel} is a Gaussian-emission model ("means", "variances"); decoding in the editor needs a discrete model with "symbols" and "emission".`,
    );
  }
  const model = parsed.model;
  const observations = parseObservations(text, model.symbols);
  const chars = allSingleCharacters(model.symbols);
  const spans = tokenSpans(text, chars ? 'chars' : 'tokens');
  if (spans.starts.length !== observations.length) throw new Error('internal: token spans do not match the observations');
  return { model, modelLabel: source.modelLabel, observations, starts: spans.starts, ends: spans.ends, split: chars ? 'chars' : 'tokens' };
}

export async function hmmDecode(text: string, source: HmmModelSource): Promise<HmmDecodeResult> {
  const p = prepare(text, source);
  const { model } = p;
  const steps = p.observations.length;
  if (steps * model.n > MAX_TRELLIS_NODES) {
    throw new EngineInputError(
      `${steps.toLocaleString('en')} steps × ${model.n} states is over the ${MAX_TRELLIS_NODES.toLocaleString('en')} trellis nodes Sequence Lab decodes at once; decode a smaller file.`,
    );
  }
  const trellis = await decodeTrellis(model, p.observations, CHUNK, yieldToMessages);
  if (trellis.pathLogProbability === -Infinity) {
    throw new EngineInputError('The data has probability 0 under the model: no state path can emit it.');
  }
  await yieldToMessages();
  const { logLikelihood, gamma } = statePosteriors(model, p.observations);
  return {
    source: source.kind,
    modelLabel: p.modelLabel,
    split: p.split,
    states: [...model.states],
    symbols: [...model.symbols],
    observations: p.observations,
    tokenStarts: p.starts,
    tokenEnds: p.ends,
    path: trellis.path,
    pathLogProbability: trellis.pathLogProbability,
    logLikelihood,
    posteriors: Float32Array.from(gamma),
    backpointers: trellis.backpointers,
    delta: trellis.delta,
    logStart: model.start.map(Math.log),
    logTransition: model.transition.map(Math.log),
    logEmission: model.emission.map(Math.log),
    trueStates: p.trueStates,
  };
}

/** The analysis channel's handler map (the project's one dispatcher): each request is answered with one message. */
export function createAnalysisHandler(post: (m: AnalysisWorkerToHost) => void): (m: HostToAnalysisWorker) => void | Promise<void> {
  const answer = async (requestId: string, work: () => Promise<AnalysisWorkerToHost>): Promise<void> => {
    try {
      post(await work());
    } catch (error) {
      post({ type: 'analysisFailed', requestId, message: describe(error) });
    }
  };
  return createDispatcher<HostToAnalysisWorker>({
    markovSurprisal: (m) =>
      answer(m.requestId, async () => ({ type: 'markovSurprisalResult', requestId: m.requestId, ...(await markovSurprisal(String(m.text ?? ''), m.order)) })),
    hmmDecode: (m) =>
      answer(m.requestId, async () => ({ type: 'hmmDecodeResult', requestId: m.requestId, ...(await hmmDecode(String(m.text ?? ''), m.source)) })),
    markovOrders: (m) =>
      answer(m.requestId, async () => ({
        type: 'markovOrdersResult',
        requestId: m.requestId,
        ...(await markovOrders(String(m.text ?? ''), m.unit, m.seed, m.sampleLength)),
      })),
    hmmFit: (m) =>
      answer(m.requestId, async () => {
        const result = await hmmFit(m.requestId, String(m.text ?? ''), m.input, m.options, post);
        return result ? { type: 'hmmFitResult', requestId: m.requestId, ...result } : { type: 'hmmFitCancelled', requestId: m.requestId };
      }),
    hmmFitCancel: (m) => cancelFit(m.fitRequestId),
    hmmSample: (m) =>
      answer(m.requestId, async () => ({ type: 'hmmSampleResult', requestId: m.requestId, ...hmmSample(String(m.modelText ?? ''), m.length, m.seed) })),
    csvColumns: (m) => answer(m.requestId, async () => ({ type: 'csvColumnsResult', requestId: m.requestId, ...csvColumnsOf(String(m.text ?? '')) })),
    markovSample: (m) =>
      answer(m.requestId, async () => ({
        type: 'markovSampleResult',
        requestId: m.requestId,
        text: markovSample(String(m.text ?? ''), m.unit, m.order, m.smoothing, m.seed, m.length),
      })),
    gradientLab: (m) => answer(m.requestId, async () => ({ type: 'gradientLabResult', requestId: m.requestId, ...gradientLab(m) })),
    gradientLabTrained: (m) => answer(m.requestId, async () => ({ type: 'gradientLabTrainedResult', requestId: m.requestId, ...gradientLabTrained(m) })),
  });
}
