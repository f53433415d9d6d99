// A trained Sequence Lab run as a self-contained PyTorch project (pure text generation, no I/O: the CLI's
// export-pytorch command and, later, the VS Code host write the files). The caller adds model.safetensors and the
// data file (at `dataFile`, a path relative to the project) next to these text files.
import { SAFETENSORS_IO_PY, TORCHRUN_COMPAT_PY, TRAIN_PY } from './pytorchTrainScript';

/** The model description stored in model.safetensors' __metadata__.sequence_lab (see src/cli/commands/modelFile.ts). */
export interface ExportedModelMeta {
  task: 'lm' | 'tag' | 'series';
  model: { model: 'rnn' | 'gru' | 'lstm'; nonlinearity?: 'tanh' | 'relu'; layers: number; hiddenSize: number; bidirectional: boolean; embeddingDim?: number };
  inputSize: number;
  outputSize: number;
  tokens?: 'chars' | 'words';
  vocabulary: string[];
  tags?: string[];
}

/** The parts of run.json (written by `sequence-lab train --out`) the project needs. */
export interface ExportedRun {
  config: {
    seqLength: number;
    backpropSteps?: number;
    batchSize: number;
    optimizer: { kind: 'adam' | 'sgd' | 'rmsprop'; learningRate: number; momentum?: number };
    clipNorm: number;
    clipValue?: number;
    seed: number;
  };
  data: { file: string; sha256: string };
  steps: number;
}

export interface ProjectFile {
  path: string;
  contents: string;
}

/** PyTorch state_dict names of the model, in the order nn.Module registers them. */
export function stateDictNames(meta: ExportedModelMeta): string[] {
  const names = meta.model.embeddingDim !== undefined ? ['embed.weight'] : [];
  const directions = meta.model.bidirectional ? ['', '_reverse'] : [''];
  for (let k = 0; k < meta.model.layers; k++) {
    for (const d of directions) names.push(`rnn.weight_ih_l${k}${d}`, `rnn.weight_hh_l${k}${d}`, `rnn.bias_ih_l${k}${d}`, `rnn.bias_hh_l${k}${d}`);
  }
  return [...names, 'head.weight', 'head.bias'];
}

/** The Python lines of SequenceModel.__init__ that create embed / rnn / head with this model's sizes. */
function modelLayers(meta: ExportedModelMeta): string {
  const m = meta.model;
  const E = m.embeddingDim;
  const rnnInput = E ?? meta.inputSize;
  const directions = m.bidirectional ? 2 : 1;
  const common = `num_layers=${m.layers}, bidirectional=${m.bidirectional ? 'True' : 'False'}, batch_first=True`;
  const rnn =
    m.model === 'lstm' ? `nn.LSTM(${rnnInput}, ${m.hiddenSize}, ${common})`
      : m.model === 'gru' ? `nn.GRU(${rnnInput}, ${m.hiddenSize}, ${common})`
        : `nn.RNN(${rnnInput}, ${m.hiddenSize}, nonlinearity="${m.nonlinearity ?? 'tanh'}", ${common})`;
  return [
    E !== undefined ? `        self.embed = nn.Embedding(${meta.inputSize}, ${E})` : '        self.embed = None  # one-hot input',
    `        self.rnn = ${rnn}`,
    `        self.head = nn.Linear(${m.hiddenSize} * ${directions}, ${meta.outputSize})`,
  ].join('\n');
}

/** A JSON value as a Python string literal (JSON string escapes are valid Python escapes). */
const pythonString = (value: unknown): string => JSON.stringify(JSON.stringify(value));

function readme(run: ExportedRun, meta: ExportedModelMeta, dataFile: string): string {
  const m = meta.model;
  const what = `${m.layers}-layer ${m.bidirectional ? 'bidirectional ' : ''}${m.model.toUpperCase()} (hidden ${m.hiddenSize}${m.embeddingDim !== undefined ? `, embedding ${m.embeddingDim}` : ', one-hot input'})`;
  const task = meta.task === 'lm' ? `next-${meta.tokens === 'words' ? 'word' : 'character'} prediction` : meta.task === 'tag' ? 'tagging' : 'next-value prediction of a numeric series';
  const c = run.config;
  return `# Sequence Lab model — PyTorch project

A ${what} trained by Sequence Lab for ${task}, exported with \`sequence-lab export-pytorch\`.

| file | what |
| --- | --- |
| \`train.py\` | the model as one \`nn.Module\` (\`${stateDictNames(meta).join('`, `')}\`), data loading with the model's own vocabulary, training and \`--eval\` |
| \`safetensors_io.py\` | a tiny safetensors reader/writer (no \`safetensors\` package needed) |
| \`torchrun_compat.py\` | \`torchrun\` for torch 1.13 on Python ≥ 3.11 (Debian), whose launcher fails with \`'NoneType' object has no attribute 'get'\` |
| \`model.safetensors\` | the weights (float64) with the model description in \`__metadata__\` |
| \`${dataFile}\` | the training data (SHA-256 \`${run.data.sha256}\`) |

## Run

\`\`\`sh
pip install -r requirements.txt        # or Debian's python3-torch (+ python3-numpy)
python3 train.py --eval                # mean loss over ${dataFile} as one sequence from a zero state, as \`sequence-lab eval\`
python3 train.py --steps 200           # continue training; writes model.safetensors back
torchrun --standalone --nproc_per_node=2 train.py --steps 200   # the same on 2 processes (DistributedDataParallel, gloo)
python3 torchrun_compat.py --standalone --nproc_per_node=2 train.py --steps 200   # when torchrun itself fails (see the table above)
\`\`\`

Training continues as the original run was configured: ${c.batchSize} stream(s) per update, truncated BPTT
(k1 = ${c.seqLength}, k2 = ${c.backpropSteps ?? c.seqLength}), ${c.optimizer.kind} with learning rate ${c.optimizer.learningRate},
gradient clipping ${c.clipNorm > 0 ? `at global norm ${c.clipNorm}` : 'off'}${c.clipValue ? ` and per value at ${c.clipValue}` : ''}.
The optimiser state and the data position are not part of model.safetensors: training restarts them (fresh
optimiser moments, streams from their start). Under torchrun every process takes its share of the ${c.batchSize}
streams (so use at most ${c.batchSize} processes); the loss is the mean over all of them, as in Sequence Lab. Only
rank 0 writes \`model.safetensors\` (same tensor names and metadata), which \`sequence-lab eval\`, \`sample\` and the
VS Code extension read again.

Options: \`--steps N\`, \`--eval [FILE]\`, \`--dtype float32|float64\` (default float32 for training, float64 for
\`--eval\`), \`--model PATH\`, \`--data PATH\`, \`--log-every N\`, \`--save-every N\`.
`;
}

/** The text files of the project. `dataFile` is where the caller puts the copy of the training data. */
export function pytorchProject(run: ExportedRun, meta: ExportedModelMeta, dataFile: string): ProjectFile[] {
  const c = run.config;
  const settings = {
    task: meta.task,
    dataFile,
    sha256: run.data.sha256,
    steps: run.steps,
    // The step the exported weights are at: train.py's metrics.jsonl numbers its updates after it.
    stepsDone: run.steps,
    seqLength: c.seqLength,
    backpropSteps: c.backpropSteps ?? null,
    batchSize: c.batchSize,
    optimizer: c.optimizer,
    clipNorm: c.clipNorm,
    clipValue: c.clipValue ?? null,
    seed: c.seed,
  };
  // Replacer functions, so a "$" in a file name is not read as a replacement pattern.
  const train = TRAIN_PY.replace('__RUN_JSON__', () => pythonString(settings))
    .replace('__NAMES_JSON__', () => pythonString(stateDictNames(meta)))
    .replace('__MODEL_LAYERS__', () => modelLayers(meta));
  return [
    { path: 'train.py', contents: train },
    { path: 'safetensors_io.py', contents: SAFETENSORS_IO_PY },
    { path: 'torchrun_compat.py', contents: TORCHRUN_COMPAT_PY },
    { path: 'README.md', contents: readme(run, meta, dataFile) },
    { path: 'requirements.txt', contents: 'torch>=1.13\nnumpy\n' },
  ];
}
