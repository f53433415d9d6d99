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
  kind: 'characters' | 'words' | 'tagged' | 'series';
  model: Record<string, unknown>;
  training: Record<string, unknown>;
}

function templates(example: ExampleId): Template[] {
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
          description: 'An LSTM tagger on the copy task: it must hold five symbols over ten blanks. Trained on the command line (tagged data).',
          kind: 'tagged',
          model: { cell: 'lstm', layers: 1, hiddenSize: 32 },
          training: { batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 1500, seed: 42 },
        },
      ];
    case 'parity':
      return [
        {
          name: 'parity-gru.seqlab.json',
          description: 'A GRU tagger on running parity: each tag depends on every earlier bit. Trained on the command line (tagged data).',
          kind: 'tagged',
          model: { cell: 'gru', layers: 1, hiddenSize: 16 },
          training: { batch: 8, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 1500, seed: 42 },
        },
      ];
    case 'sine':
      return [
        {
          name: 'sine-gru.seqlab.json',
          description: 'A small GRU predicting the next value of a sine with period 25. Trained on the command line (series).',
          kind: 'series',
          model: { cell: 'gru', layers: 1, hiddenSize: 16 },
          training: { seqLength: 25, optimizer: 'adam', learningRate: 0.01, clip: 5, steps: 500, seed: 42 },
        },
      ];
    case 'mackeyGlass':
      return [
        {
          name: 'mackey-glass-lstm.seqlab.json',
          description: 'An LSTM predicting the Mackey-Glass series: the next value depends on the value 17 steps back, so chunks are 50 steps long. Trained on the command line (series).',
          kind: 'series',
          model: { cell: 'lstm', layers: 1, hiddenSize: 32 },
          training: { seqLength: 50, optimizer: 'adam', learningRate: 0.005, clip: 5, steps: 2000, seed: 42 },
        },
      ];
    // The adding problem needs a loss on the last target only, and the casino is an HMM example: no experiment yet.
    case 'adding':
    case 'casino':
      return [];
  }
}

/** The experiment files for an example whose main data file is `dataFile` (they sit in the same folder). */
export function exampleExperimentFiles(example: ExampleId, dataFile: string): ExampleExperimentFile[] {
  return templates(example).map((t) => ({
    name: t.name,
    content:
      JSON.stringify({ description: t.description, data: { path: dataFile, kind: t.kind }, model: t.model, training: t.training }, null, 2) + '\n',
  }));
}
