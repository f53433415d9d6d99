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
import { NgramModel, tokenize } from '../engine/markov';
import { createDispatcher } from '../shared/messages';
import type {
  AnalysisWorkerToHost,
  HmmDecodeResult,
  HmmModelSource,
  HostToAnalysisWorker,
  MarkovSurprisalResult,
} from '../shared/workerProtocol';
import { decodeTrellis } from './trellis';
import { taggedTokenSpans, tokenSpans } from './tokenSpans';

/** Steps per chunk between two yields to the message loop. */
const CHUNK = 20_000;
/** Largest trellis kept (steps × states): δ, ψ and γ for every node must fit comfortably in memory. */
export const MAX_TRELLIS_NODES = 25_000_000;

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
  });
}
