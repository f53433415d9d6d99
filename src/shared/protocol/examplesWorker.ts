// Channel: the host's examples client (src/examples/exampleWorker.ts, "Sequence Lab: New Example…") ↔ the worker
// (src/worker/examples.ts in dist/worker.js): one request, one answer; generation takes milliseconds.
// The worker checks each request's shape on receipt (parseGenerateExampleRequest); the example's name and its length
// are checked by the worker in words (src/worker/examples.ts).
import type { ExampleId } from '../examples';
import { integer, lazy, literal, object, optional, parser, string, type Infer } from './schema';

const generateExampleSchema = /* @__PURE__ */ lazy(() => object({
  type: literal('generateExample'),
  requestId: string({ min: 1, max: 64 }),
  /** An ExampleId; another name is answered with exampleFailed, in words. */
  example: string({ min: 1, max: 64 }),
  seed: optional(integer(0, Number.MAX_SAFE_INTEGER)),
  /** The adding problem's T (the worker says the bounds in words). */
  length: optional(integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)),
}));

/** Ask the worker for one example's files (the first file is the main data file). */
export type GenerateExampleRequest = Omit<Infer<typeof generateExampleSchema>, 'example'> & { example: ExampleId };

/** The worker's check of a request on receipt: the request, or undefined when it is malformed. */
export const parseGenerateExampleRequest = /* @__PURE__ */ parser(generateExampleSchema);

export type GenerateExampleAnswer =
  | { type: 'exampleGenerated'; requestId: string; files: { name: string; content: string }[] }
  | { type: 'exampleFailed'; requestId: string; message: string };

export function isGenerateExampleRequest(value: { type: string }): value is GenerateExampleRequest {
  return value.type === 'generateExample';
}
