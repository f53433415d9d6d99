// The example data sets of "Sequence Lab: New Example…", as the host shows them, and the host↔worker messages that
// generate them (the generators themselves are src/engine/examples/, reachable only from the worker). A leaf.

export const EXAMPLES = [
  {
    id: 'reber',
    label: 'Embedded Reber grammar',
    description: 'Long-range memory: the symbol before the final E repeats the second one (LSTM learns it, a tanh RNN does not).',
    nextStep: "Run 'Sequence Lab: Train Character Model on Active File' (try LSTM against RNN with 'Train Model on Active File…').",
  },
  {
    id: 'adding',
    label: 'Adding problem',
    description: 'Add the two marked values of a length-T sequence: always answering 1 scores MSE 0.167; an LSTM goes well below.',
    nextStep: 'Each T rows (value,marker,target) are one sequence, its target on its last row. Open adding-lstm.seqlab.json and adding-rnn.seqlab.json and click ▶ Train on each: the LSTM\'s mean squared error goes far below 0.167, the tanh RNN\'s does not.',
  },
  {
    id: 'copy',
    label: 'Copy task',
    description: 'Read five symbols, wait ten blanks, then repeat them after the delimiter: memory over a fixed delay.',
    nextStep: "A tagged file (token<TAB>target). Run 'Sequence Lab: Decode Active File with HMM…' to see why a first-order HMM cannot copy, or train a tagger on the command line: `sequence-lab train FILE --task tag`.",
  },
  {
    id: 'parity',
    label: 'Parity',
    description: 'Bit strings tagged with their running parity: the tag depends on every earlier bit.',
    nextStep: "A tagged file (bit<TAB>parity). Run 'Sequence Lab: Decode Active File with HMM…' (it fits on the tags), or train a tagger on the command line: `sequence-lab train FILE --task tag`.",
  },
  {
    id: 'sine',
    label: 'Sine wave (CSV)',
    description: 'Next-value prediction on a sine with period 25: the easiest series, learnt in a few hundred steps.',
    nextStep: 'A one-column series. Training series from the editor is not available yet; the command line trains it: `sequence-lab train FILE --task series`.',
  },
  {
    id: 'mackeyGlass',
    label: 'Mackey-Glass series (CSV)',
    description: 'A chaotic delay equation (τ = 17): bounded, aperiodic, the next value depends on the value 17 steps back.',
    nextStep: 'A one-column series. Training series from the editor is not available yet; the command line trains it: `sequence-lab train FILE --task series`.',
  },
  {
    id: 'casino',
    label: 'Dishonest casino (HMM)',
    description: 'Rolls of a fair and a loaded die: Viterbi recovers which die was used (true dice in casino-states.txt).',
    nextStep: "Run 'Sequence Lab: Decode Active File with HMM…' and pick casino-model.json; compare with casino-states.txt.",
  },
  {
    id: 'text',
    label: 'Small text (verse)',
    description: 'Stanzas from a small grammar: character-level language modelling, loss and samples improve quickly.',
    nextStep: "Run 'Sequence Lab: Train Character Model on Active File' and watch the samples in the Training panel.",
  },
  {
    id: 'articles',
    label: '"a" or "an"? (tagged)',
    description: 'Blanked articles tagged A or AN by the noun that follows: the future decides the tag, so only a bidirectional tagger gets them.',
    nextStep: 'A tagged file (word<TAB>tag). Open articles-bigru.seqlab.json and click ▶ Train, then Show Unrolled Network: the backward chain h← carries the next noun to each blank. Compare Taggers sets it against a one-directional tagger and an HMM.',
  },
] as const;

export type ExampleId = (typeof EXAMPLES)[number]['id'];

/** The folder of the workspace the example files are written to. */
export const EXAMPLES_FOLDER = 'sequence-lab-examples';

/** The adding problem's sequence length T: the input box's default and bounds. */
export const ADDING_T = { min: 2, max: 1000, default: 50 } as const;


/** Why `text` is not a valid T for the adding problem, or undefined when it is (the input box's validation). */
export function validateAddingLength(text: string): string | undefined {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < ADDING_T.min || value > ADDING_T.max) {
    return `Enter a whole number from ${ADDING_T.min} to ${ADDING_T.max}.`;
  }
  return undefined;
}
