// A trained Sequence Lab run as a self-contained PyTorch project (pure text generation, no I/O: the CLI's
// export-pytorch command and, later, the VS Code host write the files). The caller adds model.safetensors and the
// data file (at `dataFile`, a path relative to the project) next to these text files.
import { checkModelMetadata, describeValue, MODEL_FORMAT, ModelMetadataError, NONLINEARITIES, type CheckedModelMetadata } from './modelMetadata';
import { SAFETENSORS_IO_PY, TORCHRUN_COMPAT_PY, TRAIN_PY } from './pytorchTrainScript';
import { BATCH_LIMIT, CONFIG_LIMITS, OPTIMIZER_KINDS, type Limit } from './trainingConfig';

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

/**
 * Checks the run settings the project is written from (run.json comes from a folder anyone can hand over): numbers
 * within the training limits, the optimiser one of the known kinds, the SHA-256 in hex. They reach train.py only as
 * JSON data, but train.py computes with them, so a wrong type is refused here with its name, not in Python.
 */
export function checkExportedRun(run: ExportedRun): void {
  const fail = (why: string): never => {
    throw new ModelMetadataError(`The run's settings (run.json) ${why}.`);
  };
  const num = (name: string, v: unknown, limit: Limit, optional = false): void => {
    if (optional && (v === undefined || v === null)) return;
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= limit.min && v <= limit.max && (!limit.integer || Number.isInteger(v)))) {
      fail(`have ${name} ${describeValue(v)}; it must be ${limit.integer ? 'a whole number' : 'a number'} from ${limit.min} to ${limit.max}`);
    }
  };
  const c = run?.config as Partial<ExportedRun['config']> | undefined;
  if (typeof c !== 'object' || c === null) return fail('have no config');
  num('seqLength', c.seqLength, CONFIG_LIMITS.seqLength);
  num('backpropSteps', c.backpropSteps, CONFIG_LIMITS.seqLength, true);
  num('batchSize', c.batchSize, BATCH_LIMIT);
  num('clipNorm', c.clipNorm, CONFIG_LIMITS.clipNorm);
  num('clipValue', c.clipValue, { min: 0, max: 1e6, integer: false }, true);
  num('seed', c.seed, CONFIG_LIMITS.seed);
  num('steps', run.steps, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const o = c.optimizer as Partial<ExportedRun['config']['optimizer']> | undefined;
  if (typeof o !== 'object' || o === null) return fail('have no optimizer');
  if (!(OPTIMIZER_KINDS as readonly unknown[]).includes(o.kind)) fail(`have the optimizer ${describeValue(o.kind)}; it must be ${OPTIMIZER_KINDS.join(', ')}`);
  num('optimizer.learningRate', o.learningRate, { min: 0, max: 1e6, integer: false });
  num('optimizer.momentum', o.momentum, { min: 0, max: 1, integer: false }, true);
  if (typeof run.data?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(run.data.sha256)) fail('have no SHA-256 of the data');
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

/**
 * A whole number as a Python int literal. Every number written into train.py as code goes through here, after the
 * model description was checked against the schema (checkModelMetadata): anything else is a bug, not a model.
 */
function pyInt(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new ModelMetadataError(`refusing to write ${describeValue(n)} into train.py as a size`);
  return String(n);
}

/** One of a fixed set of words as a Python string literal (checked against the set, then JSON-quoted). */
function pyWord<T extends string>(v: T, allowed: readonly T[]): string {
  if (!allowed.includes(v)) throw new ModelMetadataError(`refusing to write ${describeValue(v)} into train.py`);
  return JSON.stringify(v);
}

/** The Python lines of SequenceModel.__init__ that create embed / rnn / head with this model's sizes. */
function modelLayers(meta: CheckedModelMetadata): string {
  const m = meta.model;
  const E = m.embeddingDim;
  const rnnInput = pyInt(E ?? meta.inputSize);
  const H = pyInt(m.hiddenSize);
  const directions = m.bidirectional ? 2 : 1;
  const common = `num_layers=${pyInt(m.layers)}, bidirectional=${m.bidirectional ? 'True' : 'False'}, batch_first=True`;
  const rnn =
    m.model === 'lstm' ? `nn.LSTM(${rnnInput}, ${H}, ${common})`
      : m.model === 'gru' ? `nn.GRU(${rnnInput}, ${H}, ${common})`
        : `nn.RNN(${rnnInput}, ${H}, nonlinearity=${pyWord(m.nonlinearity ?? 'tanh', NONLINEARITIES)}, ${common})`;
  return [
    E !== undefined ? `        self.embed = nn.Embedding(${pyInt(meta.inputSize)}, ${pyInt(E)})` : '        self.embed = None  # one-hot input',
    `        self.rnn = ${rnn}`,
    `        self.head = nn.Linear(${H} * ${directions}, ${pyInt(meta.outputSize)})`,
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
export function pytorchProject(run: ExportedRun, untrustedMeta: ExportedModelMeta, dataFile: string): ProjectFile[] {
  // The description is checked again here, whoever called: every value below becomes part of a Python program.
  const meta = checkModelMetadata({ format: MODEL_FORMAT, ...untrustedMeta });
  checkExportedRun(run);
  const c = run.config;
  const settings = {
    task: meta.task,
    dataFile,
    sha256: run.data.sha256,
    steps: run.steps,
    seqLength: c.seqLength,
    backpropSteps: c.backpropSteps ?? null,
    batchSize: c.batchSize,
    optimizer: { kind: c.optimizer.kind, learningRate: c.optimizer.learningRate, ...(c.optimizer.momentum !== undefined ? { momentum: c.optimizer.momentum } : {}) },
    clipNorm: c.clipNorm,
    clipValue: c.clipValue ?? null,
    seed: c.seed,
  };
  // One pass over the template with a replacer function: a "$" in a file name is not read as a replacement pattern,
  // and a placeholder's name inside a value (a file called "__MODEL_LAYERS__") is never filled in again.
  const fills: Record<string, () => string> = {
    __RUN_JSON__: () => pythonString(settings),
    __NAMES_JSON__: () => pythonString(stateDictNames(meta)),
    __MODEL_LAYERS__: () => modelLayers(meta),
  };
  const train = TRAIN_PY.replace(/__(?:RUN_JSON|NAMES_JSON|MODEL_LAYERS)__/g, (name) => fills[name]());
  return [
    { path: 'train.py', contents: train },
    { path: 'safetensors_io.py', contents: SAFETENSORS_IO_PY },
    { path: 'torchrun_compat.py', contents: TORCHRUN_COMPAT_PY },
    { path: 'README.md', contents: readme(run, meta, dataFile) },
    { path: 'requirements.txt', contents: 'torch>=1.13\nnumpy\n' },
  ];
}
