// The host↔worker channel: one `type`-tagged union each way. The worker owns all numeric work; the host only
// sends intents and receives results. Numbers travel as typed arrays, batched (see `progress`).
import type { CharTrainingConfig } from './trainingConfig';
import type { StepBatch, TextSample } from './run';

export type HostToWorker =
  /** Build the vocabulary from `text` and train a character RNN on it until maxSteps or `stop`. */
  | { type: 'train'; runId: string; text: string; config: CharTrainingConfig }
  /** Stop the run at the next step boundary (steps take milliseconds, so this acts at once). */
  | { type: 'stop'; runId: string }
  /** Sample text from the run's current model at a temperature (works during and after training). */
  | { type: 'sample'; runId: string; temperature: number; length: number }
  /** Forget a finished run's model to free memory. */
  | { type: 'dispose'; runId: string };

export type WorkerToHost =
  | {
      type: 'started';
      runId: string;
      vocabSize: number;
      dataLength: number;
      parameterCount: number;
    }
  /** Steps since the previous progress message; posted at most every ~100 ms. */
  | ({ type: 'progress'; runId: string } & StepBatch)
  | ({ type: 'sample'; runId: string } & TextSample)
  | { type: 'finished'; runId: string; reason: 'completed' | 'stopped'; steps: number; finalLoss: number }
  /** The run cannot go on; `message` says why in words a user understands. */
  | { type: 'failed'; runId: string; message: string };
