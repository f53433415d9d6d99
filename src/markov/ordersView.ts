// Pure (no vscode): the worker's per-order typed arrays as the plain JSON-able view the Markov Orders panel draws
// and saves with setState.
import type { MarkovOrdersView } from '../shared/protocol/markovPanel';
import type { MarkovOrdersResult } from '../shared/protocol/analysisWorker';

/** Characters per sample for character models; words per sample for word models. */
export const SAMPLE_LENGTH = { char: 120, word: 30 } as const;
export const SAMPLE_SEED = 1;

export function markovOrdersView(result: MarkovOrdersResult, fileLabel: string): MarkovOrdersView {
  return {
    fileLabel,
    unit: result.unit,
    trainTokens: result.trainTokens,
    heldOutTokens: result.heldOutTokens,
    vocabularySize: result.vocabularySize,
    trainPerplexity: Array.from(result.trainPerplexity),
    heldOutPerplexity: Array.from(result.heldOutPerplexity),
    observedContexts: Array.from(result.observedContexts),
    log10PossibleContexts: Array.from(result.log10PossibleContexts),
    samples: [...result.samples],
  };
}
