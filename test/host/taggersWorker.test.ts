// The tagger comparison through a real bundled worker and the host's client (src/taggers/taggersWorker.ts), on the
// toy part-of-speech files examples/hmm/pos-train.tsv and pos-test.tsv.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { TaggersWorker } from '../../src/taggers/taggersWorker';
import { DEFAULT_TAGGER_SETTINGS } from '../../src/shared/protocol/taggerComparison';
import type { TaggerComparison, TaggerSettings } from '../../src/shared/protocol/taggerComparison';
import type { TaggersWorkerToHost } from '../../src/shared/protocol/taggersWorker';
import { nodeEngineWorkers } from '../../src/base/nodeWorkerTransport';

const bundle = join(mkdtempSync(join(tmpdir(), 'seqlab-taggers-')), 'worker.js');
esbuild.buildSync({ entryPoints: ['src/worker/worker.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
const worker = new TaggersWorker(nodeEngineWorkers(bundle));
after(() => worker.dispose());

const trainText = readFileSync('examples/hmm/pos-train.tsv', 'utf8');
const testText = readFileSync('examples/hmm/pos-test.tsv', 'utf8');

/** The tags of a tagged file, in order (second column of every non-blank line). */
function tagsOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t')[1].trim());
}

/** Always answering the most frequent training tag: its accuracy on the held-out tags. */
function majorityBaseline(train: string[], heldOut: string[]): { tag: string; accuracy: number } {
  const counts = new Map<string, number>();
  for (const t of train) counts.set(t, (counts.get(t) ?? 0) + 1);
  const top = Math.max(...counts.values());
  const tag = [...counts].filter(([, c]) => c === top).map(([t]) => t).sort()[0];
  return { tag, accuracy: heldOut.filter((t) => t === tag).length / heldOut.length };
}

interface Run {
  result?: TaggerComparison;
  failed?: string;
  plannedSteps?: number;
  losses: number[];
}

function compare(settings: TaggerSettings, heldOutText?: string, text = trainText, onProgress?: (run: Run) => void): Promise<Run> {
  const run: Run = { losses: [] };
  return new Promise((resolve) => {
    worker.compare(text, heldOutText, settings, (m: TaggersWorkerToHost) => {
      if (m.type === 'taggersStarted') run.plannedSteps = m.plannedSteps;
      else if (m.type === 'taggersProgress') {
        assert.equal(m.firstStep, run.losses.length + 1, 'progress batches are consecutive');
        assert.ok(m.losses instanceof Float32Array);
        run.losses.push(...m.losses);
        onProgress?.(run);
      } else if (m.type === 'taggersResult') resolve({ ...run, result: m.result });
      else resolve({ ...run, failed: m.message });
    });
  });
}

function assertConsistent(r: TaggerComparison, scores: TaggerComparison['hmm'] | TaggerComparison['rnn']): void {
  const N = r.tags.length;
  assert.equal(scores.confusion.length, N * N);
  assert.equal(scores.confusion.reduce((a, b) => a + b, 0), r.heldOutTokens);
  let trace = 0;
  for (let i = 0; i < N; i++) trace += scores.confusion[i * N + i];
  assert.equal(scores.correct, trace);
  assert.equal(scores.accuracy, trace / r.heldOutTokens);
}

test('on pos-train.tsv with pos-test.tsv held out, both taggers beat the majority tag by far', async () => {
  const run = await compare({ ...DEFAULT_TAGGER_SETTINGS, heldOut: 'sibling' }, testText);
  assert.equal(run.failed, undefined);
  const r = run.result!;
  const baseline = majorityBaseline(tagsOf(trainText), tagsOf(testText));
  assert.equal(r.majorityTag, baseline.tag);
  assert.equal(r.majorityAccuracy, baseline.accuracy);
  assert.equal(r.heldOutTokens, tagsOf(testText).length);
  assert.equal(r.trainTokens, tagsOf(trainText).length);
  assert.deepEqual(r.tags, [...new Set(tagsOf(trainText))].sort());
  assertConsistent(r, r.hmm);
  assertConsistent(r, r.rnn);
  // Tokens only one tagger gets right explain the whole difference of their scores.
  assert.equal(r.rnn.correct - r.hmm.correct, r.rnnOnlyCorrect - r.hmmOnlyCorrect);
  assert.ok(r.hmm.accuracy > baseline.accuracy + 0.5, `HMM ${r.hmm.accuracy} against majority ${baseline.accuracy}`);
  assert.ok(r.rnn.accuracy > baseline.accuracy + 0.5, `RNN ${r.rnn.accuracy} against majority ${baseline.accuracy}`);
  // The RNN trained to the end, and its loss fell.
  assert.equal(r.rnn.stopped, false);
  assert.equal(r.rnn.steps, run.plannedSteps);
  assert.equal(run.losses.length, run.plannedSteps);
  assert.ok(run.losses.at(-1)! < run.losses[0] / 10, `loss ${run.losses[0]} → ${run.losses.at(-1)}`);
  // Bidirectional RNN H=32, E=16 over |V|+1 inputs and 7 tags: embedding + 2 directions + head.
  const V = r.vocabularySize + 1;
  const H = 32;
  const E = 16;
  assert.equal(r.rnn.parameterCount, V * E + 2 * (H * E + H * H + 2 * H) + r.tags.length * (2 * H + 1));
  const N = r.tags.length;
  assert.equal(r.hmm.parameterCount, N - 1 + N * (N - 1) + N * (V - 1));
  console.log(`pos: majority ${baseline.accuracy.toFixed(3)}, HMM ${r.hmm.accuracy.toFixed(4)}, RNN ${r.rnn.accuracy.toFixed(4)}`);
});

test('a seeded split: the same seed gives the same comparison, another seed another split', async () => {
  const settings: TaggerSettings = { ...DEFAULT_TAGGER_SETTINGS, cell: 'gru', epochs: 2, heldOutShare: 0.25, seed: 7 };
  const without = (r: TaggerComparison) => ({ ...r, hmm: { ...r.hmm, trainMs: 0 }, rnn: { ...r.rnn, trainMs: 0 } });
  const a = await compare(settings);
  const b = await compare(settings);
  assert.deepEqual(without(b.result!), without(a.result!));
  assert.deepEqual(b.losses, a.losses);
  const sequences = trainText.split(/\n\s*\n/).filter((s) => s.trim() !== '').length;
  assert.equal(a.result!.heldOutSequences, Math.round(0.25 * sequences));
  assert.equal(a.result!.trainSequences + a.result!.heldOutSequences, sequences);
  const c = await compare({ ...settings, seed: 8 });
  assert.notDeepEqual(c.result!.hmm.confusion, a.result!.hmm.confusion);
  assert.ok(c.result!.rnn.accuracy > c.result!.majorityAccuracy + 0.5);
});

test('Stop ends the RNN at once; its scores are reported as far as it got', async () => {
  let stopped = false;
  const run = await compare({ ...DEFAULT_TAGGER_SETTINGS, cell: 'lstm', epochs: 200 }, undefined, trainText, () => {
    if (!stopped) {
      stopped = true;
      worker.stop();
    }
  });
  const r = run.result!;
  assert.equal(r.rnn.stopped, true);
  assert.ok(r.rnn.steps < r.rnn.plannedSteps / 10, `${r.rnn.steps} of ${r.rnn.plannedSteps} updates before stopping`);
  assert.equal(r.rnn.steps, run.losses.length);
  assertConsistent(r, r.rnn);
  assert.equal(worker.busy, false);
});

test('a file that is not token<TAB>tag fails with the line named; so does a bad held-out file', async () => {
  const bad = await compare(DEFAULT_TAGGER_SETTINGS, undefined, 'the\tDET\ncat NOUN\n\nsat\tVERB\n');
  assert.match(bad.failed ?? '', /^Line 2: "cat NOUN" has no tag/);
  const badHeldOut = await compare({ ...DEFAULT_TAGGER_SETTINGS, heldOut: 'sibling' }, 'a\tDET\n\tNOUN\n');
  assert.match(badHeldOut.failed ?? '', /^The held-out file: Line 2: the token before the tab is empty\.$/);
  const one = await compare(DEFAULT_TAGGER_SETTINGS, undefined, 'the\tDET\ncat\tNOUN\n');
  assert.match(one.failed ?? '', /1 tagged sequence; holding some out needs at least 2/);
});
