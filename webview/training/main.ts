// Entry of the Training panel's webview (bundled to dist/webview/training.js). It draws what the host sends and
// sends back what the user asks for: pause, resume, single-step or stop the run, sample text at a temperature.
import type { HostToTrainingPanel, TrainingPanelToHost } from '../../src/shared/protocol/trainingPanel';
import { coalesceToFrame, throttle } from '../common/schedule';
import { onThemeChange, readTheme } from '../common/theme';
import { registerToolkit } from '../common/toolkit';
import { getState, onMessage, post, setState } from '../common/vscodeApi';
import { parseTemperature } from './format';
import { createLayout } from './layout';
import { canResample, renderView } from './render';
import { TrainingCharts } from './trainingCharts';
import { TrainingModel, type SavedTrainingView } from './trainingModel';

registerToolkit();
const el = createLayout(document.getElementById('root') ?? document.body);
const model = new TrainingModel();
let charts: TrainingCharts | undefined;
/** True once the user typed a temperature: a new run's default then no longer overwrites it. */
let temperatureEdited = false;

const send = (message: TrainingPanelToHost): void => post(message);
const temperature = (): number | undefined => parseTemperature(el.temperature.value ?? '');
/** The temperature sent with a greedy request (the worker checks it but argmax does not use it). */
const greedyTemperature = (): number => temperature() ?? model.run?.config.temperature ?? 1;

/** The curves' smoothing weight in [0, 0.99] (the slider; kept across reloads in the page state). */
function smoothing(): number {
  const w = Number(el.smoothing.value);
  return Number.isFinite(w) ? Math.min(0.99, Math.max(0, w)) : 0;
}

function draw(): void {
  renderView(model, el, temperature() !== undefined);
  el.smoothingValue.textContent = smoothing().toFixed(2);
  if (!model.run) return;
  charts ??= new TrainingCharts(el.lossChart, el.gradChart, readTheme());
  charts.update(model, smoothing());
}

const scheduleDraw = coalesceToFrame(draw);
const scheduleSave = throttle(() => setState<SavedTrainingView & { smoothing?: number }>({ ...model.save(), smoothing: smoothing() }), 500);

function changed(): void {
  scheduleDraw();
  scheduleSave();
}

function useRunTemperature(): void {
  if (!temperatureEdited && model.run) el.temperature.value = String(model.run.config.temperature);
}

onMessage<HostToTrainingPanel>({
  showRun: (m) => {
    model.showRun(m.run, m.history, m.storedRunId, m.heldOut);
    useRunTemperature();
    changed();
  },
  showStoredRun: (m) => {
    model.showStored(m.run, m.metrics, m.resumable, m.heldOut);
    useRunTemperature();
    changed();
  },
  progress: (m) => {
    model.appendSteps(m);
    changed();
  },
  heldOut: ({ type: _type, ...point }) => {
    model.addHeldOut(point);
    changed();
  },
  sample: (m) => {
    model.showSample({ step: m.step, temperature: m.temperature, text: m.text, ...(m.greedy === true ? { greedy: true } : {}) });
    changed();
  },
  status: (m) => {
    model.updateRun(m.run);
    changed();
  },
  detached: (m) => {
    if (model.run && model.isActive) {
      model.updateRun({ ...model.run, status: 'stopped', message: m.message });
      changed();
    }
  },
});

el.stop.addEventListener('click', () => {
  if (model.run && model.isActive) send({ type: 'stop', runId: model.run.id });
});
el.pause.addEventListener('click', () => {
  if (model.run?.status === 'training') send({ type: 'pause', runId: model.run.id });
});
el.resume.addEventListener('click', () => {
  if (model.run?.status === 'paused' || (model.readOnly && model.resumable && model.run)) send({ type: 'resume', runId: model.run.id });
});
el.stepOnce.addEventListener('click', () => {
  if (model.run?.status === 'paused' && model.step < model.run.config.steps) send({ type: 'step', runId: model.run.id });
});

function resample(): void {
  if (!model.run || model.readOnly || !canResample(model.run)) return;
  if (el.greedy.checked) {
    send({ type: 'resample', runId: model.run.id, temperature: Math.min(10, Math.max(0.01, greedyTemperature())), greedy: true });
    return;
  }
  const t = temperature();
  if (t !== undefined) send({ type: 'resample', runId: model.run.id, temperature: t });
}

el.resample.addEventListener('click', resample);
el.temperature.addEventListener('keydown', (event) => {
  if ((event as KeyboardEvent).key === 'Enter') resample();
});
el.greedy.addEventListener('change', () => scheduleDraw());
el.temperature.addEventListener('input', () => {
  temperatureEdited = true;
  scheduleDraw();
});

el.smoothing.addEventListener('input', () => changed());

onThemeChange(() => charts?.setTheme(readTheme()));

const saved = getState<SavedTrainingView & { smoothing?: number }>();
if (typeof saved?.smoothing === 'number' && saved.smoothing >= 0 && saved.smoothing <= 0.99) el.smoothing.value = String(saved.smoothing);
if (model.restore(saved)) useRunTemperature();
draw();
send({ type: 'ready' });
