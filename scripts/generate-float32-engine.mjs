// Writes src/engine/batchedKernels32.ts, src/engine/batchedStack32.ts, src/engine/cells/cellChain32.ts and
// src/engine/cells/cellEquations32.ts:
// copies of the batched engine used only by the float32 path. V8 keeps type feedback per function, so one copy of
// the kernels shared by Float64Arrays and Float32Arrays turns every element access polymorphic and both precisions
// run ~40 % slower; two copies stay monomorphic. test/engine/float32Golden.test.ts fails when the copies are out of
// date.
// Run: node scripts/generate-float32-engine.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const engine = fileURLToPath(new URL('../src/engine/', import.meta.url));

/** The float32 copies, by file name, made from the float64 sources. */
export function float32Sources(read = (name) => readFileSync(engine + name, 'utf8')) {
  const header = (from) =>
    `// GENERATED from ${from} by scripts/generate-float32-engine.mjs: do not edit, edit ${from} and run the script.\n` +
    '// The float32 path\'s own copy, so that V8 compiles it for Float32Arrays only (see the script).\n';
  const kernels = read('batchedKernels.ts');
  const stack = read('batchedStack.ts')
    .replace("from './batchedKernels';", "from './batchedKernels32';")
    .replace("from './cells/cellChain';", "from './cells/cellChain32';")
    .replace('export class BatchedStack {', 'export class BatchedStack32 {');
  return {
    'batchedKernels32.ts': header('batchedKernels.ts') + kernels,
    'batchedStack32.ts': header('batchedStack.ts') + stack,
    'cells/cellChain32.ts': header('cells/cellChain.ts') + read('cells/cellChain.ts')
      .replace("from '../batchedKernels';", "from '../batchedKernels32';")
      .replace("} from './cellEquations';", "} from './cellEquations32';"),
    'cells/cellEquations32.ts': header('cells/cellEquations.ts') + read('cells/cellEquations.ts'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, text] of Object.entries(float32Sources())) {
    writeFileSync(engine + name, text);
    console.log(`wrote src/engine/${name}`);
  }
}
