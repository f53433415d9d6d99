// Puts the model on the page: texts, badge, buttons and the failure message. Charts are drawn by trainingCharts.ts.
import type { OneThreadReason, RunInfo } from '../../src/shared/run';
import { formatCompact, formatInteger, formatLoss, formatPerplexity } from './format';
import type { TrainingElements } from './layout';
import type { TrainingModel } from './trainingModel';
import { applyLossUnit, dataNouns, kindTexts } from '../common/lossUnit';

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function setDisabled(element: HTMLElement, disabled: boolean): void {
  element.toggleAttribute('disabled', disabled);
  element.setAttribute('aria-disabled', String(disabled));
}

/** What the panel says of a run that could train data-parallel but trains on one thread: in full, and in a card. */
const ONE_THREAD_TEXTS: Record<OneThreadReason, { full: string; short: string }> = {
  'no-shared-memory': { full: '1 thread: this page has no SharedArrayBuffer (it is not cross-origin isolated)', short: '1 thread: page not cross-origin isolated' },
  'threads-did-not-start': { full: '1 thread: this browser did not start the training threads', short: '1 thread: threads did not start' },
};

/** "2 threads" for a data-parallel run, why one for a run that could be, or '' (one stream, one core, a stored run). */
function threadsText(run: RunInfo, length: 'full' | 'short' = 'full'): string {
  if (run.threads !== undefined && run.threads > 1) return `${run.threads} threads`;
  return run.oneThreadReason ? ONE_THREAD_TEXTS[run.oneThreadReason][length] : '';
}

/**
 * "char RNN · tanh · H=64 · 65 symbols · 1.10M chars · 12.5k parameters", and " · 2 threads" when it uses more than
 * one, or why it uses one when it could use more (the web, outside a cross-origin isolated page).
 */
function describeModel(run: RunInfo): string {
  const parts = [run.modelLabel];
  const nouns = dataNouns(run.config);
  if (run.vocabSize) parts.push(`${formatInteger(run.vocabSize)} ${nouns.symbols}`);
  if (run.dataLength) parts.push(`${formatCompact(run.dataLength)} ${nouns.data}`);
  if (run.parameterCount) parts.push(`${formatCompact(run.parameterCount)} parameters`);
  const threads = threadsText(run);
  if (threads) parts.push(threads);
  return parts.join(' · ');
}

/** Whether Sample can be asked for: the worker has a model (it is past 'starting') that did not fail. */
export function canResample(run: RunInfo | undefined): boolean {
  return run !== undefined && run.status !== 'starting' && run.status !== 'failed';
}

export function renderView(model: TrainingModel, el: TrainingElements, temperatureValid: boolean): void {
  const run = model.run;
  el.empty.hidden = run !== undefined;
  el.runView.hidden = run === undefined;
  el.status.hidden = run === undefined;
  setText(el.fileLabel, run ? run.fileLabel : 'Training');
  setText(el.modelLabel, run ? describeModel(run) : '');
  // A narrow panel cuts the model line short: the whole of it on hover, and the threads again under the throughput.
  el.modelLabel.title = run ? describeModel(run) : '';
  document.title = run ? `Training: ${run.fileLabel}` : 'Training';
  if (!run) {
    el.message.hidden = true;
    return;
  }

  applyLossUnit(run.config);
  setText(el.status, run.status);
  el.status.dataset.status = run.status;
  const failed = run.status === 'failed';
  el.message.hidden = !failed && !run.message;
  el.message.classList.toggle('error', failed);
  setText(el.message, failed ? `Training failed: ${run.message ?? 'no reason given.'}` : (run.message ?? ''));

  setDisabled(el.stop, !model.isActive);
  setDisabled(el.pause, run.status !== 'training');
  // A stored run shown read-only resumes from its checkpoint (the host runs the Resume command).
  setDisabled(el.resume, model.readOnly ? !model.resumable : run.status !== 'paused');
  setDisabled(el.stepOnce, run.status !== 'paused' || model.step >= run.config.steps);
  const greedy = el.greedy.checked;
  setDisabled(el.resample, model.readOnly || !canResample(run) || (!greedy && !temperatureValid));
  el.greedy.disabled = model.readOnly;
  // Greedy decoding ignores the temperature (argmax is the same at every τ > 0).
  setDisabled(el.temperature, greedy || model.readOnly);
  el.temperature.toggleAttribute('aria-invalid', !greedy && !temperatureValid);

  const loss = model.smoothedLoss;
  setText(el.step, formatInteger(model.step));
  setText(el.loss, formatLoss(loss));
  setText(el.lossRaw, model.lastLoss === undefined ? '' : `last step ${formatLoss(model.lastLoss)}`);
  setText(el.firstLoss, formatLoss(model.firstLoss));
  // A resumed run starts after its checkpoint; a stored run's first point is a mean over its first stride of steps.
  setText(el.firstLossLabel, `Loss at step ${formatInteger(model.firstStep ?? 1)}`);
  setText(el.bpc, formatLoss(loss === undefined ? undefined : loss / Math.LN2));
  setText(el.perplexity, formatPerplexity(loss === undefined ? undefined : Math.exp(loss)));
  setText(el.charsPerSecond, formatCompact(model.charsPerSecond));
  const threads = threadsText(run, 'short');
  setText(el.threads, threads && `on ${threads}`);
  el.threads.title = threadsText(run);

  // The run kind's own words: what a step reads, what the loss is per, whether sampling means anything.
  const texts = kindTexts(run.config);
  setText(el.throughputLabel, texts.throughput);
  setText(el.lossTitle, texts.lossTitle);
  for (const control of el.samplingControls) control.hidden = !texts.samples;
  setText(el.sampleHeading, texts.sampleHeading);
  const info = run.heldOut;
  el.heldOutNote.hidden = info === undefined;
  if (info) {
    setText(el.heldOutNote, info.heldOutCount > 0
      ? `Held out of training: ${info.description} (${formatInteger(info.heldOutCount)} of ${formatInteger(info.heldOutCount + info.trainCount)}); the model never trains on them, and their loss is drawn beside the training loss.`
      : `No held-out loss: ${info.description}.`);
  }
  const held = model.lastHeldOut;
  el.heldOutStat.hidden = held === undefined;
  setText(el.heldOutLabel, `Held-out loss (${texts.heldOutUnit})`);
  setText(el.heldOutLoss, formatLoss(held?.loss));
  setText(el.heldOutStep, held ? `at step ${formatInteger(held.step)}` : '');
  el.heldOutAccuracyStat.hidden = !(texts.heldOutAccuracy && held !== undefined && Number.isFinite(held.accuracy));
  setText(el.heldOutAccuracy, held && Number.isFinite(held.accuracy) ? `${(100 * held.accuracy).toFixed(1)}%` : '–');
  const epochs = model.epochs;
  setText(el.read, epochs === undefined ? '–' : `${epochs < 10 ? epochs.toFixed(2) : epochs.toFixed(1)} epoch${epochs === 1 ? '' : 's'}`);
  setText(el.readShare, epochs === undefined ? '' : epochs < 1 ? `${(100 * epochs).toFixed(epochs < 0.1 ? 1 : 0)}% of the training part` : 'every training token read at least once');

  const sample = model.sample;
  setText(el.sample, sample ? sample.text : 'No sample yet.');
  el.sample.classList.toggle('muted', !sample);
  setText(el.sampleMeta, sample ? `at step ${formatInteger(sample.step)}, ${sample.greedy ? 'greedy (argmax)' : `temperature ${sample.temperature}`}` : '');
}
