// Channel: the host's examples client (src/examples/exampleWorker.ts, "Sequence Lab: New Example…") ↔ the worker
// (src/worker/examples.ts in dist/worker.js): one request, one answer; generation takes milliseconds.
import type { ExampleId } from '../examples';

/** Ask the worker for one example's files (the first file is the main data file). */
export interface GenerateExampleRequest {
  type: 'generateExample';
  requestId: string;
  example: ExampleId;
  seed?: number;
  /** The adding problem's T. */
  length?: number;
}

export type GenerateExampleAnswer =
  | { type: 'exampleGenerated'; requestId: string; files: { name: string; content: string }[] }
  | { type: 'exampleFailed'; requestId: string; message: string };

export function isGenerateExampleRequest(value: { type: string }): value is GenerateExampleRequest {
  return value.type === 'generateExample';
}
