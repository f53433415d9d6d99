// The exported PyTorch project scaling out, under real torch (/usr/bin/python3 + Debian's python3-torch; without
// torch these tests fail, naming the packages — CI installs them):
//   a run trained at batch 1 (as the Training panel does) exports a README whose commands run as printed;
//   --batch 8 on 2 processes (torchrun, DistributedDataParallel, gloo) ends with the weights of 1 process at --batch 8;
//   a --save-every run killed after a checkpoint and started again with the same command ends with the weights and the
//     metrics.jsonl history of an uninterrupted run;
//   --device cuda without a GPU, more processes than streams, a batch larger than the data and a checkpoint of other
//     settings are refused with their messages;
//   what train.py writes (model.safetensors, metrics.jsonl) reads back into Sequence Lab.
// No GPU is assumed: the CUDA path is exercised only for its refusal where torch sees none.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { run as evalRun } from '../../src/cli/commands/evalModel';
import { run as exportRun } from '../../src/cli/commands/exportPytorch';
import { decodeModel } from '../../src/cli/commands/readModel';
import { run as trainRun } from '../../src/cli/commands/trainModel';
import { parseRunHistory } from '../../src/training/importedHistory';
import { fileIo, PYTHON, readmeShellEnv, requireTorch } from '../fixtures/pytorch';

// CI installs python3-torch: without it these tests fail (requireTorch names the packages) instead of skipping.
const probe = spawnSync(PYTHON, ['-c', 'import torch; print(int(torch.cuda.is_available()))'], { encoding: 'utf8' });
const hasGpu = probe.stdout.trim() === '1';
const ENV = { ...process.env, OMP_NUM_THREADS: '1' };

const dir = mkdtempSync(join(tmpdir(), 'seqlab-scale-'));


// 1,900 characters of a small alphabet: --batch 8 gives 8 streams of 237 positions, k1 = 12 → 19 updates an epoch.
const TEXT = Array.from({ length: 50 }, (_, i) => `the ${i % 3 ? 'fox' : 'dog'} ran ${i % 7} far. `).join('').repeat(2);
const POSITIONS = TEXT.length - 1;

let exported: Promise<{ run: string; project: string; runSteps: number }> | undefined;
/** A run as the Training panel makes it (one stream), trained by our CLI and exported once; tests copy the project. */
function exportedProject(): Promise<{ run: string; project: string; runSteps: number }> {
  exported ??= (async () => {
    writeFileSync(join(dir, 'fox.txt'), TEXT);
    const io = fileIo();
    const run = join(dir, 'run');
    assert.equal(await trainRun([join(dir, 'fox.txt'), '--model', 'lstm', '--hidden', '8', '--embedding', '4', '--batch', '1', '--seq', '12', '--steps', '3', '--out', run], io), 0, io.err.join(''));
    const project = join(dir, 'project');
    assert.equal(await exportRun([run, '--out', project], io), 0, io.err.join(''));
    return { run, project, runSteps: 3 };
  })();
  return exported;
}

let copies = 0;
async function freshProject(): Promise<{ run: string; project: string; runSteps: number }> {
  const e = await exportedProject();
  const project = join(dir, `copy${copies++}`);
  cpSync(e.project, project, { recursive: true });
  return { ...e, project };
}

function python(cwd: string, args: string[], env: NodeJS.ProcessEnv = ENV): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, { cwd, encoding: 'utf8', env });
}

const COMPAT_BUG = "'NoneType' object has no attribute 'get'";

/** torchrun's arguments for 2 local processes, meeting on a port the system picks (--standalone's 29400 is fixed in
 * torch 1.13, and test files run side by side). */
function twoProcesses(): string[] {
  return ['--nnodes=1', '--nproc_per_node=2', '--rdzv_backend=c10d', '--rdzv_endpoint=localhost:0'];
}

/** The launcher: `python3 -m torch.distributed.run`, or the project's torchrun_compat.py where that one has the 1.13 bug. */
const launcher = (() => {
  let chosen: string[] | undefined;
  return (project: string): string[] => {
    if (!chosen) {
      const r = python(project, ['-m', 'torch.distributed.run', '--nproc_per_node=1', '--help']);
      const bug = python(project, ['-c', 'from torch.distributed.elastic.multiprocessing import api; print(api.Std.from_str("0") is None)']);
      chosen = r.status === 0 && bug.stdout.trim() === 'False' ? ['-m', 'torch.distributed.run'] : ['torchrun_compat.py'];
    }
    return chosen;
  };
})();

function weights(project: string): Float64Array {
  return decodeModel(new Uint8Array(readFileSync(join(project, 'model.safetensors')))).stack.params;
}

/** max |a − b| / (1 + |b|) over all parameters. */
function worstDifference(a: Float64Array, b: Float64Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

interface MetricLine { step: number; loss: number; gradNorm: number }
function metrics(project: string): MetricLine[] {
  return readFileSync(join(project, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as MetricLine);
}

async function ourEval(model: string, data: string): Promise<{ loss: number; tokens: number }> {
  const io = fileIo();
  assert.equal(await evalRun([model, data], io), 0, io.err.join(''));
  return JSON.parse(io.out.join('')) as { loss: number; tokens: number };
}

const tokensPerSecond = (stdout: string): number => Number(/: (\d+) tokens\/s$/m.exec(stdout)?.[1] ?? NaN);

test('--batch 8 on 2 processes (torchrun, gloo) ends with the weights of 1 process at --batch 8', async () => {
  requireTorch();
  const one = await freshProject();
  const two = await freshProject();
  const args = ['train.py', '--batch', '8', '--steps', '24', '--log-every', '8'];
  const single = python(one.project, args);
  assert.equal(single.status, 0, single.stderr);
  const ddp = python(two.project, [...launcher(two.project), ...twoProcesses(), ...args]);
  assert.equal(ddp.status, 0, ddp.stderr);
  assert.match(ddp.stdout, /^24 steps in [\d.]+ s on 2 process\(es\), cpu: \d+ tokens\/s$/m);
  // float32 (the default): the two sum the same gradients in another order, so they agree to float32 rounding.
  const worst = worstDifference(weights(two.project), weights(one.project));
  assert.ok(worst < 1e-5, `2 processes vs 1: parameters differ by up to ${worst}`);
  assert.ok(worstDifference(weights(two.project), weights((await exportedProject()).project)) > 1e-3, 'training changed the weights');
  // One history line per update, numbered after the exported run's 3 steps, the same losses.
  const a = metrics(one.project);
  const b = metrics(two.project);
  assert.deepEqual(b.map((m) => m.step), Array.from({ length: 24 }, (_, i) => 3 + i + 1));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i].loss - b[i].loss) < 1e-5 * a[i].loss, `step ${a[i].step}: ${a[i].loss} vs ${b[i].loss}`);
  console.log(`# --batch 8, 24 steps, float32: 2 processes vs 1 differ by ≤ ${worst.toExponential(2)} (relative); throughput ${tokensPerSecond(single.stdout)} tokens/s on 1 process, ${tokensPerSecond(ddp.stdout)} on 2`);
});

test('a --save-every run killed after a checkpoint resumes with the same command and ends as an uninterrupted run', async () => {
  requireTorch();
  const uninterrupted = await freshProject();
  const crashed = await freshProject();
  // float64, so "the same" is 1e-12: the resumed run's updates are exactly those it would have made.
  const args = ['train.py', '--batch', '8', '--steps', '200', '--save-every', '10', '--dtype', 'float64', '--log-every', '50'];
  const whole = python(uninterrupted.project, args);
  assert.equal(whole.status, 0, whole.stderr);
  assert.equal(existsSync(join(uninterrupted.project, 'train-checkpoint.safetensors')), false, 'a finished run deletes its checkpoint');

  const command = [...launcher(crashed.project), ...twoProcesses(), ...args];
  // Killed (the whole process group: torchrun and both workers) the moment rank 0 reports the step-10 checkpoint.
  const killed = await new Promise<{ signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
    const child = spawn(PYTHON, command, { cwd: crashed.project, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (/^checkpoint at step 10: train-checkpoint\.safetensors$/m.test(stdout)) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (_code, signal) => (signal ? resolve({ signal, stdout }) : reject(new Error(`not killed: it ended first\n${stdout}\n${stderr}`))));
  });
  assert.equal(killed.signal, 'SIGKILL');
  assert.doesNotMatch(killed.stdout, /^step 200\/200/m, 'killed before the end');
  assert.ok(existsSync(join(crashed.project, 'train-checkpoint.safetensors')), 'the checkpoint survives the crash');

  const again = python(crashed.project, command);
  assert.equal(again.status, 0, again.stderr);
  // The kill lands when Node reads the step-10 line; a loaded machine may let the workers save a few more checkpoints
  // first. The run resumes from the last one saved: at least the last one printed, a multiple of 10, before the end.
  const resumedAt = Number(/^resuming from .*train-checkpoint\.safetensors after step (\d+)\/200$/m.exec(again.stdout)?.[1]);
  const lastPrinted = Math.max(...[...killed.stdout.matchAll(/^checkpoint at step (\d+):/gm)].map((m) => Number(m[1])));
  assert.ok(resumedAt % 10 === 0 && resumedAt >= lastPrinted && resumedAt < 200, `resumed after step ${resumedAt} (last checkpoint printed before the kill: ${lastPrinted})\n${again.stdout}`);
  assert.equal(existsSync(join(crashed.project, 'train-checkpoint.safetensors')), false);
  const worst = worstDifference(weights(crashed.project), weights(uninterrupted.project));
  assert.ok(worst < 1e-12, `resumed vs uninterrupted: parameters differ by up to ${worst}`);
  // The history has every step once: lines the crashed run wrote after its checkpoint were cut and written again.
  const history = metrics(crashed.project);
  const reference = metrics(uninterrupted.project);
  assert.deepEqual(history.map((m) => m.step), reference.map((m) => m.step));
  for (let i = 0; i < history.length; i++) assert.ok(Math.abs(history[i].loss - reference[i].loss) <= 1e-12 * reference[i].loss, `step ${history[i].step}`);
  console.log(`# crash after step ${resumedAt} of 200, resumed on 2 processes, float64: differs from uninterrupted (1 process) by ≤ ${worst.toExponential(2)} (relative)`);
});

test('bad settings are refused with their messages: no GPU, more processes than streams, a batch larger than the data', async (t) => {
  requireTorch();
  const { project } = await freshProject();
  const before = readFileSync(join(project, 'model.safetensors'));
  const refused = (args: string[], message: RegExp, env: NodeJS.ProcessEnv = ENV): void => {
    const r = python(project, ['train.py', ...args], env);
    assert.notEqual(r.status, 0, `${args.join(' ')} should fail`);
    assert.match(r.stderr, message);
    assert.deepEqual(readFileSync(join(project, 'model.safetensors')), before, 'the model is untouched');
  };
  if (hasGpu) {
    t.diagnostic('torch sees a GPU here: --device cuda is not refused, its message is not checked');
  } else {
    refused(['--device', 'cuda', '--steps', '1'], /^error: --device cuda, but PyTorch sees no CUDA GPU \(torch\.cuda\.is_available\(\) is False/m);
    refused(['--device', 'auto', '--amp', '--steps', '1'], /^error: --amp needs a GPU \(--device auto found none\)$/m);
  }
  refused(['--amp', '--steps', '1'], /--amp is mixed precision for training on CUDA/);
  // What torchrun tells each process: checked before the processes wait for each other.
  refused(['--steps', '1'], /^error: 2 processes but --batch 1 makes only 1 stream\(s\), and every process needs at least one; use --batch 2/m,
    { ...ENV, RANK: '0', LOCAL_RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '9' });
  refused(['--batch', '5000', '--steps', '1'], new RegExp(`^error: --batch 5000 is larger than the data allows: data/fox\\.txt has ${POSITIONS} position\\(s\\) to predict and every stream needs at least one, so at most --batch ${POSITIONS}$`, 'm'));
  refused(['--batch', '0'], /--batch need whole numbers/);
  refused(['--lr', 'nan'], /--lr needs a positive number/);
  // A checkpoint of other settings is not resumed by a different command.
  const r = python(project, ['train.py', '--steps', '30', '--save-every', '10', '--dtype', 'float64']);
  assert.equal(r.status, 0, r.stderr);
  const after = readFileSync(join(project, 'model.safetensors'));
  /** A checkpoint as train.py writes it (safetensors, JSON in the metadata) with this key and these model hashes. */
  const fakeCheckpoint = (models: string): void => {
    const script = `import hashlib, json; from safetensors_io import save_file
sha = hashlib.sha256(open("model.safetensors", "rb").read()).hexdigest()
models = ${models}
save_file({}, "train-checkpoint.safetensors", {"checkpoint": json.dumps({"dict": [["key", {"dict": [["steps", 5]]}], ["models", {"list": models}]]})})`;
    const w = python(project, ['-c', script]);
    assert.equal(w.status, 0, w.stderr);
  };
  fakeCheckpoint('[sha]');
  const other = python(project, ['train.py', '--steps', '30', '--save-every', '10']);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /train-checkpoint\.safetensors is the checkpoint of an unfinished run with other settings \(steps 5 → 30, /);
  assert.deepEqual(readFileSync(join(project, 'model.safetensors')), after);
  // A checkpoint saved with another model.safetensors (the project exported again over an interrupted run) would
  // throw the new model away: refused.
  fakeCheckpoint('["0" * 64]');
  const stale = python(project, ['train.py', '--steps', '30', '--save-every', '10']);
  assert.notEqual(stale.status, 0);
  assert.match(stale.stderr, /^error: .*train-checkpoint\.safetensors cannot be resumed \(it was saved with another model\.safetensors\); delete it to start from model\.safetensors$/m);
  assert.deepEqual(readFileSync(join(project, 'model.safetensors')), after);
});

test('a run trained at batch 1: every command of the README\'s Run section works as printed; Sequence Lab reads the result', async (t) => {
  requireTorch();
  const { project, runSteps } = await freshProject();
  const readme = readFileSync(join(project, 'README.md'), 'utf8');
  const block = /## Run\n\n```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a Run block');
  const commands = block[1].split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('pip '));
  assert.ok(commands.some((c) => c.startsWith('torchrun ') && c.includes('--nproc_per_node=2') && c.includes('--batch 2')), commands.join('\n'));
  let steps = 0;
  for (const command of commands) {
    const r = spawnSync('sh', ['-c', command], { cwd: project, encoding: 'utf8', env: readmeShellEnv() });
    if (command.startsWith('torchrun ') && r.status !== 0 && r.stderr.includes(COMPAT_BUG)) {
      // Debian's torch 1.13 on Python ≥ 3.11: the README says so and prints the torchrun_compat.py line for it next.
      assert.ok(commands.some((c) => c === command.replace(/^torchrun /, 'python3 torchrun_compat.py ')));
      t.diagnostic(`"${command}" hit torch 1.13's launcher bug here, as the README warns`);
      continue;
    }
    assert.equal(r.status, 0, `${command}\n${r.stderr}`);
    if (/--eval/.test(command)) assert.match(r.stdout, new RegExp(`^\\{"loss":[\\d.]+,"perplexity":[\\d.]+,"tokens":${POSITIONS}\\}$`, 'm'));
    else {
      assert.match(r.stdout, /^step 200\/200 {2}loss \d+\.\d{4}$/m, command);
      steps += 200;
    }
  }
  // The history continues the exported run's steps, one line per update of every command.
  const history = metrics(project);
  assert.deepEqual(history.map((m) => m.step), Array.from({ length: steps }, (_, i) => runSteps + i + 1));
  assert.ok(history.every((m) => Number.isFinite(m.loss) && m.loss > 0 && Number.isFinite(m.gradNorm)));
  // …and is what Open PyTorch Model… imports next to the model (src/training/importedHistory.ts).
  const imported = parseRunHistory(readFileSync(join(project, 'metrics.jsonl'), 'utf8'));
  assert.ok('lines' in imported, 'error' in imported ? imported.error : '');
  assert.deepEqual(imported.lines, history);
  // sequence-lab eval reads the grown model and agrees with train.py --eval.
  const ours = await ourEval(join(project, 'model.safetensors'), join(project, 'data', 'fox.txt'));
  const theirs = JSON.parse(python(project, ['train.py', '--eval']).stdout) as { loss: number };
  assert.ok(Math.abs(ours.loss - theirs.loss) <= 1e-12 * ours.loss, `ours ${ours.loss} vs torch ${theirs.loss}`);
  assert.deepEqual(readdirSync(project).filter((f) => f.startsWith('train-checkpoint') || f.endsWith('.tmp')), [], 'no checkpoint or temp file left behind');
});
