// The worker's answer to "generate an example" (Sequence Lab: New Example…): the engine's pure generators,
// one request → one message. Generation takes milliseconds, so it runs in one go.
import { exampleFiles, isExampleId } from '../engine/examples';
import type { GenerateExampleAnswer, GenerateExampleRequest } from '../shared/protocol/examplesWorker';

/** `request.example` may name no example (the channel checks only its shape): that is answered in words. */
export function generateExample(request: Omit<GenerateExampleRequest, 'example'> & { example: string }): GenerateExampleAnswer {
  try {
    if (!isExampleId(request.example)) throw new Error(`There is no example called ${JSON.stringify(request.example)}.`);
    const files = exampleFiles(request.example, { seed: request.seed, length: request.length });
    return { type: 'exampleGenerated', requestId: request.requestId, files };
  } catch (error) {
    return { type: 'exampleFailed', requestId: request.requestId, message: error instanceof Error ? error.message : String(error) };
  }
}
