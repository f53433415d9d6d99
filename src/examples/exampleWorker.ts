// Generates example files in a short-lived instance of dist/worker.js (the host never imports the engine): one
// request, one answer, then the worker is terminated. Generation takes milliseconds; starting the worker ~100 ms.
import { WorkerClient } from '../base/workerClient';
import type { EngineWorkers } from '../base/workerTransport';
import type { ExampleId } from '../shared/examples';
import type { GenerateExampleAnswer, GenerateExampleRequest } from '../shared/protocol/examplesWorker';

export interface GeneratedFile {
  name: string;
  content: string;
}

export async function generateExampleFiles(
  workers: EngineWorkers,
  example: ExampleId,
  options: { seed?: number; length?: number } = {},
): Promise<GeneratedFile[]> {
  const client = new WorkerClient<GenerateExampleRequest, GenerateExampleAnswer>({
    start: workers.start({ name: 'sequence-lab-examples' }),
    label: 'The example generator',
    newId: (n) => `example${n}`,
    requestOf: (m) => m.requestId,
    isAnswer: () => true,
    failure: (m) => (m.type === 'exampleFailed' ? new Error(m.message) : undefined),
  });
  try {
    // The worker names its keys exactly: an option left undefined is left out, not sent as a key without a value.
    const given = {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.length === undefined ? {} : { length: options.length }),
    };
    const answer = await client.request((requestId) => ({ type: 'generateExample', requestId, example, ...given }), ['exampleGenerated']);
    return answer.files;
  } finally {
    client.dispose();
  }
}
