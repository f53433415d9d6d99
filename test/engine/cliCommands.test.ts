// The unwired CLI command modules (src/cli/commands/*), called through run() with an in-memory file system:
// train → model.safetensors (PyTorch names, config + vocabulary in metadata), run.json, metrics.jsonl; eval (loss
// and --grads against the engine directly); sample (seeded); one-line errors with non-zero exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { run as evalRun } from '../../src/cli/commands/evalModel';
import { encodeTokens, tokensOf } from '../../src/engine/modelFile';
import { decodeModel } from '../../src/cli/commands/readModel';
import { run as sampleRun } from '../../src/cli/commands/sampleModel';
import { run as trainRun } from '../../src/cli/commands/trainModel';
import { run as traceRun } from '../../src/cli/commands/traceModel';
import type { CliIo } from '../../src/cli/commands/cliIo';
import { decodeSafetensors } from '../../src/engine/safetensors';

function memoryIo(files: Record<string, string | Uint8Array>): CliIo & { out: string[]; err: string[]; files: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err, files: map,
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    readFile: async (p) => {
      const f = map.get(p);
      if (!f) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
      return f;
    },
    writeFile: async (p, d) => {
      map.set(p, typeof d === 'string' ? new TextEncoder().encode(d) : d);
    },
  };
}

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(12);
const text = (io: ReturnType<typeof memoryIo>, p: string): string => new TextDecoder().decode(io.files.get(p)!);

test('train writes a PyTorch-named model, run.json and metrics.jsonl; eval and --grads agree with the engine', async () => {
  const io = memoryIo({ 'data.txt': TEXT });
  const code = await trainRun(['data.txt', '--model', 'lstm', '--layers', '2', '--hidden', '6', '--embedding', '4', '--truncate', '4,8', '--batch', '3', '--steps', '25', '--lr', '0.01', '--out', 'run'], io);
  assert.equal(code, 0, io.err.join(''));
  const file = decodeSafetensors(io.files.get('run/model.safetensors')!);
  const names = file.tensors.map((t) => t.name).sort();
  assert.deepEqual(names, ['embed.weight', 'head.bias', 'head.weight', 'rnn.bias_hh_l0', 'rnn.bias_hh_l1', 'rnn.bias_ih_l0', 'rnn.bias_ih_l1', 'rnn.weight_hh_l0', 'rnn.weight_hh_l1', 'rnn.weight_ih_l0', 'rnn.weight_ih_l1']);
  assert.deepEqual(file.tensors.find((t) => t.name === 'rnn.weight_hh_l1')!.shape, [24, 6]);
  assert.deepEqual(file.tensors.find((t) => t.name === 'head.bias')!.shape, [new Set(TEXT).size]);
  const metrics = text(io, 'run/metrics.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number });
  assert.equal(metrics.length, 25);
  assert.ok(metrics[24].loss < metrics[0].loss);
  const runJson = JSON.parse(text(io, 'run/run.json')) as { data: { sha256: string }; final: { loss: number }; config: { task: string } };
  assert.match(runJson.data.sha256, /^[0-9a-f]{64}$/);
  assert.equal(runJson.config.task, 'lm');

  // eval: the mean next-token loss over the whole file from a zero state, as the engine computes it in one pass.
  const evalText = TEXT.slice(0, 300);
  io.files.set('eval.txt', new TextEncoder().encode(evalText));
  assert.equal(await evalRun(['run/model.safetensors', 'eval.txt', '--grads', 'g.safetensors'], io), 0, io.err.join(''));
  const withGrads = JSON.parse(io.out.pop()!) as { loss: number; perplexity: number; tokens: number };
  assert.equal(await evalRun(['run/model.safetensors', 'eval.txt'], io), 0);
  const plain = JSON.parse(io.out.pop()!) as { loss: number; tokens: number };
  const { stack, meta } = decodeModel(io.files.get('run/model.safetensors')!, 299);
  const ids = encodeTokens(tokensOf(evalText, 'chars'), meta.vocabulary);
  const loss = stack.forwardBackwardNextToken(ids);
  assert.equal(withGrads.tokens, 299);
  assert.ok(Math.abs(withGrads.loss - loss) < 1e-12 && Math.abs(plain.loss - loss) < 1e-12, `${withGrads.loss} / ${plain.loss} vs ${loss}`);
  assert.ok(Math.abs(withGrads.perplexity - Math.exp(loss)) < 1e-9);
  const grads = decodeSafetensors(io.files.get('g.safetensors')!);
  for (const t of grads.tensors) assert.deepEqual([...t.data], [...stack.grad(t.name)], t.name);
});

test('sample is seeded, primes, and refuses non-LM models; tagging trains a bidirectional model', async () => {
  const io = memoryIo({ 'data.txt': TEXT });
  assert.equal(await trainRun(['data.txt', '--model', 'gru', '--hidden', '8', '--steps', '10', '--out', 'm'], io), 0);
  assert.equal(await sampleRun(['m/model.safetensors', '--length', '40', '--seed', '3', '--prime', 'the '], io), 0);
  const a = io.out.pop()!;
  assert.equal(await sampleRun(['m/model.safetensors', '--length', '40', '--seed', '3', '--prime', 'the '], io), 0);
  assert.equal(io.out.pop(), a);
  assert.equal(Array.from(a.trimEnd()).length, 44);
  assert.ok(a.startsWith('the '));

  const tagged = Array.from({ length: 8 }, (_, i) => `a\tX\nb\tY\n${i % 2 ? 'a' : 'b'}\tX\n`).join('\n');
  io.files.set('tags.tsv', new TextEncoder().encode(tagged));
  assert.equal(await trainRun(['tags.tsv', '--bidirectional', '--hidden', '4', '--batch', '2', '--epochs', '3', '--out', 't'], io), 0, io.err.join(''));
  assert.equal(await evalRun(['t/model.safetensors', 'tags.tsv'], io), 0, io.err.join(''));
  assert.equal((JSON.parse(io.out.pop()!) as { tokens: number }).tokens, 24);
  assert.equal(await sampleRun(['t/model.safetensors'], io), 1);
  assert.match(io.err.pop()!, /^error: This model was trained for tagging/);
});

test('user mistakes: one line on stderr, exit 2 for usage and 1 for data; no stack trace', async () => {
  // Every mistake is told in one line (README: "Errors are one line on stderr").
  const pop = (): string => {
    const e = io.err.pop()!;
    assert.ok(e.endsWith('\n') && !e.slice(0, -1).includes('\n'), `one line: ${JSON.stringify(e)}`);
    return e;
  };
  const io = memoryIo({ 'data.txt': TEXT });
  assert.equal(await trainRun([], io), 2);
  assert.equal(pop(), 'error: train needs exactly one DATA file (see sequence-lab train --help)\n');
  assert.equal(await trainRun(['data.txt', '--out', 'x', '--hiden', '3'], io), 2);
  assert.equal(pop(), 'error: unknown option --hiden (see sequence-lab train --help)\n');
  assert.equal(await trainRun(['data.txt', '--out', 'x', '--lr'], io), 2);
  assert.equal(pop(), 'error: --lr needs a value (see sequence-lab train --help)\n');
  assert.equal(await trainRun(['data.txt', '--out', 'x', '--spectral-radius', '-1'], io), 2);
  assert.match(pop(), /^error: --spectral-radius needs a value \(for one starting with -, write --spectral-radius=-…\)/);
  assert.equal(await trainRun(['data.txt', '--out', 'x', '--bidirectional=yes'], io), 2);
  assert.match(pop(), /^error: --bidirectional takes no value/);
  assert.equal(await trainRun(['data.txt', '--out', 'x', '--bidirectional'], io), 1);
  assert.match(pop(), /^error: A bidirectional model cannot be trained to predict the next token/);
  assert.equal(await trainRun(['missing.txt', '--out', 'x'], io), 1);
  assert.match(pop(), /^error: cannot read missing\.txt: no such file\n$/);
  assert.equal(await trainRun(['data.txt', '--out', 'x', '--truncate', '4'], io), 2);
  assert.match(pop(), /^error: --truncate needs K1,K2/);
  assert.equal(await evalRun(['data.txt', 'data.txt'], io), 1);
  assert.match(pop(), /^error: This is not a valid safetensors file/);
  // A ReLU RNN at spectral radius 1.5, SGD at rate 1000, no clipping: the loss overflows at once. The CLI stops
  // (the extension pauses instead: the engine's sentence says neither).
  const overflow = ['--model', 'rnn', '--nonlinearity', 'relu', '--init', 'identity', '--spectral-radius', '1.5', '--optimizer', 'sgd', '--lr', '1000', '--clip', '0', '--seq', '64'];
  assert.equal(await trainRun(['data.txt', '--out', 'x', ...overflow], io), 1);
  assert.match(pop(), /^error: training stopped\. Step \d+ made the loss Infinity \(first in h_l0 at time step \d+ of the chunk, stream 0\); the model is as it was before that step\. Try a smaller learning rate/);
});

test('trace writes a bounded window of the traces as JSON with the window\'s tokens', async () => {
  const io = memoryIo({ 'data.txt': TEXT });
  assert.equal(await trainRun(['data.txt', '--model', 'lstm', '--hidden', '5', '--steps', '3', '--out', 'm'], io), 0);
  assert.equal(await traceRun(['m/model.safetensors', 'data.txt', '--start', '10', '--length', '12', '--out', 'trace.json'], io), 0, io.err.join(''));
  const j = JSON.parse(text(io, 'trace.json')) as { tokens: string[]; trace: { hidden: { shape: number[]; data: number[] }; jacobianNorm: { data: number[] }; cellGradNorm: { shape: number[] } } };
  assert.equal(j.tokens.join(''), TEXT.slice(10, 22));
  assert.deepEqual(j.trace.hidden.shape, [1, 12, 5]);
  assert.equal(j.trace.hidden.data.length, 60);
  assert.equal(j.trace.jacobianNorm.data[0], 1);
  assert.deepEqual(j.trace.cellGradNorm.shape, [1, 12]);
  assert.equal(await traceRun(['m/model.safetensors', 'data.txt', '--start', '1000', '--out', 'x.json'], io), 1);
  assert.match(io.err.pop()!, /^error: A trace window/);
});

test('train --threads 2 shares the batch over two threads (same losses to 1e-9); --dtype float32 trains; bad values are refused', async () => {
  const args = ['data.txt', '--model', 'lstm', '--hidden', '8', '--batch', '8', '--seq', '8', '--steps', '6', '--lr', '0.01'];
  const losses = async (extra: string[]): Promise<number[]> => {
    const io = memoryIo({ 'data.txt': TEXT });
    assert.equal(await trainRun([...args, ...extra, '--out', 'r'], io), 0, io.err.join(''));
    return text(io, 'r/metrics.jsonl').trim().split('\n').map((l) => (JSON.parse(l) as { loss: number }).loss);
  };
  const one = await losses(['--threads', '1']);
  const two = await losses(['--threads', '2']);
  assert.equal(two.length, 6);
  two.forEach((l, i) => assert.ok(Math.abs(l - one[i]) <= 1e-9 * Math.abs(one[i]), `step ${i + 1}: ${l} vs ${one[i]}`));
  // Without --threads, the machine's cores share the 8 streams (2 at least each): the header says how many.
  const cores = Math.min(availableParallelism(), 4);
  const header = memoryIo({ 'data.txt': TEXT });
  assert.equal(await trainRun([...args], header), 0, header.err.join(''));
  assert.match(header.out[0], cores > 1 ? new RegExp(`, 6 steps, ${cores} threads\n$`) : /, 6 steps\n$/, `${availableParallelism()} cores`);
  // A text trains in float32 unless --dtype says otherwise (the editor's default too): the same losses as an explicit
  // --dtype float32, within float32 rounding of float64's.
  assert.deepEqual(await losses(['--threads', '1', '--dtype', 'float32']), one, 'the default dtype of a text is float32');
  const f64 = await losses(['--threads', '1', '--dtype', 'float64']);
  assert.ok(f64.some((l, i) => l !== one[i]), 'float64 is another arithmetic');
  f64.forEach((l, i) => assert.ok(Math.abs(l - one[i]) <= 1e-3 * Math.abs(l), `float32 step ${i + 1}: ${one[i]} vs float64 ${l}`));
  const io = memoryIo({ 'data.txt': TEXT });
  assert.notEqual(await trainRun([...args, '--dtype', 'float16', '--out', 'r'], io), 0);
  assert.match(io.err.join(''), /--dtype must be one of float32, float64/);
  // Tagged data trains in float64 only: asking for float32 is refused in the editor's words, before any training.
  const tagged = memoryIo({ 'tags.txt': 'a\tx\nb\ty\n\nb\ty\na\tx\n' });
  assert.notEqual(await trainRun(['tags.txt', '--task', 'tag', '--dtype', 'float32', '--out', 't'], tagged), 0);
  assert.match(tagged.err.join(''), /--dtype float32 is for streamed data \(characters, words, series\); tagged and sequence-to-one data train in float64/);
  assert.equal(tagged.files.has('t/run.json'), false);
});
