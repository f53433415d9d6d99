// The worker's tagger comparison: read the tagged file(s), fit the HMM by counting and decode the held-out set with
// Viterbi, then train the RNN tagger in slices of a few milliseconds with a yield between slices (so `stopTaggers`
// acts at once), posting its losses at most every 100 ms, and score both on the same held-out tokens.
import { EngineInputError } from '../engine/errors';
import { createDispatcher } from '../shared/messages';
import type { TaggerComparison, TaggerSettings } from '../shared/protocol/taggerComparison';
import type { HostToTaggersWorker, TaggersWorkerToHost } from '../shared/protocol/taggersWorker';
import { readTaggerData } from './taggersData';
import { majorityBaseline, onlyOneRight, scoreTags } from './taggersMetrics';
import { fitHmm, flatTags, HMM_ALPHA, hmmParameterCount, hmmPredict, RnnTagger } from './taggersModels';

const SLICE_MS = 15;
const PROGRESS_INTERVAL_MS = 100;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

function describe(error: unknown): string {
  return error instanceof EngineInputError || error instanceof Error ? error.message : String(error);
}

interface Job {
  requestId: string;
  stopRequested: boolean;
}

/** Runs one comparison to its result (or stop). Exported for the worker-level tests. */
export async function compareTaggers(
  trainText: string,
  heldOutText: string | undefined,
  settings: TaggerSettings,
  post: (m: TaggersWorkerToHost) => void,
  job: Job,
): Promise<void> {
  const { requestId } = job;
  const data = readTaggerData(trainText, heldOutText, settings.heldOutShare, settings.seed);
  const N = data.tags.length;
  const truth = flatTags(data.heldOut);
  const majority = majorityBaseline(flatTags(data.train), truth, N);

  // HMM: counting is the whole training.
  const hmmStart = performance.now();
  const hmm = fitHmm(data);
  const hmmTrainMs = performance.now() - hmmStart;
  const hmmTags = hmmPredict(hmm, data.heldOut);
  const hmmScores = scoreTags(truth, hmmTags, N);
  await yieldToMessages();

  // RNN: SequenceTrainer updates of RNN_BATCH sequences each.
  const rnn = new RnnTagger(data, settings);
  post({ type: 'taggersStarted', requestId, plannedSteps: rnn.plannedSteps });
  let pending: number[] = [];
  let firstPending = 1;
  let lastPost = Date.now();
  let finalLoss = NaN;
  const flush = () => {
    if (pending.length > 0) post({ type: 'taggersProgress', requestId, firstStep: firstPending, losses: Float32Array.from(pending) });
    pending = [];
    lastPost = Date.now();
  };
  let rnnTrainMs = 0;
  while (!job.stopRequested && rnn.trainer.stepCount < rnn.plannedSteps) {
    const sliceStart = performance.now();
    while (!job.stopRequested && rnn.trainer.stepCount < rnn.plannedSteps && performance.now() - sliceStart < SLICE_MS) {
      const r = rnn.step();
      if (pending.length === 0) firstPending = r.step;
      pending.push(r.loss);
      finalLoss = r.loss;
    }
    rnnTrainMs += performance.now() - sliceStart;
    if (Date.now() - lastPost >= PROGRESS_INTERVAL_MS) flush();
    await yieldToMessages();
  }
  flush();
  const rnnTags = rnn.predict(data.heldOut);
  const rnnScores = scoreTags(truth, rnnTags, N);
  const only = onlyOneRight(truth, hmmTags, rnnTags);

  const result: TaggerComparison = {
    settings,
    tags: data.tags,
    trainSequences: data.train.length,
    trainTokens: data.trainTokens,
    heldOutSequences: data.heldOut.length,
    heldOutTokens: data.heldOutTokens,
    vocabularySize: data.symbols.length - 1,
    rareTypes: data.rareTypes,
    heldOutUnknown: data.heldOutUnknown,
    majorityTag: data.tags[majority.tag],
    majorityAccuracy: majority.accuracy,
    hmmOnlyCorrect: only.first,
    rnnOnlyCorrect: only.second,
    hmm: { ...hmmScores, trainMs: hmmTrainMs, parameterCount: hmmParameterCount(hmm), alpha: HMM_ALPHA },
    rnn: {
      ...rnnScores,
      trainMs: rnnTrainMs,
      parameterCount: rnn.parameterCount,
      steps: rnn.trainer.stepCount,
      plannedSteps: rnn.plannedSteps,
      stopped: rnn.trainer.stepCount < rnn.plannedSteps,
      finalLoss,
    },
  };
  post({ type: 'taggersResult', requestId, result });
}

/** The handler of the tagger channel: one comparison at a time; a new one stops the previous. */
export function createTaggersHandler(post: (m: TaggersWorkerToHost) => void): (m: HostToTaggersWorker) => void | Promise<void> {
  let current: Job | undefined;
  return createDispatcher<HostToTaggersWorker>({
    compareTaggers: async (m) => {
      if (current) current.stopRequested = true;
      const job: Job = { requestId: m.requestId, stopRequested: false };
      current = job;
      try {
        await compareTaggers(m.trainText, m.heldOutText, m.settings, post, job);
      } catch (error) {
        post({ type: 'taggersFailed', requestId: m.requestId, message: describe(error) });
      } finally {
        if (current === job) current = undefined;
      }
    },
    stopTaggers: (m) => {
      if (current?.requestId === m.requestId) current.stopRequested = true;
    },
  });
}
