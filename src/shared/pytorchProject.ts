// A trained Sequence Lab run as a self-contained PyTorch project (pure text generation, no I/O: the CLI's
// export-pytorch command and, later, the VS Code host write the files). The caller adds model.safetensors and the
// data file (at `dataFile`, a path relative to the project) next to these text files.
import { checkModelMetadata, describeValue, MODEL_FORMAT, ModelMetadataError, NONLINEARITIES, type CheckedModelMetadata } from './modelMetadata';
import { SAFETENSORS_IO_PY, TORCHRUN_COMPAT_PY } from './pytorchSupportScripts';
import { TRAIN_PY } from './pytorchTrainScript';
import { BATCH_LIMIT, CONFIG_LIMITS, DTYPES, OPTIMIZER_KINDS, type Limit, type TrainingDtype } from './trainingConfig';

/** The model description stored in model.safetensors' __metadata__.sequence_lab (see src/engine/modelFile.ts). */
export interface ExportedModelMeta {
  task: 'lm' | 'tag' | 'series';
  model: { cell: 'rnn' | 'gru' | 'lstm'; nonlinearity?: 'tanh' | 'relu'; layers: number; hiddenSize: number; bidirectional: boolean; embedding?: number };
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
    truncate?: number;
    batch: number;
    optimizer: { kind: 'adam' | 'sgd' | 'rmsprop'; learningRate: number; momentum?: number };
    clip: number;
    clipValue?: number;
    seed: number;
    /** The dtype the run trained in; train.py continues in it (absent: float32, train.py's default). */
    dtype?: TrainingDtype;
  };
  data: { file: string; sha256: string };
  steps: number;
  /** Tokens (or rows) at the start of the file the run trained on; the rest was its held-out part. Absent: all. */
  trainLength?: number;
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
  num('truncate', c.truncate, CONFIG_LIMITS.seqLength, true);
  num('batch', c.batch, BATCH_LIMIT);
  num('clip', c.clip, CONFIG_LIMITS.clip);
  num('clipValue', c.clipValue, { min: 0, max: 1e6, integer: false }, true);
  num('seed', c.seed, CONFIG_LIMITS.seed);
  if (c.dtype !== undefined && c.dtype !== null && !(DTYPES as readonly unknown[]).includes(c.dtype)) fail(`have the dtype ${describeValue(c.dtype)}; it must be ${DTYPES.join(' or ')}`);
  num('steps', run.steps, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  num('trainLength', run.trainLength, { min: 2, max: Number.MAX_SAFE_INTEGER, integer: true }, true);
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
  const names = meta.model.embedding !== undefined ? ['embed.weight'] : [];
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
  const E = m.embedding;
  const rnnInput = pyInt(E ?? meta.inputSize);
  const H = pyInt(m.hiddenSize);
  const directions = m.bidirectional ? 2 : 1;
  const common = `num_layers=${pyInt(m.layers)}, bidirectional=${m.bidirectional ? 'True' : 'False'}, batch_first=True`;
  const rnn =
    m.cell === 'lstm' ? `nn.LSTM(${rnnInput}, ${H}, ${common})`
      : m.cell === 'gru' ? `nn.GRU(${rnnInput}, ${H}, ${common})`
        : `nn.RNN(${rnnInput}, ${H}, nonlinearity=${pyWord(m.nonlinearity ?? 'tanh', NONLINEARITIES)}, ${common})`;
  return [
    E !== undefined ? `        self.embed = nn.Embedding(${pyInt(meta.inputSize)}, ${pyInt(E)})` : '        self.embed = None  # one-hot input',
    `        self.rnn = ${rnn}`,
    `        self.head = nn.Linear(${H} * ${directions}, ${pyInt(meta.outputSize)})`,
  ].join('\n');
}

/** A JSON value as a Python string literal (JSON string escapes are valid Python escapes). */
const pythonString = (value: unknown): string => JSON.stringify(JSON.stringify(value));

/** A learning rate as the README prints it (4 significant digits, no float noise). */
const rate = (lr: number): string => String(Number(lr.toPrecision(4)));

function readme(run: ExportedRun, meta: ExportedModelMeta, dataFile: string): string {
  const m = meta.model;
  const what = `${m.layers}-layer ${m.bidirectional ? 'bidirectional ' : ''}${m.cell.toUpperCase()} (hidden ${m.hiddenSize}${m.embedding !== undefined ? `, embedding ${m.embedding}` : ', one-hot input'})`;
  const task = meta.task === 'lm' ? `next-${meta.tokens === 'words' ? 'word' : 'character'} prediction` : meta.task === 'tag' ? 'tagging' : 'next-value prediction of a numeric series';
  const c = run.config;
  const B = c.batch;
  // Two processes need two streams at least: the printed commands ask for them when the run had fewer.
  const B2 = Math.max(2, B);
  const B4 = Math.max(4, B);
  // One machine, 2 processes, rendezvous on a port the system picks (what --standalone does from torch 2.0 on).
  const LOCAL2 = '--nnodes=1 --nproc_per_node=2 --rdzv_backend=c10d --rdzv_endpoint=localhost:0';
  const lr = c.optimizer.learningRate;
  const adaptive = c.optimizer.kind !== 'sgd';
  // Starting points from the literature: √k for Adam/RMSProp (Malladi et al. 2022), k for SGD (Goyal et al. 2017).
  const scaled = (k: number): string => rate(lr * (adaptive ? Math.sqrt(k) : k));
  const units = meta.task === 'tag' ? 'sequences' : 'streams';
  const reshard = B2 !== B
    ? `The run trained with ${B} stream${B === 1 ? '' : 's'}, so the commands for 2 processes re-shard the data into \`--batch ${B2}\` ${units} (see "Scaling out").`
    : `The commands for 2 processes share the run's ${B} ${units} between them.`;
  return `# Sequence Lab model — PyTorch project

A ${what} trained by Sequence Lab for ${task}, exported with \`sequence-lab export-pytorch\`.

| file | what |
| --- | --- |
| \`train.py\` | the model as one \`nn.Module\` (\`${stateDictNames(meta).join('`, `')}\`), data loading with the model's own vocabulary, training and \`--eval\` |
| \`safetensors_io.py\` | a tiny safetensors reader/writer (no \`safetensors\` package needed) |
| \`torchrun_compat.py\` | \`torchrun\` for torch 1.13 on Python ≥ 3.11 (Debian), whose launcher fails with \`'NoneType' object has no attribute 'get'\` |
| \`model.safetensors\` | the weights (float64) with the model description in \`__metadata__\` |
| ${codeSpan(dataFile)} | the training data (SHA-256 \`${run.data.sha256}\`) |

Training appends to \`metrics.jsonl\` next to \`model.safetensors\` (the history of this project's training, one line
per update; empty as exported) and, with \`--save-every\`, writes \`train-checkpoint.safetensors\` (deleted when the
run finishes).

## Run

\`\`\`sh
pip install -r requirements.txt        # or Debian's python3-torch (+ python3-numpy)
python3 train.py --eval                # mean loss over the data file as one sequence from a zero state, as \`sequence-lab eval\`
python3 train.py --steps 200           # continue training; writes model.safetensors back
python3 train.py --steps 200 --save-every 50   # the same, resumable: after a crash run the same command again
torchrun ${LOCAL2} train.py --batch ${B2} --steps 200   # on 2 processes (DistributedDataParallel, gloo)
python3 torchrun_compat.py ${LOCAL2} train.py --batch ${B2} --steps 200   # when torchrun itself fails (see the table above)
\`\`\`

\`${LOCAL2}\` is \`--standalone\` on a free port: torch 1.13's
\`--standalone\` always takes port 29400, so two jobs on one machine would meet there.

${reshard}

Training continues as the original run was configured: ${B} stream(s) per update unless \`--batch\` says otherwise,
truncated BPTT (k1 = ${c.seqLength}, k2 = ${c.truncate ?? c.seqLength}), ${c.optimizer.kind} with learning rate ${lr},
gradient clipping ${c.clip > 0 ? `at global norm ${c.clip}` : 'off'}${c.clipValue ? ` and per value at ${c.clipValue}` : ''},
in ${c.dtype ?? 'float32'} unless \`--dtype\` says otherwise.
The optimiser state and the data position are not part of model.safetensors: a new command restarts them (fresh
optimiser moments, streams from their start). Under torchrun every process takes its share of the \`--batch\`
${units} (so use at most that many processes in all); the loss is the mean over all of them, as in Sequence Lab. Only
rank 0 writes \`model.safetensors\` (same tensor names and metadata), \`metrics.jsonl\` and the checkpoint.

## On a GPU

\`\`\`sh
python3 train.py --device cuda --steps 200          # one GPU (--device auto: the GPU when there is one, else the CPU)
python3 train.py --device cuda --amp --steps 200    # mixed precision (float16 autocast, loss scaling)
torchrun ${LOCAL2} train.py --device cuda --batch ${B2} --steps 200   # 2 GPUs: NCCL, one GPU per process (LOCAL_RANK)
\`\`\`

Without a usable GPU, \`--device cuda\` stops at once with "error: --device cuda, but PyTorch sees no CUDA GPU …";
Debian's python3-torch is a CPU-only build. \`--amp\` needs CUDA and float32.

## On several machines

Copy this folder to every machine, pick one machine's address as HOST, and run on each machine (here 2 machines with
2 processes each, so 4 processes in all and \`--batch ${B4}\`):

\`\`\`sh
torchrun --nnodes=2 --nproc_per_node=2 --rdzv_backend=c10d --rdzv_endpoint=HOST:29400 --rdzv_id=seqlab train.py --batch ${B4} --steps 200
\`\`\`

Add \`--device cuda\` on GPU machines (NCCL), leave it out for CPUs (gloo). The options are spelled as torch 1.13
spells them (newer torchrun also accepts \`--rdzv-endpoint\`). Only global rank 0 writes files, into its own
machine's copy of the folder (that machine prints \`wrote …\`). Rank 0 reads a resumable checkpoint and sends it to
the others, so with \`--save-every\` keep the folder on a shared disk (or pass \`--checkpoint\` and \`--model\` there):
after a restart rank 0 may be on another machine.

## Scaling out

- **Effective batch.** One update is the mean loss over \`--batch\` ${units}${meta.task === 'tag' ? '' : ` × k1 = ${c.seqLength} positions`}, however
  many processes share them: \`--batch 8\` on 1, 2 or 8 processes makes the same update (to float rounding;
  DistributedDataParallel averages the gradients, and each process's loss is weighted so that the average is the
  gradient of the batch mean). More processes make each update faster, not different.
${meta.task === 'tag'
    ? '- **What `--batch` changes.** Each update takes the next `--batch` sequences of the file, in order, wrapping at the end.'
    : `- **What \`--batch\` changes.** The data is cut into \`--batch\` equal streams read side by side, so with another
  batch every stream starts somewhere else and carries its hidden state from zero; an epoch is (positions / batch) / k1
  updates, fewer with a larger batch. The weights carry over; the optimiser state restarts anyway.`}
- **Learning rate.** A larger batch averages more noise out of each gradient, so it can take larger steps. Starting
  points from the literature: for SGD scale the rate with the batch (×k for k times the batch, with a warm-up; Goyal
  et al. 2017), for Adam and RMSProp with its square root (×√k; Malladi et al. 2022). This run's ${c.optimizer.kind} at
  ${lr} for batch ${B} gives \`--lr ${scaled(B2 / B)}\` for \`--batch ${B2}\` and \`--lr ${scaled(B4 / B)}\` for \`--batch ${B4}\`; watch the loss
  in \`metrics.jsonl\` and lower it if training gets worse.
- **Crashes.** With \`--save-every N\`, rank 0 writes \`model.safetensors\` and \`train-checkpoint.safetensors\` (weights,
  optimiser moments, where every stream is, the history's length) every N updates. Running the same command again
  resumes from it, on any number of processes, and ends with the weights an uninterrupted run ends with; other
  settings are refused until the checkpoint is deleted. A finished run deletes its checkpoint, so the same command
  then continues training for another \`--steps\`.

## Back into Sequence Lab

- ${codeSpan(`sequence-lab eval model.safetensors ${shWord(dataFile)}`)} (and \`sample\`, \`trace\`) read the grown model.
- In VS Code, **Sequence Lab: Open PyTorch Model…** on \`model.safetensors\` with the data file open puts it on the
  Training panel, paused, with every panel working.
- \`metrics.jsonl\` is Sequence Lab's run-history format (\`{"step", "loss", "gradNorm"}\` per update); its steps
  continue the exported run's ${run.steps}. Open PyTorch Model… imports it with the model, so **Compare Runs** shows
  the run trained in VS Code and its scaled-out continuation on one step axis.

Options: \`--steps N\`, \`--batch B\`, \`--lr RATE\`, \`--device cpu|cuda|auto\`, \`--amp\`, \`--eval [FILE]\`,
\`--dtype float32|float64\` (default float32 for training, float64 for \`--eval\`), \`--model PATH\`, \`--data PATH\`,
\`--log-every N\`, \`--save-every N\`, \`--checkpoint PATH\`, \`--metrics PATH\`.
`;
}

/**
 * The name the project gives its copy of the training data: `name` reduced to characters safe in any file system and
 * shell (runs of others become "_", no leading dot), or data.txt when nothing is left. Both exports (the CLI's and
 * the extension's) name the copy with it.
 */
export function projectDataFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'data.txt';
}

/** One word for a POSIX shell (README.md's commands): bare when only safe characters, else single-quoted. */
function shWord(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Markdown inline code holding `text` whatever backticks it holds (a longer run of backticks as the fence). */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 || text.startsWith(' ') || text.endsWith(' ') ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
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
    // Tokens (rows) at the start of the data file the run trained on; the rest was its held-out part (null: all).
    trainLength: run.trainLength ?? null,
    steps: run.steps,
    // The step the exported weights are at: train.py's metrics.jsonl numbers its updates after it.
    stepsDone: run.steps,
    seqLength: c.seqLength,
    truncate: c.truncate ?? null,
    batch: c.batch,
    optimizer: { kind: c.optimizer.kind, learningRate: c.optimizer.learningRate, ...(c.optimizer.momentum !== undefined ? { momentum: c.optimizer.momentum } : {}) },
    clip: c.clip,
    clipValue: c.clipValue ?? null,
    seed: c.seed,
    dtype: c.dtype ?? null,
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
    // train.py's history starts empty: exported again over an older project, the old history (and numbering) goes.
    { path: 'metrics.jsonl', contents: '' },
  ];
}
