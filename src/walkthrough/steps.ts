// The Get Started walkthrough's buttons, following the lecture: each step writes (or reuses) the right example from
// "New Example…", opens the right file of it and runs the right command on it. Pure (no vscode): the table is checked
// against the example generators, the experiment templates and package.json in test/host/walkthrough.test.ts.
import type { ExampleId } from '../shared/examples';

export interface WalkthroughAction {
  /** The command behind the step's button (and its completion event). */
  command: string;
  example: ExampleId;
  /** The file of the example to open, in sequence-lab-examples/ ("….seqlab.json" files are trained first). */
  file: string;
  /** What to run on it: a command id; the arguments are added by the walkthrough (the file's URI when needed). */
  then: string;
  /** Run after `then` when registered (a panel another part of the extension adds), else `fallback`. */
  andShow?: { command: string; fallback?: string; missing: string };
}

/** The walkthrough's id in package.json (contributes.walkthroughs). */
export const WALKTHROUGH_ID = 'lecture';

export const WALKTHROUGH_ACTIONS: readonly WalkthroughAction[] = [
  { command: 'sequenceLab.walkthrough.surprisal', example: 'text', file: 'verse.txt', then: 'sequenceLab.markov.showSurprisal' },
  { command: 'sequenceLab.walkthrough.markovOrders', example: 'text', file: 'verse.txt', then: 'sequenceLab.markov.compareOrders' },
  { command: 'sequenceLab.walkthrough.viterbi', example: 'casino', file: 'casino-rolls.txt', then: 'sequenceLab.hmm.decode' },
  {
    command: 'sequenceLab.walkthrough.unrolled',
    example: 'text',
    file: 'verse-rnn.seqlab.json',
    then: 'sequenceLab.trainExperiment',
    andShow: { command: 'sequenceLab.showUnrolled', missing: 'The Unrolled Network panel is not in this version; the Training panel shows the RNN learning.' },
  },
  {
    // "a" or "an"? The noun after each blank decides its tag: a BiGRU tagger trains, and the Unrolled panel draws its two chains.
    command: 'sequenceLab.walkthrough.bidirectional',
    example: 'articles',
    file: 'articles-bigru.seqlab.json',
    then: 'sequenceLab.trainExperiment',
    andShow: { command: 'sequenceLab.showUnrolled', missing: 'The Unrolled Network panel is not in this version; the Training panel shows the tagger learning.' },
  },
  {
    command: 'sequenceLab.walkthrough.bptt',
    example: 'text',
    file: 'verse-rnn.seqlab.json',
    then: 'sequenceLab.trainExperiment',
    andShow: { command: 'sequenceLab.showGradientFlow', missing: 'The Gradient Flow panel is not available.' },
  },
  {
    command: 'sequenceLab.walkthrough.vanishing',
    example: 'reber',
    file: 'reber-rnn.seqlab.json',
    then: 'sequenceLab.trainExperiment',
    andShow: { command: 'sequenceLab.showGradientFlow', missing: 'The Gradient Flow panel is not available.' },
  },
  {
    command: 'sequenceLab.walkthrough.lstmGates',
    example: 'reber',
    file: 'reber-lstm.seqlab.json',
    then: 'sequenceLab.trainExperiment',
    andShow: {
      command: 'sequenceLab.showGates',
      fallback: 'sequenceLab.showGradientFlow',
      missing: 'The Gates panel is not in this version; the Gradient Flow panel shows how far the LSTM’s gradient reaches instead.',
    },
  },
];
