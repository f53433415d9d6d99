// A run on anything but characters (see trainableModel.ts): whitespace words (next word, cross-entropy in nats per
// word), "token<TAB>tag" lines (a tag per token, optionally bidirectional), numeric series (next row, mean squared
// error) and sequence-to-one blocks (the adding problem: MSE on each block's final target). The data and the trainer
// are built as `sequence-lab train` builds them (engine/trainingSetup.ts, modelTrainerConfig.ts), checkpoints are the
// CLI's model.safetensors + the trainer state, and the panel's "sample" is what fits the kind: sampled words, the
// tags predicted with the accuracy, or predictions against the data with their error. A word run is traced for the
// Gates, Unrolled Network and Gradient Flow panels as a character run is, each step a word with its place in the text;
// tagged, series and sequence-to-one runs by kindTraces.ts (a tagged sentence, a stretch of rows, a block).
import { EngineInputError } from '../engine/errors';
import { FinalTargetTrainer, type FinalTargetData } from '../engine/finalTargetTrainer';
import { HELD_OUT_SEED, HELD_OUT_SHARE, scoreHeldOut, splitFinalTargetData, splitSequenceData, type HeldOutPart, type HeldOutScore, type HeldOutSplit } from '../engine/heldOut';
import type { SequenceData } from '../engine/sequenceData';
import type { HeldOutInfo } from '../shared/run';
import { Prng } from '../engine/prng';
import type { AbortCheck } from '../engine/stepAbort';
import { argmax, sampleNextTokens } from '../engine/sequenceSampling';
import { SequenceTrainer } from '../engine/sequenceTrainer';
import { wordSpans } from '../engine/tokenVocabulary';
import { buildTrainingData, type BuiltData } from '../engine/trainingSetup';
import type { ModelMetadata } from '../engine/modelFile';
import { encodeCheckpoint, restoreCheckpoint, splitAfterRestore, type HeldOutRecord, type TrainedBeside } from './checkpointFiles';
import type { TrainingConfig } from '../shared/trainingConfig';
import type { ActivationTrace, GradientTrace, RecurrenceAt } from '../shared/protocol/traces';
import { traceActivations } from './activationTrace';
import { trainerConfigOf, withVocabularyHint } from './modelTrainerConfig';
import type { StepLike } from './progressBuffer';
import type { TaggedTextSource } from './tagText';
import type { TextInferenceSource } from './textInference';
import type { TrainableModel } from './trainableModel';
import { traceGradientWindow } from './windowGradients';
import { createGradientHistory, type GradientHistory } from './gradientHistory';
import { parallelShards } from './parallelThreads';
import { finalTargetWindow, kindActivationTrace, kindGradientTrace, seriesWindow, stepPlaces, taggedWindow, type KindWindow, type StepPlaces } from './kindTraces';

/** As CharModel: the sampling PRNG's seed is this far from the training seed. */
const SAMPLING_SEED_OFFSET = 0x9e3779b9;
/** Tagging accuracy and sequence-to-one error are measured on at most this many held-out sequences. */
const EVALUATED_SEQUENCES = 200;
/** Rows of a series shown with their one-step-ahead prediction. */
const SHOWN_ROWS = 8;

function formatValue(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}

export class SequenceModel implements TrainableModel {
  readonly vocabSize: number;
  readonly dataLength: number;
  readonly parameterCount: number;
  heldOut: HeldOutInfo;
  /** The whole file's data (the trainer holds the training part; engine/heldOut.ts). */
  private readonly built: BuiltData;
  private heldOutPart: HeldOutPart | undefined;
  /** What the checkpoints record the model trained beside (checkpointFiles.ts TrainedBeside). */
  private trainedBeside: TrainedBeside;
  private readonly trainer: SequenceTrainer | FinalTargetTrainer;
  private readonly samplingRng: Prng;
  /** The text (word runs only: where their words sit), and its words' code-point spans once a trace asked for them. */
  private readonly text: string;
  /** A tagged, series or sequence-to-one run's text (where its tokens and rows sit), and those places once a trace asked. */
  private readonly placesText: string;
  private places: StepPlaces | undefined;
  private spans: { starts: Int32Array; ends: Int32Array } | undefined;
  /** A word run's id of each word, built when the editor's text is first read (textInferenceSource). */
  private wordIds: Map<string, number> | undefined;
  /** A tagged run's id of each token and each tag, built when the editor's text is first tagged (taggedTextSource). */
  private tokenIds: Map<string, number> | undefined;
  private tagIds: Map<string, number> | undefined;
  /** A word run's ‖∂L/∂h_t‖ over training, as a character run keeps it (gradientHistory.ts); the other kinds keep none. */
  private readonly gradientHistory: GradientHistory | undefined;

  /**
   * `config` was checked where it entered the worker (parseHostToWorker); throws EngineInputError (one line) for text
   * that is not of the kind, settings the engine cannot train on it, or a checkpoint that does not fit.
   */
  constructor(text: string, config: TrainingConfig, restore?: { model: Uint8Array; state?: Uint8Array; heldOut?: HeldOutRecord }) {
    const kind = config.dataKind ?? 'characters';
    this.built = withVocabularyHint(() => buildTrainingData(text, kind, config.seqLength, config.maxVocabulary));
    this.text = kind === 'words' ? text : '';
    this.placesText = kind === 'tagged' || kind === 'series' || kind === 'sequence-to-one' ? text : '';
    const trainerConfig = trainerConfigOf(config);
    const built = this.built;
    const batch = config.batch ?? 1;
    const unit = built.kind === 'words' ? 'words' : built.kind === 'tagged' ? 'tokens' : 'rows';
    const split: HeldOutSplit<SequenceData | FinalTargetData> = built.kind === 'sequence-to-one'
      ? splitFinalTargetData(built.data, HELD_OUT_SHARE, HELD_OUT_SEED)
      : splitSequenceData(built.data, HELD_OUT_SHARE, HELD_OUT_SEED, unit, batch);
    this.heldOutPart = split.heldOut;
    this.trainer = built.kind === 'sequence-to-one'
      ? new FinalTargetTrainer(split.train as FinalTargetData, trainerConfig)
      // A streamed run (words, series) of a batch of 4 or more runs its streams in shards on worker threads where
      // the worker has them (parallelThreads.ts); a tagger's sentences stay on this thread (the trainer decides).
      : new SequenceTrainer(split.train as SequenceData, trainerConfig, { parallel: parallelShards() });
    const trained = split.train;
    const stepsPerEpoch = trained.kind === 'final-target' ? trained.count / batch
      : trained.kind === 'tagging' ? trained.sequences.length / batch
      : Math.floor((this.trainer as SequenceTrainer).segmentLength / Math.max(1, (this.trainer as SequenceTrainer).k1));
    this.heldOut = { description: split.description, trainCount: split.trainCount, heldOutCount: split.heldOutCount, stepsPerEpoch: Math.max(1e-9, stepsPerEpoch) };
    this.vocabSize = built.vocabulary.length;
    this.dataLength =
      built.kind === 'tagged' ? built.data.sequences.reduce((n, s) => n + s.ids.length, 0)
      : built.kind === 'series' ? built.data.length
      : built.kind === 'sequence-to-one' ? built.data.count * built.data.length
      : built.data.ids.length;
    this.parameterCount = this.trainer.model.parameterCount;
    this.samplingRng = new Prng((config.seed + SAMPLING_SEED_OFFSET) >>> 0);
    this.trainedBeside = this.heldOut;
    if (restore) {
      // A resumed run whose checkpoint trained beside another split (or on the whole file) holds nothing out.
      const after = splitAfterRestore(this.heldOut, this.restoreCheckpoint(restore.model, restore.state), restore.heldOut);
      this.heldOut = after.info;
      this.trainedBeside = after.beside;
      if (after.info.heldOutCount === 0) this.heldOutPart = undefined;
    }
    this.gradientHistory = built.kind === 'words' ? createGradientHistory(this.trainer as SequenceTrainer, (id) => built.vocabulary[id]) : undefined;
  }

  get stepCount(): number {
    return this.trainer.stepCount;
  }

  /** Threads each update runs on (a sequence-to-one trainer: always 1). */
  get threadCount(): number {
    return this.trainer instanceof SequenceTrainer ? this.trainer.threadCount : 1;
  }

  /** A sequence-to-one trainer: always one thread. */
  get couldUseThreads(): boolean {
    return this.trainer instanceof SequenceTrainer && this.trainer.couldShard;
  }

  threadsReady(): Promise<void> {
    return this.trainer instanceof SequenceTrainer ? this.trainer.threadsReady() : Promise.resolve();
  }

  /** Ends the trainer's worker threads (after the run's loop has ended for good). */
  releaseThreads(): void {
    if (this.trainer instanceof SequenceTrainer) this.trainer.dispose();
  }

  /** The loss on the held-out part in the training loss's unit (and a tagger's or word model's accuracy). */
  scoreHeldOut(shouldStop?: () => boolean): HeldOutScore | undefined {
    return this.heldOutPart ? scoreHeldOut(this.trainer.model, this.heldOutPart, shouldStop) : undefined;
  }

  /** A stop or pause abandons the update in progress, changing nothing (see trainingRun.ts). */
  setAbortCheck(check: AbortCheck | null): void {
    this.trainer.abortCheck = check;
  }

  step(): StepLike {
    const started = performance.now();
    const r = this.trainer.step();
    this.gradientHistory?.afterStep(r, performance.now() - started);
    return { step: r.step, loss: r.loss, gradNorm: r.gradNorm, clipped: r.clipped, chars: r.tokens };
  }

  reconfigure(config: Pick<TrainingConfig, 'learningRate' | 'clip'>): void {
    this.trainer.reconfigure({ learningRate: config.learningRate, clip: config.clip });
  }

  /** model.safetensors as `sequence-lab train --out` writes it (sequence-to-one is stored as a series model with one output). */
  private metadata(): ModelMetadata {
    const c = this.trainer.config;
    const b = this.built;
    return {
      format: 'sequence-lab/1',
      task: b.kind === 'tagged' ? 'tag' : b.kind === 'words' ? 'lm' : 'series',
      model: { cell: c.cell, nonlinearity: c.nonlinearity, layers: c.layers, hiddenSize: c.hiddenSize, bidirectional: c.bidirectional, embedding: c.embedding },
      inputSize: this.trainer.model.config.inputSize,
      outputSize: this.trainer.model.config.outputSize,
      ...(b.kind === 'words' ? { tokens: 'words' as const } : {}),
      vocabulary: b.vocabulary,
      ...(b.kind === 'tagged' ? { tags: b.tags } : {}),
    };
  }

  checkpoint(): { model: Uint8Array; state: Uint8Array } {
    return encodeCheckpoint(this.trainer, this.metadata(), this.samplingRng, this.trainedBeside);
  }

  /** Weights (checked against the settings, vocabulary and tags of this text) and, when given, the trainer state. */
  private restoreCheckpoint(modelBytes: Uint8Array, stateBytes?: Uint8Array): ReturnType<typeof restoreCheckpoint> {
    return restoreCheckpoint(this.trainer, this.samplingRng, modelBytes, stateBytes, (meta) => {
      if (meta === undefined) return;
      const want = this.metadata();
      const m = meta.model;
      if (meta.task !== want.task || !m || m.cell !== want.model.cell || m.layers !== want.model.layers || m.hiddenSize !== want.model.hiddenSize || m.bidirectional !== want.model.bidirectional) {
        const shown = m ? `a ${String(meta.task)} ${String(m.cell).toUpperCase()}, ${m.layers} layer(s), H=${m.hiddenSize}` : 'no model';
        throw new EngineInputError(`The checkpoint holds ${shown}, but the settings ask for a ${want.task} ${want.model.cell.toUpperCase()}, ${want.model.layers} layer(s), H=${want.model.hiddenSize}.`);
      }
      const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) => (a ?? []).length === (b ?? []).length && (a ?? []).every((x, i) => x === b![i]);
      if (!same(meta.vocabulary, want.vocabulary) || !same(meta.tags, want.tags)) {
        throw new EngineInputError(`The checkpoint's vocabulary (${(meta.vocabulary ?? []).length} entries) is not this file's (${want.vocabulary.length}): was the file changed?`);
      }
    });
  }

  sample(length: number, temperature: number, greedy = false, shouldStop?: () => boolean): string {
    const b = this.built;
    switch (b.kind) {
      case 'characters':
      case 'words': {
        const ids = sampleNextTokens(this.trainer.model, b.data.ids.slice(0, 1), length, temperature, this.samplingRng, greedy, shouldStop);
        return Array.from(ids, (id) => b.vocabulary[id]).join(b.kind === 'words' ? ' ' : '');
      }
      case 'tagged':
        return this.taggingReport(b, length);
      case 'series':
        return this.seriesReport(b);
      case 'sequence-to-one':
        return this.sequenceToOneReport();
    }
  }

  /**
   * Token accuracy on the held-out sequences (never trained on; the training sequences only when the file is too small
   * to hold any out, and the text says so), then their first `length` tokens as token/predicted tag (✗gold when wrong).
   */
  private taggingReport(b: Extract<BuiltData, { kind: 'tagged' }>, length: number): string {
    const model = this.trainer.model;
    const K = model.config.outputSize;
    const part = this.heldOutPart?.kind === 'tagged' ? this.heldOutPart : undefined;
    const sequences = (part ? part.sequences : b.data.sequences).slice(0, EVALUATED_SEQUENCES);
    let right = 0;
    let total = 0;
    const shown: string[] = [];
    for (const seq of sequences) {
      const o = model.forward({ ids: seq.ids });
      for (let t = 0; t < seq.ids.length; t++) {
        const predicted = argmax(o.subarray(t * K, (t + 1) * K));
        total++;
        if (predicted === seq.tags[t]) right++;
        if (shown.length < length) {
          shown.push(`${b.vocabulary[seq.ids[t]]}/${b.tags[predicted]}${predicted === seq.tags[t] ? '' : ` ✗${b.tags[seq.tags[t]]}`}`);
        }
      }
    }
    const accuracy = `${((100 * right) / Math.max(1, total)).toFixed(1)}%`;
    const head = part
      ? `Held-out tagging accuracy ${accuracy} on ${total} tokens of ${sequences.length} held-out sequences (${this.heldOut.description}; never trained on).`
      : `Tagging accuracy ${accuracy} on ${total} tokens of the first ${sequences.length} training sequences (${this.heldOut.description}).`;
    return `${head}\n${shown.join(' ')}`;
  }

  /**
   * One-step-ahead predictions on the held-out rows (the last rows of the file, read on from the training part's
   * last row with a zero state) against the next rows, with their MSE; the first rows when nothing is held out.
   */
  private seriesReport(b: Extract<BuiltData, { kind: 'series' }>): string {
    const model = this.trainer.model;
    const F = b.data.features;
    const part = this.heldOutPart?.kind === 'series' ? this.heldOutPart : undefined;
    const rows = part ? part.rows : b.data.rows;
    const length = part ? part.length : b.data.length;
    const firstRow = b.data.length - length; // 0-based row of rows[0] in the file
    const n = Math.min(length - 1, model.config.maxSteps);
    const o = model.forward({ x: rows.subarray(0, n * F), steps: n });
    let sum = 0;
    for (let i = 0; i < n * F; i++) sum += (o[i] - rows[F + i]) ** 2;
    const what = part ? `the first ${n} held-out rows (${this.heldOut.description}, from a zero state)` : `the first ${n} rows (from a zero state; ${this.heldOut.description})`;
    const lines = [`One step ahead over ${what}: mean squared error ${formatValue(sum / (n * F))}.`];
    for (let t = 0; t < Math.min(n, SHOWN_ROWS); t++) {
      const cells = b.vocabulary.slice(0, 4).map((name, j) => `${name} ${formatValue(o[t * F + j])} (next ${formatValue(rows[(t + 1) * F + j])})`);
      lines.push(`row ${firstRow + t + 2}: ${cells.join(', ')}`);
    }
    return lines.join('\n');
  }

  /**
   * MSE of the final outputs on the held-out sequences against always predicting the training targets' mean (what a
   * model that learned nothing else would say), then a few of them.
   */
  private sequenceToOneReport(): string {
    const model = this.trainer.model;
    const trained = (this.trainer as FinalTargetTrainer).data;
    const part = this.heldOutPart?.kind === 'final-target' ? this.heldOutPart.data : trained;
    const { length: T, features: F } = part;
    const count = Math.min(part.count, EVALUATED_SEQUENCES);
    const predict = (n: number) => model.forward({ x: part.inputs.subarray(n * T * F, (n + 1) * T * F), steps: T })[T - 1];
    let mean = 0;
    for (let i = 0; i < trained.count; i++) mean += trained.targets[i] / trained.count;
    let baseline = 0;
    let mse = 0;
    const predicted: number[] = [];
    for (let i = 0; i < count; i++) {
      baseline += (part.targets[i] - mean) ** 2 / count;
      const p = predict(i);
      predicted.push(p);
      mse += (p - part.targets[i]) ** 2 / count;
    }
    const shown = predicted.slice(0, 5).map((p, i) => `${formatValue(p)} for ${formatValue(part.targets[i])}`);
    const which = this.heldOutPart ? `${count} held-out sequences (${this.heldOut.description}; never trained on)` : `first ${count} sequences (${this.heldOut.description})`;
    return (
      `Mean squared error ${formatValue(mse)} on the ${which}; always predicting the training targets' mean (${formatValue(mean)}) gives ${formatValue(baseline)}.\n` +
      `Predicted: ${shown.join(', ')}`
    );
  }

  /**
   * A word run's Gradient Flow trace: as a character model's (windowGradients.ts), over `length` words from `start`
   * (a word index), with where each word sits in the text. The other kinds are refused.
   */
  traceGradients(length: number, start?: number): GradientTrace {
    const b = this.built;
    if (b.kind === 'tagged' || b.kind === 'series' || b.kind === 'sequence-to-one') {
      return kindGradientTrace(this.trainer.model, this.kindWindow(length, start), this.trainer.stepCount, b.kind);
    }
    if (b.kind !== 'words') throw new EngineInputError(`The Gradient Flow panel cannot trace a ${b.kind} run.`);
    const trace = traceGradientWindow(this.trainer as SequenceTrainer, (id) => b.vocabulary[id], length, start, 'words', b.data);
    return { ...trace, ...this.wordSpansOf(trace.start, trace.length), ...(this.gradientHistory ? { history: this.gradientHistory.snapshot() } : {}) };
  }

  /** A word run reads the editor's text word by word (textInference.ts); the other kinds are refused. */
  textInferenceSource(): TextInferenceSource {
    const b = this.built;
    if (b.kind !== 'words') throw new EngineInputError(`Colour Text by Model reads character and word runs; this run trains on ${b.kind}.`);
    this.wordIds ??= new Map(b.vocabulary.map((w, id) => [w, id]));
    const wordIds = this.wordIds;
    return {
      model: this.trainer.model, idOf: (word) => wordIds.get(word) ?? -1, vocabulary: b.vocabulary,
      step: this.trainer.stepCount, seqLength: this.trainer.config.seqLength, tokens: 'words',
    };
  }

  /** A tagged run tags the editor's token<TAB>tag text sentence by sentence (tagText.ts); the other kinds are refused. */
  taggedTextSource(): TaggedTextSource {
    const b = this.built;
    if (b.kind !== 'tagged') throw new EngineInputError(`Only a tagged run tags text; this run trains on ${b.kind}.`);
    this.tokenIds ??= new Map(b.vocabulary.map((w, id) => [w, id]));
    this.tagIds ??= new Map(b.tags.map((w, id) => [w, id]));
    const tokenIds = this.tokenIds;
    const tagIds = this.tagIds;
    return {
      model: this.trainer.model, tokenId: (token) => tokenIds.get(token) ?? -1, tagId: (tag) => tagIds.get(tag) ?? -1,
      tags: b.tags, step: this.trainer.stepCount,
    };
  }

  /**
   * A word run's Gates trace: every gate, c_t and h_t and the top-5 next words over `length` (≤ 256) words from
   * `start` (a word index; default the last `length` trained on), with where each word sits in the text
   * (activationTrace.ts: a copy of the parameters, training unchanged). The other kinds are refused.
   */
  async traceActivations(length: number, start?: number, recurrence?: RecurrenceAt): Promise<ActivationTrace> {
    const b = this.built;
    if (b.kind === 'tagged' || b.kind === 'series' || b.kind === 'sequence-to-one') {
      return kindActivationTrace(this.trainer.model, this.kindWindow(length, start), this.trainer.stepCount, recurrence);
    }
    if (b.kind !== 'words') throw new EngineInputError(`The Gates and Unrolled Network panels cannot trace a ${b.kind} run.`);
    const trainer = this.trainer as SequenceTrainer;
    const source = {
      model: trainer.model, ids: b.data.ids, decode: (id: number) => b.vocabulary[id],
      step: trainer.stepCount, dataPosition: trainer.dataPosition, unit: 'words',
    };
    const trace = await traceActivations(source, length, start, undefined, recurrence);
    return { ...trace, ...this.wordSpansOf(trace.start, trace.length) };
  }

  /**
   * A tagged, series or sequence-to-one run's window at code point `position` of its text (kindTraces.ts): the tagged
   * sequence or the block there, or `length` rows of a series from the row there (undefined: the first sequence or
   * block, the last rows trained on).
   */
  private kindWindow(length: number, position: number | undefined): KindWindow {
    const b = this.built;
    const model = this.trainer.model;
    if (position !== undefined && !(Number.isInteger(position) && position >= 0)) throw new EngineInputError(`A window cannot start at ${position}.`);
    if (!(Number.isInteger(length) && length >= 1)) throw new EngineInputError(`A trace covers at least one step (got ${length}).`);
    if (b.kind === 'tagged') {
      this.places ??= stepPlaces(this.placesText, 'tagged');
      return taggedWindow(model, b.data, b.vocabulary, b.tags, this.places, position);
    }
    if (b.kind === 'series') {
      this.places ??= stepPlaces(this.placesText, 'rows', b.data.length);
      return seriesWindow(model, b.data, b.vocabulary, this.places, length, position, (this.trainer as SequenceTrainer).dataPosition);
    }
    if (b.kind === 'sequence-to-one') {
      this.places ??= stepPlaces(this.placesText, 'rows', b.data.count * b.data.length);
      return finalTargetWindow(model, b.data, b.vocabulary, this.places, position);
    }
    throw new EngineInputError(`A ${b.kind} run has no such window.`);
  }

  /** Code points [tokenStarts[t], tokenEnds[t]) of the words from..from + length − 1 in the run's text. */
  private wordSpansOf(from: number, length: number): { tokenStarts: Int32Array; tokenEnds: Int32Array } {
    this.spans ??= wordSpans(this.text);
    return { tokenStarts: this.spans.starts.slice(from, from + length), tokenEnds: this.spans.ends.slice(from, from + length) };
  }
}
