// Pure (no DOM): the sentences of the Tagger Comparison panel, computed from the results (never fixed text about
// who wins), and the number formats they use.
import type { TaggerComparison, TaggerSettings } from '../../src/shared/protocol/taggerComparison';

export function percent(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

/** Milliseconds as "0.8 ms", "320 ms" or "2.4 s". */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A score in [0, 1] with two decimals, or a dash when it is undefined (no token predicted, or none true). */
export function formatScore(x: number | null): string {
  return x === null ? '—' : x.toFixed(2);
}

export function rnnName(settings: TaggerSettings): string {
  return `${settings.bidirectional ? 'bidirectional ' : ''}${settings.cell.toUpperCase()}`;
}

export function hmmExplanation(): string {
  return (
    'Generative: the HMM models the joint probability of words and tags, p(x, y) = Π_t p(y_t | y_{t−1}) p(x_t | y_t) — ' +
    'how each tag follows the one before and how each tag emits its word — and Viterbi picks the tag sequence y that ' +
    'makes the whole sentence most probable.'
  );
}

export function rnnExplanation(settings: TaggerSettings): string {
  const name = `The ${rnnName(settings)}`;
  if (settings.bidirectional) {
    return (
      `Discriminative: ${name} models only the conditional p(y_t | x_1..x_T), reading the sentence from both ` +
      'directions (one chain left to right, one right to left, joined at every word); it spends no parameters on how ' +
      'words are generated, and each tag is the argmax of its softmax.'
    );
  }
  return (
    `Discriminative: ${name} models only the conditional p(y_t | x_1..x_t), reading the sentence left to right, so ` +
    'it cannot use the words after x_t (turn Bidirectional on to read both ways); each tag is the argmax of its softmax.'
  );
}

/**
 * Who won on this file and by how much, whether that is more than chance (McNemar: the difference of the tokens
 * only one tagger gets right, b − c, against its spread √(b + c)), and what the amount of data suggests.
 */
export function comparisonSentence(r: TaggerComparison): string {
  const name = rnnName(r.settings);
  const diff = r.rnn.correct - r.hmm.correct;
  const points = Math.abs(r.rnn.accuracy - r.hmm.accuracy) * 100;
  const n = r.heldOutTokens;
  const b = r.hmmOnlyCorrect;
  const c = r.rnnOnlyCorrect;
  const parts: string[] = [];
  if (diff === 0) {
    parts.push(`Both taggers tag ${percent(r.hmm.accuracy)} of the ${formatCount(n)} held-out tokens right: a tie on this file.`);
  } else {
    const [winner, loser] = diff > 0 ? [name, 'HMM'] : ['HMM', name];
    const [high, low] = diff > 0 ? [r.rnn.accuracy, r.hmm.accuracy] : [r.hmm.accuracy, r.rnn.accuracy];
    parts.push(
      `The ${winner} wins on this file: ${percent(high)} against ${percent(low)} for the ${loser}, ` +
        `${points.toFixed(1)} percentage points (${formatCount(Math.abs(diff))} of ${formatCount(n)} held-out tokens).`,
    );
    const chance = b + c < 10 || Math.abs(b - c) < 2 * Math.sqrt(b + c);
    parts.push(
      chance
        ? `They disagree on only ${formatCount(b + c)} tokens (HMM alone right on ${b}, RNN alone on ${c}), too few to tell a real difference from chance.`
        : `They disagree on ${formatCount(b + c)} tokens (HMM alone right on ${b}, RNN alone on ${c}): more than chance would give.`,
    );
  }
  const ratio = r.rnn.parameterCount / Math.max(1, r.hmm.parameterCount);
  if (r.trainTokens < 20_000) {
    const rnnAhead = diff > 0;
    parts.push(
      `With only ${formatCount(r.trainTokens)} training tokens, counting suits the HMM (${formatCount(r.hmm.parameterCount)} parameters) while ` +
        `the RNN has ${ratio.toFixed(1)}× as many weights to fit; ` +
        (rnnAhead ? 'the RNN still comes out ahead here.' : 'small data like this usually favours the HMM.'),
    );
  } else {
    parts.push(`${formatCount(r.trainTokens)} training tokens give the RNN's ${formatCount(r.rnn.parameterCount)} weights enough data to fit.`);
  }
  if (r.rnn.stopped) parts.push(`The RNN was stopped after ${formatCount(r.rnn.steps)} of ${formatCount(r.rnn.plannedSteps)} updates, so its score is that of a partly trained model.`);
  return parts.join(' ');
}

export function dataSummary(r: TaggerComparison, fileLabel: string, heldOutLabel: string): string {
  return (
    `Trained on ${formatCount(r.trainSequences)} sequences (${formatCount(r.trainTokens)} tokens) of ${fileLabel}; held out: ` +
    `${heldOutLabel}, ${formatCount(r.heldOutSequences)} sequences (${formatCount(r.heldOutTokens)} tokens), ${r.tags.length} tags. ` +
    `Always answering the most frequent training tag (${r.majorityTag}) scores ${percent(r.majorityAccuracy)}.`
  );
}

export function unknownWordsNote(r: TaggerComparison): string {
  if (r.rareTypes === 0 && r.heldOutUnknown === 0) {
    return (
      'Unknown words: none here (every training word occurs at least twice and every held-out word was seen in ' +
      'training). Otherwise words seen once in training and unseen held-out words would be read as <unk>, whose ' +
      'emission probabilities (HMM) and embedding (RNN) are learnt from the rare training words.'
    );
  }
  return (
    `Unknown words: the ${formatCount(r.rareTypes)} word types seen only once in training and the ${formatCount(r.heldOutUnknown)} ` +
    'held-out tokens never seen in training are all read as <unk>, so <unk> has emission probabilities (HMM) and an ' +
    'embedding (RNN) learnt from rare words, which is what an unseen word most resembles.'
  );
}
