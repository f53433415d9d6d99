// Generates example files in a short-lived instance of dist/worker.js (the host never imports the engine): one
// request, one answer, then the worker is terminated. Generation takes milliseconds; starting the worker ~100 ms.
import * as path from 'node:path';
import { nodeWorker } from '../base/nodeWorkerTransport';
import { WorkerClient } from '../base/workerClient';
import type { ExampleId } from '../shared/examples';
import type { GenerateExampleAnswer, GenerateExampleRequest } from '../shared/workerProtocol';

export interface GeneratedFile {
  name: string;
  content: string;
}

export async function generateExampleFiles(
  extensionPath: string,
  example: ExampleId,
  options: { seed?: number; length?: number } = {},
): Promise<GeneratedFile[]> {
  const client = new WorkerClient<GenerateExampleRequest, GenerateExampleAnswer>({
    start: nodeWorker(path.join(extensionPath, 'dist', 'worker.js'), { name: 'sequence-lab-examples' }),
    label: 'The example generator',
    newId: (n) => `example${n}`,
    requestOf: (m) => m.requestId,
    isAnswer: () => true,
    failure: (m) => (m.type === 'exampleFailed' ? new Error(m.message) : undefined),
  });
  try {
    const answer = await client.request((requestId) => ({ type: 'generateExample', requestId, example, ...options }), ['exampleGenerated']);
    return answer.files;
  } finally {
    client.dispose();
  }
}
