// Where the Compare Runs panel's curves come from (src/panels/compareCurves.ts, and the panel itself with a minimal
// stand-in for the `vscode` module). What a user would notice: a run training in this window is drawn with exactly the
// points its stored metrics.jsonl holds (so a window reload shows the same curve), without the panel re-reading that
// growing file on every refresh; a stored run's file is read once; a compared run deleted while the panel is open
// drops out with a line saying so; a run that completes, or is shown again after a reload, keeps its curve.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, mock, test } from 'node:test';
import { LIVE_POINT_LIMIT, RunCurves, type CurveStamp } from '../../src/panels/compareCurves';
import type { CurvePoint } from '../../src/panels/compareSummary';
import type { StepBatch } from '../../src/shared/run';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import type { ComparedRun, HostToComparePanel } from '../../src/shared/protocol/comparePanel';
import { RunStore } from '../../src/training/runStore';
import { StepHistory } from '../../src/training/stepHistory';
import type { RunRecord } from '../../src/training/trainingService';
import { FakeEventEmitter as EventEmitter, FakeWebviewPanel, installFakeVscode, l10nFormat, uninstallFakeVscode } from './fakeVscode';

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sequence-lab-compare-curves-'));
}

/** A noisy falling loss (float32, as the worker sends it) for steps first … first + n − 1. */
function batch(first: number, n: number, level = 2): StepBatch {
  const losses = Float32Array.from({ length: n }, (_, i) => level + Math.exp(-(first + i) / 150) + 0.3 * Math.sin((first + i) * 1.7));
  const gradNorms = Float32Array.from({ length: n }, (_, i) => 1 + 0.5 * Math.cos((first + i) * 0.3));
  return { firstStep: first, losses, gradNorms, clipped: new Uint8Array(n), charsPerSecond: 1000 };
}

/** Batch sizes as a worker posts them: uneven, some of one step. */
const SIZES = [1, 5, 17, 3, 40, 2, 9];

function createRun(store: RunStore, id: string, status: 'training' | 'completed' = 'training'): void {
  store.create({
    id, dataUri: 'file:///w/verse.txt', dataLabel: 'verse.txt', dataSha256: 'ab'.repeat(32),
    modelLabel: 'char RNN · tanh · H=16', config: DEFAULT_CONFIG, status,
  });
}

/** Steps `from` … `to` in batches of SIZES, each given to `each`. */
function train(from: number, to: number, each: (b: StepBatch) => void): void {
  for (let step = from, k = 0; step <= to; k++) {
    const n = Math.min(SIZES[k % SIZES.length], to - step + 1);
    each(batch(step, n));
    step += n;
  }
}

/** A RunCurves on `store` that records which runs' metrics.jsonl it read. */
function curvesOn(store: RunStore): { curves: RunCurves; reads: string[] } {
  const reads: string[] = [];
  const curves = new RunCurves((id) => {
    reads.push(id);
    return store.readMetrics(id);
  });
  return { curves, reads };
}

test('a run training here is drawn from its steps in memory: exactly the points metrics.jsonl holds, through every compaction, and the file is never read', () => {
  const store = new RunStore(tempRoot(), { maxMetricLines: 8 });
  createRun(store, 'run-a');
  const history = new StepHistory();
  const { curves, reads } = curvesOn(store);
  const live = { liveId: 'run-a', history };
  assert.deepEqual(curves.livePoints(store.get('run-a')!, live), [], 'no steps yet');
  train(1, 700, (b) => {
    // What the host does with each progress message: the history, then the store, then the panel.
    history.append(b);
    store.appendMetrics('run-a', b.firstStep, b.losses, b.gradNorms);
    curves.progress(store.get('run-a')!, 'run-a', b);
    assert.deepEqual(curves.livePoints(store.get('run-a')!, live), store.readMetrics('run-a'), `after step ${b.firstStep + b.losses.length - 1}`);
  });
  assert.ok(store.get('run-a')!.metricsStride >= 64, `the store compacted its file (stride ${store.get('run-a')!.metricsStride})`);
  assert.ok(store.readMetrics('run-a').length <= 9);
  assert.deepEqual(reads, [], 'the panel read metrics.jsonl of a run whose steps it has');
});

test('a panel opened mid-run, after the store compacted, draws the same points from memory (to the six digits stored)', () => {
  const store = new RunStore(tempRoot(), { maxMetricLines: 16 });
  createRun(store, 'run-b');
  const history = new StepHistory();
  const { curves, reads } = curvesOn(store);
  const feed = (b: StepBatch) => {
    history.append(b);
    store.appendMetrics('run-b', b.firstStep, b.losses, b.gradNorms);
    curves.progress(store.get('run-b')!, 'run-b', b);
  };
  train(1, 500, feed);
  const same = (shown: readonly CurvePoint[], file: readonly CurvePoint[], when: string) => {
    assert.deepEqual(shown.map((p) => p.step), file.map((p) => p.step), `the same steps ${when}`);
    shown.forEach((p, i) => {
      assert.ok(Math.abs(p.loss - file[i].loss) <= 1e-5 * Math.abs(file[i].loss), `loss at step ${p.step} ${when}: ${p.loss} vs ${file[i].loss}`);
      assert.ok(Math.abs(p.gradNorm - file[i].gradNorm) <= 1e-5 * Math.abs(file[i].gradNorm), `gradient norm at step ${p.step} ${when}`);
    });
  };
  same(curves.livePoints(store.get('run-b')!, { liveId: 'run-b', history }), store.readMetrics('run-b'), 'when the panel opens');
  train(501, 900, feed);
  same(curves.livePoints(store.get('run-b')!, { liveId: 'run-b', history }), store.readMetrics('run-b'), 'after 400 more steps');
  assert.deepEqual(reads, []);
});

test('a resumed run: the steps before its checkpoint come from metrics.jsonl, read once; its own steps follow from memory', () => {
  const root = tempRoot();
  const first = new RunStore(root, { maxMetricLines: 16 });
  createRun(first, 'run-c');
  train(1, 300, (b) => first.appendMetrics('run-c', b.firstStep, b.losses, b.gradNorms));
  first.saveCheckpoint('run-c', 240, Uint8Array.of(1), Uint8Array.of(2));

  // A reload, then Resume: the stored run continues at its checkpoint (what RunPersistence.track does).
  const store = new RunStore(root, { maxMetricLines: 16 });
  store.update('run-c', { status: 'starting', step: 240 });
  store.dropMetricsAfter('run-c', 240);
  const history = new StepHistory();
  const { curves, reads } = curvesOn(store);
  const live = { liveId: 'run-live-2', history };
  assert.deepEqual(curves.livePoints(store.get('run-c')!, live), store.readMetrics('run-c'), 'before the worker started: the steps up to the checkpoint');
  assert.ok(curves.livePoints(store.get('run-c')!, live).every((p) => p.step <= 240), 'nothing after the checkpoint');
  history.startAt(240);
  train(241, 800, (b) => {
    history.append(b);
    store.appendMetrics('run-c', b.firstStep, b.losses, b.gradNorms);
    curves.progress(store.get('run-c')!, 'run-live-2', b);
    assert.deepEqual(curves.livePoints(store.get('run-c')!, live), store.readMetrics('run-c'), `after step ${b.firstStep + b.losses.length - 1}`);
  });
  assert.ok(store.get('run-c')!.metricsStride > 16, 'the store compacted across the checkpoint');
  assert.deepEqual(reads, ['run-c'], 'metrics.jsonl read once, for the steps before the checkpoint');
});

test('a missed batch does not leave a gap: the curve is rebuilt from the history', () => {
  const store = new RunStore(tempRoot());
  createRun(store, 'run-d');
  const history = new StepHistory();
  const { curves, reads } = curvesOn(store);
  const live = { liveId: 'run-d', history };
  train(1, 100, (b) => {
    history.append(b);
    store.appendMetrics('run-d', b.firstStep, b.losses, b.gradNorms);
    curves.progress(store.get('run-d')!, 'run-d', b);
  });
  curves.livePoints(store.get('run-d')!, live);
  const missed = batch(101, 20);
  history.append(missed);
  store.appendMetrics('run-d', 101, missed.losses, missed.gradNorms); // the panel was not told
  const next = batch(121, 10);
  history.append(next);
  store.appendMetrics('run-d', 121, next.losses, next.gradNorms);
  curves.progress(store.get('run-d')!, 'run-d', next);
  assert.deepEqual(curves.livePoints(store.get('run-d')!, live), store.readMetrics('run-d'));
  assert.equal(store.readMetrics('run-d').at(-1)?.step, 130);
  assert.deepEqual(reads, []);
});

test('a live run whose metrics.jsonl cannot be written (never compacted) still keeps a bounded curve, evenly spread', () => {
  const { curves, reads } = curvesOn(new RunStore(tempRoot()));
  const history = new StepHistory();
  const stamp: CurveStamp = { id: 'run-e', status: 'training', step: 0, metricsStride: 1 };
  const live = { liveId: 'run-e', history };
  curves.livePoints(stamp, live);
  const last = 3 * LIVE_POINT_LIMIT + 7;
  for (let step = 1; step <= last; step += 1000) {
    const b = batch(step, Math.min(1000, last - step + 1));
    history.append(b);
    curves.progress(stamp, 'run-e', b);
  }
  const points = curves.livePoints(stamp, live);
  assert.ok(points.length <= LIVE_POINT_LIMIT && points.length > LIVE_POINT_LIMIT / 4, `${points.length} points`);
  const stride = points[1].step - points[0].step;
  assert.ok(points.every((p, i) => p.step === (i + 1) * stride), 'one point per stride steps, from the first');
  assert.ok(last - points.at(-1)!.step < stride, `the curve reaches the last steps (${points.at(-1)!.step} of ${last})`);
  assert.deepEqual(reads, []);
});

test('a stored run is read once, again only when its record changes, and again once it is compared anew', () => {
  const files = new Map<string, CurvePoint[]>([['a', [{ step: 10, loss: 2, gradNorm: 1 }]], ['b', [{ step: 5, loss: 3, gradNorm: 1 }]]]);
  const reads: string[] = [];
  const curves = new RunCurves((id) => {
    reads.push(id);
    return files.get(id)!;
  });
  const a: CurveStamp = { id: 'a', status: 'completed', step: 10, lastLoss: 2, metricsStride: 1 };
  const b: CurveStamp = { id: 'b', status: 'interrupted', step: 5, metricsStride: 1 };
  for (let refresh = 0; refresh < 5; refresh++) {
    assert.deepEqual(curves.storedPoints(a), files.get('a'));
    assert.deepEqual(curves.storedPoints(b), files.get('b'));
  }
  assert.deepEqual(reads, ['a', 'b']);
  // Trained on in another window and seen anew: a new step brings the longer curve.
  files.set('a', [...files.get('a')!, { step: 20, loss: 1.5, gradNorm: 1 }]);
  assert.equal(curves.storedPoints({ ...a, step: 20 }).length, 2);
  assert.deepEqual(reads, ['a', 'b', 'a']);
  curves.keepOnly(['a']);
  curves.storedPoints(b);
  assert.deepEqual(reads, ['a', 'b', 'a', 'b']);
});

// ── The panel (src/panels/comparePanel.ts) with the real RunPersistence and RunStore ──

/** The Compare panel as VS Code would hold it (its webview throws once disposed), read back as comparisons. */
class FakePanel extends FakeWebviewPanel {
  /** The last comparison the page was sent. */
  comparison(): Extract<HostToComparePanel, { type: 'showComparison' }> {
    const last = this.posted.at(-1) as HostToComparePanel | undefined;
    assert.equal(last?.type, 'showComparison', JSON.stringify(last));
    return last as Extract<HostToComparePanel, { type: 'showComparison' }>;
  }
}

const panels: FakePanel[] = [];
const fakeVscode = {
  EventEmitter,
  // The Runs view's module (imported by the panel) makes its icons when it loads.
  ThemeIcon: class { constructor(readonly id: string, readonly color?: unknown) {} },
  ThemeColor: class { constructor(readonly id: string) {} },
  ViewColumn: { Beside: -2 },
  Uri: { joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/'), toString: () => [base.path, ...parts].join('/') }) },
  window: {
    createWebviewPanel: () => {
      const panel = new FakePanel();
      panels.push(panel);
      return panel;
    },
    activeTextEditor: undefined,
    visibleTextEditors: [],
    showErrorMessage: async () => undefined,
    showInformationMessage: async () => undefined,
  },
  workspace: { textDocuments: [] },
  l10n: { t: l10nFormat },
};


before(() => {
  installFakeVscode(fakeVscode);
});

after(() => {
  uninstallFakeVscode();
});

/** The window's TrainingService as RunPersistence and the panel use it: its runs and their events. */
function fakeService() {
  const runs: RunRecord[] = [];
  const changed = new EventEmitter<RunRecord>();
  const progressed = new EventEmitter<{ run: RunRecord; batch: StepBatch }>();
  return {
    runs,
    changed,
    progressed,
    onDidChangeRun: changed.event,
    onDidProgress: progressed.event,
    list: () => [...runs],
    get: (id: string) => runs.find((r) => r.info.id === id),
  };
}

/** The curve a page draws from metrics.jsonl (as compareSummary.ts converts it). */
function fileCurve(store: RunStore, id: string): { steps: number[]; losses: number[] } {
  const lines = store.readMetrics(id);
  return { steps: lines.map((m) => m.step), losses: [...Float32Array.from(lines, (m) => m.loss)] };
}

function shownCurve(run: ComparedRun | undefined): { steps: number[]; losses: number[] } {
  assert.ok(run, 'the run is shown');
  return { steps: [...run.curve.steps], losses: [...run.curve.losses] };
}

test('the panel: a live run refreshes from memory, stored runs are read once, a deleted run drops out with a line, a completed or reloaded run keeps its curve', async () => {
  const { CompareRunsPanel } = await import('../../src/panels/comparePanel');
  const { RunPersistence } = await import('../../src/training/runPersistence');
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const root = tempRoot();
    // Two runs of an earlier window.
    const earlier = new RunStore(root);
    for (const [id, level] of [['run-old-1', 1.8], ['run-old-2', 2.2]] as const) {
      createRun(earlier, id, 'completed');
      train(1, 400, (b) => earlier.appendMetrics(id, b.firstStep, b.losses.map((l) => l - 2 + level), b.gradNorms));
      earlier.update(id, { step: 400, lastLoss: 1.8 });
    }

    // This window: the panel's reads of metrics.jsonl are counted while it refreshes (the store's own reads, to
    // append and compact, happen while the test feeds it and are not).
    const store = new RunStore(root, { maxMetricLines: 32 });
    let counting = false;
    const panelReads: string[] = [];
    const readMetrics = store.readMetrics.bind(store);
    store.readMetrics = (id: string) => {
      if (counting) panelReads.push(id);
      return readMetrics(id);
    };
    const service = fakeService();
    const persistence = new RunPersistence(store, service as never);
    const record: RunRecord = {
      info: { id: 'run-live-1', fileLabel: 'verse.txt', modelLabel: 'char LSTM · H=16', config: { ...DEFAULT_CONFIG, cell: 'lstm' }, status: 'starting' },
      history: new StepHistory(),
    };
    const data = { uri: { toString: () => 'file:///w/verse.txt' }, label: 'verse.txt', text: 'the verse' };
    persistence.startTracked(data as never, () => {
      service.runs.push(record);
      service.changed.fire(record);
      return record;
    });
    assert.ok(store.get('run-live-1'), 'the live run is stored');

    const refresh = () => {
      counting = true;
      mock.timers.tick(250);
      counting = false;
    };
    counting = true;
    CompareRunsPanel.show({ path: '/ext' } as never, service as never, persistence, ['run-old-1', 'run-old-2', 'run-live-1']);
    counting = false;
    const panel = panels.at(-1)!;
    assert.deepEqual(panel.comparison().runs.map((r) => r.id), ['run-old-1', 'run-old-2', 'run-live-1']);

    record.history.startAt(0);
    record.info = { ...record.info, status: 'training' };
    service.changed.fire(record);
    let refreshes = 0;
    train(1, 600, (b) => {
      record.history.append(b);
      service.progressed.fire({ run: record, batch: b });
      if (b.firstStep % 3 === 0) {
        refresh();
        refreshes++;
        const shown = panel.comparison().runs.find((r) => r.id === 'run-live-1');
        assert.deepEqual(shownCurve(shown), fileCurve(store, 'run-live-1'), `the live curve at step ${shown?.step}`);
      }
    });
    assert.ok(refreshes > 10, `${refreshes} refreshes`);
    assert.ok(store.get('run-live-1')!.metricsStride > 1, 'the store compacted the live run\u2019s metrics');
    assert.deepEqual(panelReads.sort(), ['run-old-1', 'run-old-2'], 'each stored run read once, the live run never');
    for (const id of ['run-old-1', 'run-old-2']) {
      assert.deepEqual(shownCurve(panel.comparison().runs.find((r) => r.id === id)), fileCurve(store, id));
    }

    // The live run completes: its curve stays as it was.
    refresh();
    const beforeCompletion = shownCurve(panel.comparison().runs.find((r) => r.id === 'run-live-1'));
    assert.deepEqual(beforeCompletion, fileCurve(store, 'run-live-1'));
    assert.equal(beforeCompletion.steps.at(-1), 600 - (600 % store.get('run-live-1')!.metricsStride));
    record.info = { ...record.info, status: 'completed' };
    service.changed.fire(record);
    refresh();
    const completed = panel.comparison().runs.find((r) => r.id === 'run-live-1');
    assert.equal(completed?.status, 'completed');
    assert.deepEqual(shownCurve(completed), beforeCompletion);

    // A compared run is deleted from the Runs view: it drops out, and the page is told one run is missing.
    persistence.delete('run-old-2');
    refresh();
    const afterDelete = panel.comparison();
    assert.deepEqual(afterDelete.runs.map((r) => r.id), ['run-old-1', 'run-live-1']);
    assert.equal(afterDelete.missing, 1);
    assert.match(afterDelete.summary, /^char (RNN|LSTM).* (reaches|are level)/, 'the two left are still compared');
    // The page's link to the deleted run (clicked before its row went) opens nothing and throws nothing.
    panel.fromPage({ type: 'openRun', runId: 'run-old-2' });
    assert.deepEqual(panelReads.sort(), ['run-old-1', 'run-old-2']);

    // Every run but one deleted: still a comparison of what is left, with the line, not an error.
    persistence.delete('run-old-1');
    refresh();
    assert.deepEqual(panel.comparison().runs.map((r) => r.id), ['run-live-1']);
    assert.equal(panel.comparison().missing, 2);
    assert.match(panel.comparison().summary, /^Nothing to compare: only one of the runs is left/);
    panel.dispose();
    persistence.dispose();

    // A window reload: the page restores its run ids; the former live run is now a stored run, read from its file.
    const reloaded = new RunStore(root);
    const revived = new FakePanel();
    const service2 = fakeService();
    const persistence2 = new RunPersistence(reloaded, service2 as never);
    CompareRunsPanel.revive(revived as never, { path: '/ext' } as never, service2 as never, persistence2, { runIds: ['run-live-1'] });
    revived.fromPage({ type: 'ready' });
    assert.deepEqual(shownCurve(revived.comparison().runs[0]), beforeCompletion, 'the curve after the reload is the one shown before');

    // The last compared run deleted too: the page drops it and says so (not the message for runs never found).
    persistence2.delete('run-live-1');
    mock.timers.tick(250);
    assert.deepEqual(revived.comparison().runs, []);
    assert.equal(revived.comparison().missing, 1);
    revived.dispose();

    // A page restored on runs this window's store does not hold (another folder): nothing to drop, it is told why.
    const elsewhere = new FakePanel();
    CompareRunsPanel.revive(elsewhere as never, { path: '/ext' } as never, service2 as never, persistence2, { runIds: ['run-old-1'] });
    elsewhere.fromPage({ type: 'ready' });
    const detached = elsewhere.posted.at(-1) as HostToComparePanel;
    assert.equal(detached.type, 'detached');
    assert.match(detached.type === 'detached' ? detached.message : '', /no longer stored/);
    elsewhere.dispose();
    persistence2.dispose();
  } finally {
    mock.timers.reset();
  }
});
