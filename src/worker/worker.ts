// Entry of the training worker (a worker_threads Worker started by the host). It owns every model and all
// numeric work; the extension host's thread never trains. Every model (RNN, GRU, LSTM) trains through the general
// SequenceTrainer (see charModel.ts). Steps run in slices of a few milliseconds with a yield to the event loop
// between slices, so `stop` and `sample` requests are handled at once.
import { parentPort } from 'node:worker_threads';
import { createDispatcher, isTagged } from '../shared/messages';
import { isAnalysisRequestType, type HostToAnalysisWorker, type HostToWorker, type WorkerToHost } from '../shared/workerProtocol';
import { createAnalysisHandler } from './analysis';
import { isGenerateExampleRequest } from '../shared/workerProtocol';
import { generateExample } from './examples';
import { CharModel } from './charModel';
import { ProgressBuffer } from './progressBuffer';

const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');

/** How long one slice of steps may hold the thread before yielding to messages. */
const SLICE_MS = 15;
/** Progress is posted at most this often (the panels need no more). */
const PROGRESS_INTERVAL_MS = 100;

interface Run {
  trainer: CharModel;
  stopRequested: boolean;
  finished: boolean;
}

const runs = new Map<string, Run>();

function post(message: WorkerToHost): void {
  port!.postMessage(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

async function train(runId: string, text: string, config: Extract<HostToWorker, { type: 'train' }>['config']) {
  let trainer: CharModel;
  try {
    trainer = new CharModel(text, config);
  } catch (error) {
    post({ type: 'failed', runId, message: describe(error) });
    return;
  }
  const run: Run = { trainer, stopRequested: false, finished: false };
  runs.set(runId, run);
  post({
    type: 'started',
    runId,
    vocabSize: trainer.vocabSize,
    dataLength: trainer.dataLength,
    parameterCount: trainer.parameterCount,
  });

  const progress = new ProgressBuffer(1);
  let lastPost = Date.now();
  let lastLoss = NaN;
  const flush = () => {
    const batch = progress.take(Date.now());
    if (batch) post({ type: 'progress', runId, ...batch });
    lastPost = Date.now();
  };
  const postSample = () => {
    const text = trainer.sample(config.sampleLength, config.temperature);
    post({ type: 'sample', runId, step: trainer.stepCount, temperature: config.temperature, text });
  };

  try {
    while (!run.stopRequested && trainer.stepCount < config.maxSteps) {
      const sliceEnd = Date.now() + SLICE_MS;
      while (!run.stopRequested && trainer.stepCount < config.maxSteps && Date.now() < sliceEnd) {
        const result = trainer.step();
        lastLoss = result.loss;
        progress.add(result);
        if (result.step % config.sampleEvery === 0) {
          flush();
          postSample();
        }
      }
      if (Date.now() - lastPost >= PROGRESS_INTERVAL_MS) flush();
      await yieldToMessages();
    }
    flush();
    postSample();
    run.finished = true;
    post({
      type: 'finished',
      runId,
      reason: run.stopRequested ? 'stopped' : 'completed',
      steps: trainer.stepCount,
      finalLoss: lastLoss,
    });
  } catch (error) {
    flush();
    run.finished = true;
    post({ type: 'failed', runId, message: describe(error) });
  }
}

const handle = createDispatcher<HostToWorker>(
  {
    train: (m) => train(m.runId, m.text, m.config),
    stop: (m) => {
      const run = runs.get(m.runId);
      if (run) run.stopRequested = true;
    },
    sample: (m) => {
      const run = runs.get(m.runId);
      if (!run) return;
      try {
        const text = run.trainer.sample(m.length, m.temperature);
        post({ type: 'sample', runId: m.runId, step: run.trainer.stepCount, temperature: m.temperature, text });
      } catch (error) {
        post({ type: 'failed', runId: m.runId, message: describe(error) });
      }
    },
    traceGradients: (m) => {
      const run = runs.get(m.runId);
      if (!run) {
        post({ type: 'traceFailed', runId: m.runId, message: 'There is no such run in the worker (it was disposed or never started).' });
        return;
      }
      try {
        const trace = run.trainer.traceGradients(m.length, m.start);
        post({ type: 'gradientTrace', runId: m.runId, ...trace });
      } catch (error) {
        post({ type: 'traceFailed', runId: m.runId, message: describe(error) });
      }
    },
    dispose: (m) => {
      const run = runs.get(m.runId);
      if (run) {
        run.stopRequested = true;
        runs.delete(m.runId);
      }
    },
  },
  (unknown) => console.error('sequence-lab worker: unknown message', unknown),
);

const analyse = createAnalysisHandler((m) => port.postMessage(m));

port.on('message', (message: unknown) => {
  if (!isTagged(message)) return;
  // Sequence Lab: New Example… (src/examples/) asks for generated example files: see src/worker/examples.ts.
  if (isGenerateExampleRequest(message)) return port.postMessage(generateExample(message));
  // Analysis requests (Markov surprisal, HMM decoding) have their own channel: see src/worker/analysis.ts.
  if (isAnalysisRequestType(message.type)) {
    void analyse(message as HostToAnalysisWorker);
    return;
  }
  void handle(message as HostToWorker);
});
