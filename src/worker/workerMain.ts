// The training worker's message loop, whatever runs it: a worker_threads Worker on the desktop (worker.ts) or a Web
// Worker in VS Code for the Web (webWorker.ts); each entry gives serveWorker its port and settings. It owns every model and all
// numeric work; the extension host's thread never trains. Every model (RNN, GRU, LSTM) trains through the general
// SequenceTrainer (see charModel.ts); a run's lifecycle (pause, resume, single step, checkpoints, a NaN/Inf pausing
// the run) is in trainingRun.ts. Steps run in slices of a few milliseconds, so requests are handled at once.
import { InterruptReceiver, type TrainingWorkerData } from '../shared/stepInterrupt';
import { createDispatcher, isTagged } from '../shared/messages';
import { isAnalysisRequestType, parseHostToAnalysisWorker } from '../shared/protocol/analysisWorker';
import { parseHostToWorker, type HostToWorker, type WorkerToHost } from '../shared/protocol/trainingWorker';
import { validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import { createAnalysisHandler } from './analysis';
import { isGenerateExampleRequest, parseGenerateExampleRequest } from '../shared/protocol/examplesWorker';
import { isTaggersRequest, parseHostToTaggersWorker } from '../shared/protocol/taggersWorker';
import { createTaggersHandler } from './taggers';
import { generateExample } from './examples';
import { createTrainableModel } from './createTrainableModel';
import type { TrainableModel } from './trainableModel';
import { runUnitSearch } from './unitSearch';
import { oneThreadReason } from './parallelThreads';
import { TrainingRun } from './trainingRun';
import { tagText } from './tagText';
import { inferText } from './textInference';

/** The worker's side of its channel to the host: the only platform-specific thing the loop needs. */
export interface WorkerPort {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
}

let port: WorkerPort;

const runs = new Map<string, TrainingRun>();
/** The unit search each run is running (its request id); another id or none ends it at its next yield. */
const searches = new Map<string, number>();
// Stop / pause / dispose requests the host counted before posting them: a long update is abandoned while one waits.
let settings: TrainingWorkerData = {};
/** What a panel shows for a run whose model the worker no longer holds. */
const RELEASED_RUN = 'This run\'s model is no longer loaded (Sequence Lab keeps the newest finished runs in memory). Resume it from the Runs view to look inside it again.';
/** ... and for a run this worker never had (e.g. it was restarted after a crash). */
const UNKNOWN_RUN = 'This run is not in the training worker (the worker was restarted since it trained). Resume it from the Runs view to look inside it again.';
/** Runs whose models were released by a dispose request, to say which of the two messages applies. */
const released = new Set<string>();
const missingRun = (runId: string): string => (released.has(runId) ? RELEASED_RUN : UNKNOWN_RUN);
let interrupts = new InterruptReceiver(undefined);

/** Serves the host on `channel` with `given` settings (the desktop's workerData; the web's first message). Call once. */
export function serveWorker(channel: WorkerPort, given: TrainingWorkerData): void {
  port = channel;
  settings = given;
  interrupts = new InterruptReceiver(given.interrupts);
  port.onMessage(receive);
}

function post(message: WorkerToHost, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function train(m: Extract<HostToWorker, { type: 'train' }>) {
  let model: TrainableModel;
  try {
    model = createTrainableModel(m.text, m.config, m.restore);
  } catch (error) {
    post({ type: 'failed', runId: m.runId, message: describe(error) });
    return;
  }
  const run = new TrainingRun(m.runId, model, m.config, post, { interrupted: interrupts.pending, checkpointFloorMs: settings.checkpointFloorMs, sampleFloorMs: settings.sampleFloorMs });
  runs.set(m.runId, run);
  post({
    type: 'started',
    runId: m.runId,
    vocabSize: model.vocabSize,
    dataLength: model.dataLength,
    parameterCount: model.parameterCount,
    threads: model.threadCount,
    ...(model.threadCount === 1 && model.couldUseThreads && oneThreadReason() ? { oneThreadReason: oneThreadReason() } : {}),
    step: model.stepCount,
    heldOut: model.heldOut,
  });
  await run.run(m.startPaused === true);
}

const handle = createDispatcher<HostToWorker>(
  {
    train: (m) => train(m),
    stop: (m) => {
      interrupts.acknowledge();
      runs.get(m.runId)?.stop();
    },
    pause: (m) => {
      interrupts.acknowledge();
      runs.get(m.runId)?.pause();
    },
    resume: (m) => runs.get(m.runId)?.resume(),
    step: (m) => runs.get(m.runId)?.singleStep(),
    reconfigure: (m) => {
      // Checked on receipt (parseHostToWorker); the engine may still refuse a change, which is dropped (the run goes on).
      try {
        runs.get(m.runId)?.reconfigure(m.config);
      } catch (error) {
        console.error('sequence-lab worker: reconfigure refused:', describe(error));
      }
    },
    sample: (m) => {
      const run = runs.get(m.runId);
      if (!run) return;
      try {
        const text = run.model.sample(m.length, m.temperature, m.greedy === true);
        post({ type: 'sample', runId: m.runId, step: run.model.stepCount, temperature: m.temperature, text, ...(m.greedy === true ? { greedy: true } : {}) });
      } catch (error) {
        // The run fails as a whole: it stops first, so it is never shown failed while it trains on.
        run.fail(describe(error));
      }
    },
    // Both traces echo the request's id: several panels ask for traces of one run, each takes only its own answers.
    traceGradients: (m) => {
      const run = runs.get(m.runId);
      if (!run) {
        post({ type: 'traceFailed', runId: m.runId, requestId: m.requestId, message: missingRun(m.runId) });
        return;
      }
      try {
        const trace = run.model.traceGradients(m.length, m.start);
        post({ type: 'gradientTrace', runId: m.runId, requestId: m.requestId, ...trace });
      } catch (error) {
        post({ type: 'traceFailed', runId: m.runId, requestId: m.requestId, message: describe(error) });
      }
    },
    traceActivations: async (m) => {
      const run = runs.get(m.runId);
      if (!run) {
        post({ type: 'activationTraceFailed', runId: m.runId, requestId: m.requestId, message: missingRun(m.runId) });
        return;
      }
      try {
        const trace = await run.model.traceActivations(m.length, m.start, m.recurrence);
        post({ type: 'activationTrace', runId: m.runId, requestId: m.requestId, ...trace }, [trace.values.buffer as ArrayBuffer, trace.topProbabilities.buffer as ArrayBuffer]);
      } catch (error) {
        post({ type: 'activationTraceFailed', runId: m.runId, requestId: m.requestId, message: describe(error) });
      }
    },
    inferText: async (m) => {
      const run = runs.get(m.runId);
      const failed = (message: string) => post({ type: 'textInferenceFailed', runId: m.runId, requestId: m.requestId, message });
      if (!run) return failed(missingRun(m.runId));
      try {
        const r = await inferText(run.model.textInferenceSource(), m);
        const buffers = [r.surprisal, r.value, r.unknown, r.gradNorm, r.topIds, r.topProbabilities, r.unitValues, r.activeUnits, r.activeValues].map((a) => a.buffer as ArrayBuffer);
        post({ type: 'textInference', runId: m.runId, requestId: m.requestId, ...r }, buffers);
      } catch (error) {
        failed(describe(error));
      }
    },
    tagText: async (m) => {
      const run = runs.get(m.runId);
      const failed = (message: string) => post({ type: 'textInferenceFailed', runId: m.runId, requestId: m.requestId, message });
      if (!run) return failed(missingRun(m.runId));
      try {
        const r = await tagText(run.model.taggedTextSource(), m.text);
        const buffers = [r.tokenStarts, r.tokenEnds, r.tagStarts, r.tagEnds, r.sentenceStarts, r.predicted, r.gold, r.unknown, r.topIds, r.topProbabilities].map((a) => a.buffer as ArrayBuffer);
        post({ type: 'taggedText', runId: m.runId, requestId: m.requestId, ...r }, buffers);
      } catch (error) {
        failed(describe(error));
      }
    },
    searchUnits: async (m) => {
      const failed = (message: string) => post({ type: 'unitSearchFailed', runId: m.runId, requestId: m.requestId, message });
      const run = runs.get(m.runId);
      if (!run) return failed(missingRun(m.runId));
      // One search per run: a newer one ends the older.
      searches.set(m.runId, m.requestId);
      try {
        const answer = await runUnitSearch(
          run.model.textInferenceSource(), m, () => searches.get(m.runId) !== m.requestId, undefined,
          (share) => post({ type: 'unitSearchProgress', runId: m.runId, requestId: m.requestId, share }),
        );
        if (!answer) return;
        // A cancel (or a newer search) that came in while the last slice ran still wins: one more turn of the loop.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (searches.get(m.runId) !== m.requestId) return;
        searches.delete(m.runId);
        const buffers = [answer.starts, answer.ends, answer.lengths, answer.scores, answer.means].map((a) => a.buffer as ArrayBuffer);
        post({ type: 'unitSearch', runId: m.runId, requestId: m.requestId, ...answer }, buffers);
      } catch (error) {
        if (searches.get(m.runId) === m.requestId) searches.delete(m.runId);
        failed(describe(error));
      }
    },
    cancelUnitSearch: (m) => {
      if (searches.get(m.runId) === m.requestId) searches.delete(m.runId);
    },
    dispose: (m) => {
      interrupts.acknowledge();
      const run = runs.get(m.runId);
      if (run) {
        run.stop();
        runs.delete(m.runId);
        released.add(m.runId);
      }
    },
  },
  (unknown) => console.error('sequence-lab worker: unknown message', unknown),
);

const analyse = createAnalysisHandler((m) => port.postMessage(m));
const compareTaggers = createTaggersHandler((m) => port.postMessage(m));

function receive(message: unknown): void {
  if (!isTagged(message)) return;
  // Sequence Lab: New Example… (src/examples/) asks for generated example files: see src/worker/examples.ts.
  // Each channel's requests are checked once here, on receipt; a malformed one with a request id is answered failed.
  const requestId = (message as { requestId?: unknown }).requestId;
  const askedBy = typeof requestId === 'string' && requestId.length <= 64 ? requestId : undefined;
  if (isGenerateExampleRequest(message)) {
    const request = parseGenerateExampleRequest(message);
    if (request) return port.postMessage(generateExample(request));
    if (askedBy) port.postMessage({ type: 'exampleFailed', requestId: askedBy, message: malformed(message.type) });
    return;
  }
  // Tagger comparison (HMM vs RNN) has its own channel: see src/worker/taggers.ts.
  if (isTaggersRequest(message)) {
    const request = parseHostToTaggersWorker(message);
    if (request) void compareTaggers(request);
    else if (askedBy) port.postMessage({ type: 'taggersFailed', requestId: askedBy, message: malformed(message.type) });
    return;
  }
  // Analysis requests (Markov surprisal, HMM decoding) have their own channel: see src/worker/analysis.ts.
  if (isAnalysisRequestType(message.type)) {
    const request = parseHostToAnalysisWorker(message);
    if (request) void analyse(request);
    else if (askedBy) port.postMessage({ type: 'analysisFailed', requestId: askedBy, message: malformed(message.type) });
    return;
  }
  const request = parseHostToWorker(message);
  if (request) void handle(request);
  else refuse(message as { type: string } & Record<string, unknown>);
}

/**
 * A training request the worker's check refused (the host checks first, so this is a defect or a foreign sender):
 * the asker hears a failure where the request has one, so no run or panel waits for an answer that never comes.
 */
function refuse(message: { type: string } & Record<string, unknown>): void {
  const { runId, requestId } = message;
  const why = message.type === 'train' || message.type === 'reconfigure' ? configProblems(message.config) : undefined;
  const text = why ?? malformed(message.type);
  if (typeof runId !== 'string' || runId.length > 128) {
    console.error('sequence-lab worker:', text);
    return;
  }
  const answer = typeof requestId === 'number' ? failureOf(message.type, runId, requestId, text) : message.type === 'train' ? { type: 'failed' as const, runId, message: text } : undefined;
  if (answer) post(answer);
  else console.error('sequence-lab worker:', text);
}

function malformed(type: string): string {
  return `The worker refused a malformed ${JSON.stringify(type.slice(0, 40))} request.`;
}

/** The config's problems in words (the schema's own limits), or undefined when the config is not what was wrong. */
function configProblems(config: unknown): string | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return 'The training settings are missing.';
  const problems = validateTrainingConfig(config as TrainingConfig);
  return problems.length > 0 ? `The training settings are out of range: ${problems.join('; ')}.` : undefined;
}

/** The failure answer of a request type that has one. */
function failureOf(type: string, runId: string, requestId: number, message: string): WorkerToHost | undefined {
  switch (type) {
    case 'traceGradients':
      return { type: 'traceFailed', runId, requestId, message };
    case 'traceActivations':
      return { type: 'activationTraceFailed', runId, requestId, message };
    case 'inferText':
    case 'tagText':
      return { type: 'textInferenceFailed', runId, requestId, message };
    case 'searchUnits':
      return { type: 'unitSearchFailed', runId, requestId, message };
    default:
      return undefined;
  }
}
