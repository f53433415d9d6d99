// `sequence-lab train DATA [options] --out DIR`: trains an RNN / GRU / LSTM on a text (next token), a tagged file
// (per-step tags) or a numeric series (next value) and writes
//   DIR/model.safetensors   PyTorch names, config + vocabulary in __metadata__ (see src/engine/modelFile.ts)
//   DIR/run.json            config, data file and its SHA-256, final metrics
//   DIR/metrics.jsonl       one JSON line per update
import { createHash } from 'node:crypto';
import { EngineInputError } from '../../engine/errors';
import type { OptimizerKind } from '../../engine/optimizers';
import { charData, parseSeries, parseTagged, wordData, type SequenceData } from '../../engine/sequenceData';
import { SequenceTrainer, type ModelKind, type SequenceStepResult, type SequenceTrainerConfig } from '../../engine/sequenceTrainer';
import { FinalTargetTrainer, type FinalTargetData } from '../../engine/finalTargetTrainer';
import { buildTrainingData, initialisationOptions } from '../../engine/trainingSetup';
import { Prng } from '../../engine/prng';
import { sampleNextTokens } from '../../engine/sequenceSampling';
import { availableParallelism } from 'node:os';
import { WorkerShards } from '../../parallel/workerShards';
import type { ProgressSink } from '../progressBar';
import { HELD_OUT_SEED, splitFinalTargetData, splitSequenceData } from '../../engine/heldOut';
import { guarded, numberOption, oneOf, parseArgs, UsageError, type CliIo } from './cliIo';
import { encodeModel, type ModelMetadata, type Task } from '../../engine/modelFile';
import { checkTrainingText, DEFAULT_MAX_TRAINING_MB, fileLabelOf } from '../../shared/textChecks';
import { defaultDtype, DTYPES, float32Trains, FLOAT32_STREAMED_ONLY, type DataKind } from '../../shared/trainingConfig';

export const TRAIN_USAGE = `Usage: sequence-lab train DATA [--out DIR] [options]
  Without --out: trains, prints the loss every 100 steps (and, for lm, --sample-length N (200) tokens sampled at
  --temperature X (0.8) at the end) and writes nothing. With --out: writes the model, run.json and metrics.jsonl.
  The same trainer and defaults either way, the engine the editor trains with.
  --task lm|tag|series|sequence-to-one   what to learn (default: series for numeric .csv/.tsv, tag for token<TAB>tag
                           lines, else lm; sequence-to-one: blocks of --seq rows, MSE on each block's last-column target)
  --tokens chars|words     how a text is split for lm (default chars)
  --model rnn|gru|lstm     (default lstm)      --nonlinearity tanh|relu   (rnn only, default tanh)
  --layers N (1)  --hidden N (64)  --embedding N (one-hot when absent)  --bidirectional (tag only)
  --seq N (64)  --truncate K1,K2 (update every K1 steps, backpropagate K2)  --batch N (1)
  --optimizer adam|sgd|rmsprop (adam)  --lr X (0.002)  --momentum X (sgd)  --clip X (5, 0 = off)  --clip-value X
  --init pytorch|xavier|orthogonal|identity (pytorch)  --spectral-radius R (W_hh blocks rescaled to R)
  --steps N | --epochs N (default 1 epoch)  --seed N (42)
  --held-out SHARE (0; the editor uses 0.1) keeps SHARE of the data out of training, as the editor does: a text's
                           or series' last SHARE, a seeded draw of SHARE of the tagged or sequence-to-one sequences
  --dtype float32|float64 (float32 for text and series, the fast path; tagging and sequence-to-one train in float64)
  --threads N (the machine's cores; with --batch B ≥ 4, the B streams are shared out over up to N threads, ≥ 2 streams each)
  On a terminal, stderr shows one progress line (step/total, loss, chars/s, ETA); piped or logged, nothing.
`;

const VALUE_OPTIONS = ['--temperature', '--sample-length', '--held-out', '--out', '--task', '--tokens', '--model', '--nonlinearity', '--layers', '--hidden', '--embedding', '--seq', '--truncate', '--batch', '--optimizer', '--lr', '--momentum', '--clip', '--clip-value', '--steps', '--epochs', '--seed', '--dtype', '--threads', '--init', '--spectral-radius'];

/** The task a file looks like: numeric columns → series, "token<TAB>tag" lines → tag, anything else → lm. */
export function guessTask(path: string, text: string): Task {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (/\.(csv|tsv)$/i.test(path)) {
    try {
      parseSeries(text);
      return 'series';
    } catch {
      // not numeric: fall through
    }
  }
  if (lines.length > 0 && lines.every((l) => l.split('\t').length === 2)) return 'tag';
  return 'lm';
}

/**
 * `progress`, when given (a terminal), makes the sink that shows the steps as they run; `unit` names what the rate
 * counts (chars, words, tokens or values).
 */
export async function run(argv: string[], io: CliIo, progress?: (unit: string) => ProgressSink): Promise<number> {
  return guarded(io, 'train', async () => {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(TRAIN_USAGE);
      return 0;
    }
    const args = parseArgs(argv, VALUE_OPTIONS, ['--bidirectional']);
    if (args.positional.length !== 1) throw new UsageError('train needs exactly one DATA file');
    // Without --out the run is only printed (the README's first command line): nothing is written.
    const out = args.options.get('--out');
    if (out === '') throw new UsageError('--out needs a folder');
    const temperature = numberOption(args, '--temperature', 'number', Number.MIN_VALUE) ?? 0.8;
    const sampleLength = numberOption(args, '--sample-length', 'whole', 0) ?? 200;
    if (out !== undefined && (args.options.has('--temperature') || args.options.has('--sample-length'))) {
      throw new UsageError('--temperature and --sample-length are for train without --out (with --out, run sequence-lab sample on the saved model)');
    }
    const path = args.positional[0];
    const bytes = await io.readFile(path).catch((e: NodeJS.ErrnoException) => {
      const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : undefined;
      if (why) throw new EngineInputError(`cannot read ${path}: ${why}`);
      throw e;
    });
    const text = new TextDecoder('utf-8').decode(bytes);
    // The extension's checks and words (empty, whitespace only, binary, one character, over 20 MB).
    const verdict = checkTrainingText(text, fileLabelOf(path), DEFAULT_MAX_TRAINING_MB * 1024 * 1024, null);
    if (!verdict.ok) throw new EngineInputError(verdict.message!);
    const taskOption = oneOf(args, '--task', ['lm', 'tag', 'series', 'sequence-to-one'] as const, guessTask(path, text));
    // Sequence-to-one models are stored as series models with one output (their metadata task is "series").
    const task: Task = taskOption === 'sequence-to-one' ? 'series' : taskOption;
    const tokens = oneOf(args, '--tokens', ['chars', 'words'] as const, 'chars');
    // The run's data kind in the editor's words (trainingConfig.ts), for the dtype it defaults to and allows.
    const dataKind: DataKind = taskOption === 'lm' ? (tokens === 'chars' ? 'characters' : 'words') : taskOption === 'tag' ? 'tagged' : taskOption;
    if (args.options.get('--dtype') === 'float32' && !float32Trains(dataKind)) throw new UsageError(FLOAT32_STREAMED_ONLY.replace(/^dtype/, '--dtype'));

    let data: SequenceData;
    let vocabulary: string[];
    let tags: string[] | undefined;
    let finalTarget: FinalTargetData | undefined;
    if (taskOption === 'sequence-to-one') {
      const d = buildTrainingData(text, 'sequence-to-one', numberOption(args, '--seq', 'whole') ?? 64);
      if (d.kind !== 'sequence-to-one') throw new UsageError('unreachable');
      finalTarget = d.data;
      data = { kind: 'series', rows: d.data.inputs, length: d.data.count * d.data.length, features: d.data.features };
      vocabulary = d.vocabulary;
    } else if (task === 'lm') {
      const d = tokens === 'chars' ? charData(text) : wordData(text);
      data = d.data;
      vocabulary = 'chars' in d.vocabulary ? [...d.vocabulary.chars] : [...d.vocabulary.tokens];
    } else if (task === 'tag') {
      const d = parseTagged(text);
      data = d.data;
      vocabulary = [...d.tokens.tokens];
      tags = [...d.tags.tokens];
    } else {
      const d = parseSeries(text);
      data = d.data;
      vocabulary = d.columns;
    }

    const seq = numberOption(args, '--seq', 'whole') ?? 64;
    let k1 = seq;
    let k2: number | undefined;
    const truncate = args.options.get('--truncate');
    if (truncate !== undefined) {
      const m = /^(\d+),(\d+)$/.exec(truncate.trim());
      if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--truncate needs K1,K2, two whole numbers ≥ 1 (got ${JSON.stringify(truncate)})`);
      k1 = Number(m[1]);
      k2 = Number(m[2]);
    }
    const optimizer = oneOf(args, '--optimizer', ['adam', 'sgd', 'rmsprop'] as const, 'adam' as OptimizerKind);
    const model = oneOf(args, '--model', ['rnn', 'gru', 'lstm'] as const, 'lstm' as ModelKind);
    const config: SequenceTrainerConfig = {
      cell: model,
      nonlinearity: args.options.has('--nonlinearity') ? oneOf(args, '--nonlinearity', ['tanh', 'relu'] as const, 'tanh') : undefined,
      layers: numberOption(args, '--layers', 'whole') ?? 1,
      hiddenSize: numberOption(args, '--hidden', 'whole') ?? 64,
      bidirectional: args.flags.has('--bidirectional'),
      embedding: numberOption(args, '--embedding', 'whole'),
      seqLength: k1,
      truncate: k2,
      batch: numberOption(args, '--batch', 'whole') ?? 1,
      optimizer: { kind: optimizer, learningRate: numberOption(args, '--lr', 'number', Number.MIN_VALUE) ?? 0.002, momentum: numberOption(args, '--momentum', 'number', 0) },
      clip: numberOption(args, '--clip', 'number', 0) ?? 5,
      clipValue: numberOption(args, '--clip-value', 'number', 0),
      seed: numberOption(args, '--seed', 'whole', 0) ?? 42,
      // float32 (the fast path) for streamed data, float64 for tagging and sequence-to-one: the editor's default too.
      dtype: oneOf(args, '--dtype', DTYPES, defaultDtype(dataKind)),
      init: initialisationOptions(
        oneOf(args, '--init', ['pytorch', 'xavier', 'orthogonal', 'identity'] as const, 'pytorch'),
        numberOption(args, '--spectral-radius', 'number', 0),
      ),
    };
    // The held-out part (engine/heldOut.ts) is split off before the trainer sees the data, as in the editor's worker.
    const heldOutShare = numberOption(args, '--held-out', 'number', 0) ?? 0;
    if (heldOutShare >= 0.5) throw new UsageError(`--held-out is a share below 0.5 (got ${heldOutShare})`);
    if (heldOutShare > 0) {
      if (finalTarget) {
        finalTarget = splitFinalTargetData(finalTarget, heldOutShare, HELD_OUT_SEED).train;
        data = { kind: 'series', rows: finalTarget.inputs, length: finalTarget.count * finalTarget.length, features: finalTarget.features };
      } else {
        data = splitSequenceData(data, heldOutShare, HELD_OUT_SEED, tokens, config.batch).train;
      }
    }
    const threads = numberOption(args, '--threads', 'whole', 1) ?? availableParallelism();
    if (args.options.has('--steps') && args.options.has('--epochs')) throw new UsageError('give --steps or --epochs, not both');
    // More threads: data-parallel shards of the batch on worker_threads (src/parallel), summed in a fixed order.
    const trainer = finalTarget
      ? new FinalTargetTrainer(finalTarget, config)
      : new SequenceTrainer(data, config, threads > 1 ? { parallel: new WorkerShards({ threads }) } : {});
    // The threads the batch is shared over (a batch of fewer than 4 streams, a tagger or a series run: this one).
    const used = trainer instanceof SequenceTrainer ? trainer.threadCount : 1;
    const perEpoch = trainer instanceof FinalTargetTrainer
      ? Math.ceil(trainer.data.count / trainer.batch)
      : data.kind === 'tagging' ? Math.ceil(data.sequences.length / trainer.batch) : Math.max(1, Math.floor(trainer.segmentLength / trainer.k1));
    const steps = numberOption(args, '--steps', 'whole') ?? perEpoch * (numberOption(args, '--epochs', 'whole') ?? 1);

    const metrics: string[] = [];
    let last = null as SequenceStepResult | null;
    const unit = task === 'series' ? 'rows' : task === 'tag' ? 'tokens' : tokens;
    const bar = out === undefined ? undefined : progress?.(unit);
    if (out === undefined) {
      io.stdout(`${path}: ${trainer.model.config.inputSize} inputs, ${trainer.model.parameterCount} parameters (${config.cell}, H=${config.hiddenSize}, ${config.layers} layer(s)), ${steps} steps${used > 1 ? `, ${used} threads` : ''}\n`);
    }
    const started = performance.now();
    let seen = 0;
    try {
      for (let s = 0; s < steps; s++) {
        last = trainer.step();
        const { updateRatios: _ratios, ...line } = last;
        metrics.push(JSON.stringify(line));
        seen += last.tokens;
        bar?.update({ step: s + 1, total: steps, loss: last.loss, tokens: seen, elapsedSeconds: (performance.now() - started) / 1000 });
        if (out === undefined && ((s + 1) % 100 === 0 || s + 1 === steps)) {
          io.stdout(`step ${last.step}  loss ${last.loss.toFixed(4)}  grad norm ${last.gradNorm.toFixed(3)}${last.clipped ? ' (clipped)' : ''}\n`);
        }
      }
    } finally {
      bar?.done();
      if (trainer instanceof SequenceTrainer) trainer.dispose();
    }
    const meta: ModelMetadata = {
      format: 'sequence-lab/1',
      task,
      model: { cell: config.cell, nonlinearity: config.nonlinearity, layers: config.layers, hiddenSize: config.hiddenSize, bidirectional: config.bidirectional, embedding: config.embedding },
      inputSize: trainer.model.config.inputSize,
      outputSize: trainer.model.config.outputSize,
      tokens: task === 'lm' ? tokens : undefined,
      vocabulary,
      tags,
    };
    if (last === null) throw new EngineInputError('No training step was run.');
    if (out === undefined) {
      const seconds = (performance.now() - started) / 1000;
      io.stdout(`${Math.round(seen / Math.max(seconds, 1e-9))} ${unit}/s\n`);
      if (task === 'lm' && trainer instanceof SequenceTrainer && data.kind === 'next-token') {
        // Sampled from a zero state after the data's first token, as the Training panel samples.
        const ids = sampleNextTokens(trainer.model, data.ids.subarray(0, 1), sampleLength, temperature, new Prng(config.seed));
        const decoded = Array.from(ids, (id) => vocabulary[id]);
        io.stdout(`sample (temperature ${temperature}):\n${tokens === 'words' ? decoded.join(' ') : decoded.join('')}\n`);
      }
      return 0;
    }
    await io.writeFile(`${out}/model.safetensors`, encodeModel(trainer.model, meta));
    await io.writeFile(`${out}/metrics.jsonl`, metrics.join('\n') + '\n');
    const runJson = {
      config: { ...config, task: taskOption, tokens: meta.tokens },
      data: { file: path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length },
      steps,
      final: { step: last.step, epoch: last.epoch, loss: last.loss, gradNorm: last.gradNorm },
    };
    await io.writeFile(`${out}/run.json`, JSON.stringify(runJson, null, 2) + '\n');
    io.stdout(`trained ${steps} steps, final loss ${last.loss.toFixed(4)}; wrote ${out}/model.safetensors, run.json, metrics.jsonl\n`);
    return 0;
  });
}
