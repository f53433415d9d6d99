// Generates example files in a short-lived instance of dist/worker.js (the host never imports the engine): one
// request, one answer, then the worker is terminated. Generation takes milliseconds; starting the worker ~100 ms.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExampleId } from '../shared/examples';
import type { GenerateExampleAnswer } from '../shared/protocol/examplesWorker';

export interface GeneratedFile {
  name: string;
  content: string;
}

export function generateExampleFiles(
  extensionPath: string,
  example: ExampleId,
  options: { seed?: number; length?: number } = {},
): Promise<GeneratedFile[]> {
  const worker = new Worker(path.join(extensionPath, 'dist', 'worker.js'), { name: 'sequence-lab-examples' });
  return new Promise<GeneratedFile[]>((resolve, reject) => {
    worker.on('message', (m: GenerateExampleAnswer) => {
      if (m.type === 'exampleGenerated') resolve(m.files);
      else if (m.type === 'exampleFailed') reject(new Error(m.message));
    });
    worker.on('error', (error) => reject(new Error(`The example generator crashed: ${error.message}`)));
    worker.on('exit', (code) => reject(new Error(`The example generator stopped unexpectedly (exit code ${code}).`)));
    worker.postMessage({ type: 'generateExample', requestId: 'example', example, ...options });
  }).finally(() => void worker.terminate());
}
