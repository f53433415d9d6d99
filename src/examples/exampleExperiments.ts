// The experiment files (*.seqlab.json) "New Example…" writes next to an example's data: settings that show what the
// example is about (e.g. reber-lstm against reber-rnn). Pure (no vscode): tested in test/host/exampleExperiments.test.ts.
import type { ExampleId } from '../shared/examples';

export interface ExampleExperimentFile {
  name: string;
  content: string;
}

interface Template {
  name: string;
  description: string;
  kind: 'characters' | 'words' | 'tagged' | 'series' | 'sequence-to-one';
  model: Record<string, unknown>;
  training: Record<string, unknown>;
}

function templates(example: ExampleId, dataFile: string): Template[] {
  switch (example) {
    case 'reber': {
      const reber = (cell: 'lstm' | 'rnn', claim: string): Template => ({
        name: `reber-${cell}.seqlab.json`,
        description: `${cell.toUpperCase()} on the embedded Reber grammar: ${claim} Compare the loss of reber-lstm and reber-rnn in the Training panel.`,
        kind: 'characters',
        model: { cell, layers: 1, hiddenSize: 32 },
        training: { seqLength: 50, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 3000, seed: 42 },
      });
      return [
        reber('lstm', 'its gated cell state carries the second symbol (T or P) across the inner string, so it predicts the symbol before the final E almost surely.'),
        reber('rnn', 'the tanh RNN learns the inner grammar, but its memory of the second symbol fades across the inner string, so it often misses the symbol before the final E.'),
      ];
    }
    case 'text':
      return [
        {
          name: 'verse-rnn.seqlab.json',
          description: 'A character-level tanh RNN on small verse: the loss falls quickly and the samples start to look like stanzas.',
          kind: 'characters',
          model: { cell: 'rnn', layers: 1, hiddenSize: 64 },
          training: { seqLength: 32, optimizer: 'adam', learningRate: 0.005, clip: 5, steps: 2000, seed: 42 },
        },
      ];
    case 'copy':
      return [
        {
          name: 'copy-lstm.seqlab.json',
          description: 'An LSTM tagger on the copy task: it must hold five symbols over ten blanks. Each token gets a tag (cross-entropy); the Training panel shows the tagging accuracy.',
          kind: 'tagged',
          model: { cell: 'lstm', layers: 1, hiddenSize: 32 },
          training: { batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 1500, seed: 42 },
        },
      ];
    case 'articles':
      return [
        {
          name: 'articles-bigru.seqlab.json',
          description: 'A bidirectional GRU tagger on "a" or "an": each blank is tagged by the noun after it, which only the backward chain h← has read. Show Unrolled Network draws both chains.',
          kind: 'tagged',
          model: { cell: 'gru', layers: 1, hiddenSize: 16, bidirectional: true },
          training: { batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 400, seed: 42 },
        },
      ];
    case 'parity':
      return [
        {
          name: 'parity-gru.seqlab.json',
          description: 'A GRU tagger on running parity: each tag depends on every earlier bit. Each token gets a tag (cross-entropy); the Training panel shows the tagging accuracy.',
          kind: 'tagged',
          model: { cell: 'gru', layers: 1, hiddenSize: 16 },
          training: { batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 1500, seed: 42 },
        },
      ];
    case 'sine':
      return [
        {
          name: 'sine-gru.seqlab.json',
          description: 'A small GRU predicting the next value of a sine with period 25. The loss is the mean squared error of the next value.',
          kind: 'series',
          model: { cell: 'gru', layers: 1, hiddenSize: 16 },
          training: { seqLength: 25, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 500, seed: 42 },
        },
      ];
    case 'mackeyGlass':
      return [
        {
          name: 'mackey-glass-lstm.seqlab.json',
          description: 'An LSTM predicting the Mackey-Glass series: the next value depends on the value 17 steps back, so chunks are 50 steps long. The loss is the mean squared error of the next value.',
          kind: 'series',
          model: { cell: 'lstm', layers: 1, hiddenSize: 32 },
          training: { seqLength: 50, optimizer: 'adam', learningRate: 0.005, clip: 5, steps: 2000, seed: 42 },
        },
      ];
    case 'adding': {
      // Hochreiter & Schmidhuber's experiment 4: T rows of (value, marker) per sequence, the target (the sum of the two
      // marked values) read at the last row; always predicting 1 scores E[(a + b − 1)²] = Var(a + b) = 1/6 ≈ 0.167.
      // Measured (test/engine/addingProblem.test.ts at T = 30; T = 50 with these settings): the LSTM reaches ~0.001,
      // the tanh RNN stays near 0.167.
      const T = Number(/T(\d+)\.csv$/.exec(dataFile)?.[1] ?? 50);
      const adding = (cell: 'lstm' | 'rnn', claim: string): Template => ({
        name: `adding-${cell}.seqlab.json`,
        description: `${cell.toUpperCase()} on the adding problem (T = ${T}): ${claim} Always predicting 1 has a mean squared error of 1/6 ≈ 0.167; compare adding-lstm and adding-rnn in the Training panel.`,
        kind: 'sequence-to-one',
        model: { cell, layers: 1, hiddenSize: 16 },
        training: { seqLength: T, batch: 16, optimizer: 'adam', learningRate: 0.01, clip: 1, steps: 2000, seed: 42 },
      });
      return [
        adding('lstm', 'its cell state holds the two marked values across the sequence, so its error goes far below 0.167.'),
        adding('rnn', 'the gradient from the final target vanishes over the T steps back to the markers, so its error stays near 0.167.'),
      ];
    }
    // The casino is an HMM example: no RNN experiment.
    case 'casino':
      return [];
  }
}

/** The experiment files for an example whose main data file is `dataFile` (they sit in the same folder). */
export function exampleExperimentFiles(example: ExampleId, dataFile: string): ExampleExperimentFile[] {
  return templates(example, dataFile).map((t) => ({
    name: t.name,
    content:
      JSON.stringify({ description: t.description, data: { path: dataFile, kind: t.kind }, model: t.model, training: t.training }, null, 2) + '\n',
  }));
}
