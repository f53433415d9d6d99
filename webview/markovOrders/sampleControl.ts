// The Markov Orders panel's "Sample" card: order k, smoothing, seed and length; posts a validated `sample`
// request and shows the generated text (as text, never HTML). Its last result is saved with the panel's state.
import type { MarkovPanelToHost, MarkovSmoothing } from '../../src/shared/webviewProtocol';
import { MAX_MARKOV_PANEL_ORDER, MAX_MARKOV_PANEL_SAMPLE, MAX_PANEL_SEED } from '../../src/shared/webviewProtocol';
import { el } from '../common/dom';

export interface SavedSample {
  order: number;
  smoothing: MarkovSmoothing;
  seed: number;
  text: string;
}

export interface SampleControl {
  card: HTMLElement;
  /** Sets the order picked by default (the best held-out k) unless the user chose one. */
  suggestOrder(k: number, unit: 'char' | 'word'): void;
  showResult(sample: SavedSample): void;
  showError(message: string): void;
  saved(): SavedSample | undefined;
}

function field(label: string, input: HTMLElement): HTMLLabelElement {
  const l = el('label', { class: 'field' }, label);
  l.append(input);
  return l;
}

export function createSampleControl(post: (m: MarkovPanelToHost) => void, onChange: () => void): SampleControl {
  const card = el('section', { class: 'card', id: 'sample-card' });
  card.append(el('h2', {}, 'Sample from one order'));
  const order = el('select', { id: 'sample-order', 'aria-label': 'Order k' });
  for (let k = 0; k <= MAX_MARKOV_PANEL_ORDER; k++) order.append(el('option', { value: String(k) }, `k = ${k}`));
  const smoothing = el('select', { id: 'sample-smoothing', 'aria-label': 'Smoothing' });
  smoothing.append(el('option', { value: 'kneser-ney' }, 'Kneser-Ney'), el('option', { value: 'add-alpha' }, 'add-one (Laplace)'));
  const seed = el('input', { id: 'sample-seed', type: 'number', min: '0', max: String(MAX_PANEL_SEED), step: '1', value: '1' });
  const length = el('input', { id: 'sample-length', type: 'number', min: '1', max: String(MAX_MARKOV_PANEL_SAMPLE), step: '1', value: '200' });
  const button = el('button', { id: 'sample-button', class: 'order' }, 'Sample');
  const status = el('p', { id: 'sample-status', class: 'reading', role: 'status' });
  const output = el('pre', { id: 'sample-output', class: 'sample-text' });
  output.hidden = true;
  const controls = el('div', { class: 'sample-controls' });
  controls.append(field('order ', order), field('smoothing ', smoothing), field('seed ', seed), field('length ', length), button);
  card.append(controls, status, output);
  let userChoseOrder = false;
  let last: SavedSample | undefined;
  order.addEventListener('change', () => (userChoseOrder = true));

  button.addEventListener('click', () => {
    const k = Number(order.value);
    const s = Number(seed.value);
    const n = Number(length.value);
    if (!(Number.isInteger(s) && s >= 0 && s <= MAX_PANEL_SEED)) {
      status.textContent = `The seed must be a whole number from 0 to ${MAX_PANEL_SEED}.`;
      return;
    }
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_MARKOV_PANEL_SAMPLE)) {
      status.textContent = `The length must be a whole number from 1 to ${MAX_MARKOV_PANEL_SAMPLE}.`;
      return;
    }
    status.textContent = `Sampling ${n} tokens from order ${k}…`;
    button.disabled = true;
    post({ type: 'sample', order: k, smoothing: smoothing.value as MarkovSmoothing, seed: s, length: n });
  });

  return {
    card,
    suggestOrder(k, unit) {
      if (!userChoseOrder) order.value = String(k);
      length.max = String(MAX_MARKOV_PANEL_SAMPLE);
      if (!last) length.value = unit === 'char' ? '200' : '40';
    },
    showResult(sample) {
      last = sample;
      button.disabled = false;
      order.value = String(sample.order);
      smoothing.value = sample.smoothing;
      seed.value = String(sample.seed);
      status.textContent = `Order k = ${sample.order}, ${sample.smoothing === 'kneser-ney' ? 'Kneser-Ney' : 'add-one'} smoothing, seed ${sample.seed} (the same settings give the same text):`;
      output.textContent = sample.text;
      output.hidden = false;
      onChange();
    },
    showError(message) {
      button.disabled = false;
      status.textContent = message;
    },
    saved: () => last,
  };
}
