// A corpus of hostile files, as a repository someone else wrote could hold them: experiment files, .safetensors
// models, run folders, HMM model JSON, CSV series and tagged files built to inject code, read outside the workspace,
// exhaust memory or time, or overflow the stack. test/engine/hostileCorpus.test.ts runs each through the CLI (and
// the analysis worker) and checks a one-line error or a bounded result within the budget it states, and that the
// marker file every payload tries to create never appears.
//
//   node --import tsx scripts/hostile-corpus.ts OUT_DIR      writes the corpus and prints its cases as JSON
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeModel, type ModelMetadata } from '../src/engine/modelFile';
import { RecurrentStack } from '../src/engine/recurrentStack';

export interface HostileCase {
  name: string;
  /** sequence-lab arguments, paths absolute. */
  argv: string[];
  /** 'error': exit code 1 with one line on stderr; 'ok': exit code 0. */
  expect: 'error' | 'ok';
  /** What stderr must say (for errors). */
  message?: RegExp;
}

/** Every payload tries to create this file (by shell, Python or spreadsheet formula). */
export const MARKER_NAME = 'PWNED-MARKER';

function safetensorsWithHeader(header: string): Uint8Array {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

export function writeHostileCorpus(dir: string): HostileCase[] {
  mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, MARKER_NAME);
  const shell = `touch ${marker}`;
  const file = (name: string, contents: string | Uint8Array): string => {
    const p = path.join(dir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, contents);
    return p;
  };
  const stack = new RecurrentStack({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 3, layers: 1, bidirectional: false, outputSize: 2, maxSteps: 1 });
  const meta = (over: Record<string, unknown>, model: Record<string, unknown> = {}): ModelMetadata =>
    ({ format: 'sequence-lab/1', task: 'lm', model: { cell: 'rnn', layers: 1, hiddenSize: 3, bidirectional: false, ...model }, inputSize: 2, outputSize: 2, tokens: 'chars', vocabulary: ['a', 'b'], ...over }) as ModelMetadata;
  const data = file('data.txt', 'abba'.repeat(50));
  const sha = createHash('sha256').update('abba'.repeat(50)).digest('hex');
  const runFolder = (name: string, model: Uint8Array, run: unknown): string => {
    file(`${name}/model.safetensors`, model);
    file(`${name}/run.json`, JSON.stringify(run));
    return path.join(dir, name);
  };
  const goodRun = { config: { seqLength: 8, batch: 1, optimizer: { kind: 'adam', learningRate: 0.01 }, clip: 5, seed: 1 }, data: { file: data, sha256: sha }, steps: 2 };
  const out = (name: string) => path.join(dir, 'out', name);

  const cases: HostileCase[] = [];
  // ── safetensors models ──
  const inject = encodeModel(stack, meta({}, { nonlinearity: `tanh")\n __import__("os").system(${JSON.stringify(shell)})\n#` }));
  cases.push({ name: 'safetensors: nonlinearity closing the Python string (eval)', argv: ['eval', file('inject.safetensors', inject), data], expect: 'error', message: /nonlinearity .*; it must be tanh, relu/ });
  cases.push({ name: 'safetensors: layers 100000 (eval)', argv: ['eval', file('layers.safetensors', encodeModel(stack, meta({}, { layers: 100_000 }))), data], expect: 'error', message: /model\.layers 100000/ });
  cases.push({ name: 'safetensors: hiddenSize 1e6 (sample)', argv: ['sample', file('hidden.safetensors', encodeModel(stack, meta({}, { hiddenSize: 1e6 }))), '--length', '5'], expect: 'error', message: /model\.hiddenSize 1000000/ });
  cases.push({ name: 'safetensors: vocabulary of 10⁶ entries for 2 weights (eval)', argv: ['eval', file('vocab.safetensors', encodeModel(stack, meta({ inputSize: 1_000_000, outputSize: 1_000_000, vocabulary: Array.from({ length: 1_000_000 }, (_, i) => String(i)) }))), data], expect: 'error', message: /parameters, above the limit|promises \d+ weights but the file holds/ });
  cases.push({ name: 'safetensors: tensor shape nested 100,000 deep (eval)', argv: ['eval', file('deep.safetensors', safetensorsWithHeader(`{"w": {"dtype": "F64", "shape": ${deep(100_000)}, "data_offsets": [0, 0]}}`)), data], expect: 'error', message: /not a list of whole numbers/ });
  cases.push({ name: 'safetensors: description nested 100,000 deep (eval)', argv: ['eval', file('deepmeta.safetensors', safetensorsWithHeader(JSON.stringify({ __metadata__: { sequence_lab: deep(100_000) } }))), data], expect: 'error', message: /is a list of 1 item, not a JSON object/ });
  cases.push({ name: 'safetensors: header length beyond the file (eval)', argv: ['eval', file('liar.safetensors', (() => { const b = safetensorsWithHeader('{}'); new DataView(b.buffer).setBigUint64(0, 1n << 40n, true); return b; })()), data], expect: 'error', message: /goes beyond the end of the file/ });
  // ── run folders ──
  cases.push({ name: 'run folder: injected nonlinearity (export-pytorch)', argv: ['export-pytorch', runFolder('run-inject', inject, goodRun), '--out', out('inject')], expect: 'error', message: /nonlinearity/ });
  const plainModel = encodeModel(stack, meta({}));
  cases.push({ name: 'run folder: optimizer kind is code (export-pytorch)', argv: ['export-pytorch', runFolder('run-optimizer', plainModel, { ...goodRun, config: { ...goodRun.config, optimizer: { kind: `__import__("os").system("${shell}")`, learningRate: 0.01 } } }), '--out', out('optimizer')], expect: 'error', message: /optimizer .*; it must be adam, sgd, rmsprop/ });
  cases.push({ name: 'run folder: learning rate is a string (export-pytorch)', argv: ['export-pytorch', runFolder('run-lr', plainModel, { ...goodRun, config: { ...goodRun.config, optimizer: { kind: 'adam', learningRate: `0.1); __import__("os").system("${shell}"` } } }), '--out', out('lr')], expect: 'error', message: /optimizer\.learningRate the text/ });
  cases.push({ name: 'run folder: run.json nested 100,000 deep (export-pytorch)', argv: ['export-pytorch', (() => { file('run-deep/model.safetensors', plainModel); file('run-deep/run.json', deep(100_000)); return path.join(dir, 'run-deep'); })(), '--out', out('deep')], expect: 'error', message: /is not a Sequence Lab run/ });
  // ── HMM model JSON ──
  const hmm = (n: number, symbols: string[]) => ({
    states: Array.from({ length: n }, (_, i) => `S${i}`), symbols,
    start: Array(n).fill(1 / n), transition: Array.from({ length: n }, () => Array(n).fill(1 / n)), emission: Array.from({ length: n }, () => Array(symbols.length).fill(1 / symbols.length)),
  });
  const million = file('million.txt', 'ab'.repeat(500_000));
  cases.push({ name: 'HMM: 30 states × 10⁶ symbols (viterbi)', argv: ['hmm', 'viterbi', file('hmm30.json', JSON.stringify(hmm(30, ['a', 'b']))), million], expect: 'error', message: /over the 25,000,000 trellis nodes/ });
  cases.push({ name: 'HMM: state name nested 100,000 deep (viterbi)', argv: ['hmm', 'viterbi', file('hmmdeep.json', `{"states": ["a", ${deep(100_000)}], "symbols": ["a"], "start": [1, 0], "transition": [[1,0],[0,1]], "emission": [[1],[1]]}`), data], expect: 'error', message: /state 2 in "states" is \[\[\[/ });
  cases.push({ name: 'HMM: state name that is a shell command (viterbi)', argv: ['hmm', 'viterbi', file('hmmname.json', JSON.stringify({ ...hmm(1, ['a', 'b']), states: [`$(${shell})`] })), data], expect: 'ok' });
  // ── CSV series and tagged files ──
  cases.push({ name: 'CSV: formula cells (train --task series)', argv: ['train', file('formula.csv', `a,b\n=HYPERLINK("x"),1\n+cmd|' /C ${shell}'!A0,2\n@SUM(1),3\n`), '--task', 'series', '--steps', '1', '--out', out('csv')], expect: 'error' });
  cases.push({ name: 'tagged: 150,000 sentences (train --task tag)', argv: ['train', file('many.tsv', Array.from({ length: 150_000 }, (_, i) => `w${i % 7}\tT${i % 3}\n`).join('\n')), '--task', 'tag', '--hidden', '4', '--steps', '1', '--out', out('tag')], expect: 'ok' });
  cases.push({ name: 'markov: 2,000,010 characters at order 8', argv: ['markov', file('long.txt', 'abcdefghij'.repeat(200_001)), '--order', '8'], expect: 'error', message: /a Markov model is fitted on at most 2,000,000/ });
  // ── experiment files (read by the CLI as data: train on the path they name is the user's own command line) ──
  file('passwd.seqlab.json', JSON.stringify({ data: { path: '../../../../../../../../etc/passwd' }, model: { cell: 'rnn' }, training: {} }));
  file('many-keys.seqlab.json', `{ ${Array.from({ length: 53_000 }, (_, i) => `"k${i}": 1`).join(', ')} }`);
  return cases;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node --import tsx scripts/hostile-corpus.ts OUT_DIR\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(writeHostileCorpus(outDir).map((c) => ({ ...c, message: c.message?.source })), null, 1)}\n`);
}
