// The Model view (sidebar form) in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test
// plays the host: it sends the defaults a user's settings give and the file "Train" will use; what the page posts
// back must pass the host's own validator (parseModelViewMessage).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { modelSettingsFromConfig, type ModelSettings } from '../../src/shared/modelSettings';
import { CONFIG_LIMITS, DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { parseModelViewMessage, type HostToModelView, type ModelViewTarget, type ModelViewToHost } from '../../src/shared/protocol/modelView';
import { startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

const HOSTILE_LABEL = '<img src=x onerror="window.__pwned=1">verse.txt';
const DEFAULTS: ModelSettings = modelSettingsFromConfig({ ...DEFAULT_CONFIG, hiddenSize: 72, learningRate: 0.01 });
const TARGET: ModelViewTarget = { fileLabel: HOSTILE_LABEL, suggestedKind: 'characters', reason: null, duplicating: null };

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function send(page: Page, message: HostToModelView): Promise<void> {
  await page.evaluate((m) => (globalThis as unknown as { postMessage(message: unknown, origin: string): void }).postMessage(m, '*'), message);
}

async function posted(page: Page): Promise<{ type: string }[]> {
  return page.evaluate('window.__test.posted');
}

async function postedOf(page: Page, type: string): Promise<{ type: string }[]> {
  return (await posted(page)).filter((m) => m.type === type);
}

/** The toolkit reflects `disabled` on its next DOM update: wait until the attribute is as wanted. */
async function untilDisabled(page: Page, selector: string, disabled: boolean): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { hasAttribute(n: string): boolean } | null } }).document;
      return doc.querySelector(sel)?.hasAttribute('disabled') === want;
    },
    [selector, disabled] as const,
  );
}

async function choose(page: Page, dropdown: string, optionText: string): Promise<void> {
  await page.locator(`vscode-dropdown#${dropdown}`).click();
  await page.locator(`vscode-dropdown#${dropdown} vscode-option`, { hasText: optionText }).click();
}

describe('Model view webview', { timeout: 180_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('modelView');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWithDefaults(): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'defaults', settings: DEFAULTS });
    await send(page, { type: 'target', target: TARGET });
    await until(page, 'textIs', '#target', `Train on: ${HOSTILE_LABEL}`);
    return page;
  }

  it('shows the defaults from the settings and the file Train will use (as text, never markup)', async () => {
    const page = await openWithDefaults();
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    // The toolkit shows a field's new value in its inner input on its next frame.
    await until(page, 'inputValueIs', '#hiddenSize', '72');
    assert.equal(await page.locator('#hiddenSize input').inputValue(), '72');
    assert.equal(await page.locator('#learningRate input').inputValue(), '0.01');
    assert.equal(await page.locator('#seqLength input').inputValue(), String(DEFAULT_CONFIG.seqLength));
    assert.equal(await page.locator('#steps input').inputValue(), String(DEFAULT_CONFIG.steps));
    assert.equal(await page.locator('vscode-dropdown#cell').evaluate((e) => (e as unknown as { value: string }).value), DEFAULT_CONFIG.cell);
    // A text trains in float32 unless the user picks float64.
    assert.equal(await page.locator('vscode-dropdown#dtype').evaluate((e) => (e as unknown as { value: string }).value), 'float32');
    assert.match((await page.locator('#dtype-hint').textContent()) ?? '', /the weights and the optimizer stay float64/);
    // Characters: bidirectional is off limits, and the page says why.
    await untilDisabled(page, 'vscode-checkbox#bidirectional', true);
    assert.equal(await page.locator('#bidirectional-hint').isVisible(), true);
    assert.match((await page.locator('#bidirectional-hint').textContent()) ?? '', /Only for tagged data/);
    await untilDisabled(page, 'vscode-button#train', false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('an out-of-range value is named under its field, and Train is disabled with the reason until it is fixed', async () => {
    const page = await openWithDefaults();
    const { max } = CONFIG_LIMITS.hiddenSize;
    await page.locator('#hiddenSize input').fill(String(max + 1));
    await page.locator('#hiddenSize-error', { hasText: `Hidden size must be a whole number from 1 to ${max}` }).waitFor();
    assert.equal(await page.locator('vscode-text-field#hiddenSize').getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('vscode-text-field#hiddenSize').getAttribute('aria-describedby')) ?? '', /\bhiddenSize-error\b/);
    await untilDisabled(page, 'vscode-button#train', true);
    assert.equal(await page.locator('#train-reason').textContent(), 'Fix Hidden size first.');
    await page.locator('vscode-button#train').click({ force: true });
    assert.deepEqual(await postedOf(page, 'train'), []);
    // Not a number at all: the same message, with what was typed.
    await page.locator('#hiddenSize input').fill('many');
    await page.locator('#hiddenSize-error', { hasText: '(got "many")' }).waitFor();
    // Fixed: the message goes, Train comes back.
    await page.locator('#hiddenSize input').press('Enter');
    assert.deepEqual(await postedOf(page, 'train'), [], 'Enter does not train while a field is invalid');
    await page.locator('#hiddenSize input').fill('48');
    await page.locator('#hiddenSize-error').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('vscode-text-field#hiddenSize').getAttribute('aria-invalid'), null);
    await untilDisabled(page, 'vscode-button#train', false);
    // Enter in a field trains, like a form.
    await page.locator('#hiddenSize input').press('Enter');
    await until(page, 'postedType', 'train');
    assert.equal((parseModelViewMessage((await postedOf(page, 'train'))[0]) as Extract<ModelViewToHost, { type: 'train' }>).settings.model.hiddenSize, 48);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('Train posts the settings as typed, and the host accepts them', async () => {
    const page = await openWithDefaults();
    await page.locator('#hiddenSize input').fill('48');
    await choose(page, 'cell', 'GRU');
    // The nonlinearity is an RNN's: hidden for a GRU; momentum only for SGD.
    await page.locator('#nonlinearity-field').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#momentum-field').isVisible(), false);
    await choose(page, 'optimizer', 'SGD');
    await page.locator('#momentum input').fill('0.9');
    await choose(page, 'init', 'Orthogonal W_hh');
    await page.locator('#spectralRadius input').fill('1.1');
    await page.locator('#truncate input').fill('16');
    await choose(page, 'dtype', 'float64 (reference)');
    await untilDisabled(page, 'vscode-button#train', false);
    await page.locator('vscode-button#train').click();
    await until(page, 'postedType', 'train');
    const [message] = await postedOf(page, 'train');
    const parsed = parseModelViewMessage(message);
    assert.ok(parsed, `the host rejected ${JSON.stringify(message)}`);
    assert.deepEqual(parsed, message, 'the host keeps every field the page sent');
    const settings = (parsed as Extract<ModelViewToHost, { type: 'train' }>).settings;
    assert.equal(settings.kind, 'characters');
    assert.deepEqual(settings.model, { cell: 'gru', layers: DEFAULTS.model.layers, hiddenSize: 48, bidirectional: false, init: 'orthogonal', spectralRadius: 1.1 });
    assert.equal(settings.training.optimizer, 'sgd');
    assert.equal(settings.training.momentum, 0.9);
    assert.equal(settings.training.truncate, 16);
    assert.equal(settings.training.dtype, 'float64');
    assert.equal(settings.training.learningRate, 0.01);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('follows the file: a tagged file suggests tagged data and allows bidirectional; no file disables Train with the reason', async () => {
    const page = await openWithDefaults();
    await send(page, { type: 'target', target: { fileLabel: 'pos-train.tsv', suggestedKind: 'tagged', reason: null, duplicating: null } });
    await until(page, 'textIs', '#target', 'Train on: pos-train.tsv');
    await untilDisabled(page, 'vscode-checkbox#bidirectional', false);
    assert.equal(await page.locator('vscode-dropdown#kind').evaluate((e) => (e as unknown as { value: string }).value), 'tagged');
    assert.equal(await page.locator('#bidirectional-hint').isVisible(), false);
    await page.locator('vscode-checkbox#bidirectional').click();
    await page.locator('vscode-button#train').click();
    await until(page, 'postedType', 'train');
    const parsed = parseModelViewMessage((await postedOf(page, 'train'))[0]) as Extract<ModelViewToHost, { type: 'train' }>;
    assert.equal(parsed.settings.kind, 'tagged');
    assert.equal(parsed.settings.model.bidirectional, true);
    // Tagged data trains in float64 only: no dtype to choose, none sent.
    assert.equal(await page.locator('#dtype-field').isVisible(), false);
    assert.equal(parsed.settings.training.dtype, undefined);
    // Characters rule bidirectional out (shown off and disabled); back to tagged data, the choice returns.
    await choose(page, 'kind', 'Characters');
    await untilDisabled(page, 'vscode-checkbox#bidirectional', true);
    assert.equal(await page.locator('vscode-checkbox#bidirectional').getAttribute('aria-checked'), 'false');
    await choose(page, 'kind', 'Tagged');
    await untilDisabled(page, 'vscode-checkbox#bidirectional', false);
    assert.equal(await page.locator('vscode-checkbox#bidirectional').getAttribute('aria-checked'), 'true');

    const reason = 'Open a file in the editor to train on it.';
    await send(page, { type: 'target', target: { fileLabel: null, suggestedKind: null, reason, duplicating: null } });
    await untilDisabled(page, 'vscode-button#train', true);
    await until(page, 'textIs', '#train-reason', reason);
    await untilDisabled(page, 'vscode-button#save', true);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('keeps what the user typed across a reload; new defaults change only untouched fields', async () => {
    const page = await openWithDefaults();
    await page.locator('#hiddenSize input').fill('96');
    await page.reload();
    await until(page, 'postedType', 'ready');
    await until(page, 'inputValueIs', '#hiddenSize', '96');
    assert.equal(await page.locator('#hiddenSize input').inputValue(), '96');
    assert.equal(await page.locator('#target').textContent(), `Train on: ${HOSTILE_LABEL}`);
    await send(page, { type: 'defaults', settings: { ...DEFAULTS, model: { ...DEFAULTS.model, hiddenSize: 16, layers: 3 } } });
    await page.waitForFunction(() => {
      const input = (globalThis as unknown as { document: { querySelector(s: string): { shadowRoot: { querySelector(s: string): { value: string } } } } }).document
        .querySelector('#layers').shadowRoot.querySelector('input');
      return input.value === '3';
    });
    assert.equal(await page.locator('#hiddenSize input').inputValue(), '96');
    await page.close();
  });

  it('Duplicate with Changes… fills the form with the run and says so; Save posts the settings too', async () => {
    const page = await openWithDefaults();
    const run: ModelSettings = modelSettingsFromConfig({ ...DEFAULT_CONFIG, cell: 'lstm', layers: 2, hiddenSize: 128, seed: 7 });
    await send(page, { type: 'prefill', settings: run });
    await send(page, { type: 'target', target: { fileLabel: 'verse.txt', suggestedKind: null, reason: null, duplicating: 'char LSTM · 2 layers · H=128 on verse.txt' } });
    await until(page, 'textIs', '#duplicate-note', 'Duplicating char LSTM · 2 layers · H=128 on verse.txt — change settings and Train');
    await until(page, 'inputValueIs', '#seed', '7');
    assert.equal(await page.locator('#hiddenSize input').inputValue(), '128');
    assert.equal(await page.locator('#seed input').inputValue(), '7');
    await page.locator('vscode-button#save').click();
    await until(page, 'postedType', 'saveExperiment');
    const parsed = parseModelViewMessage((await postedOf(page, 'saveExperiment'))[0]) as Extract<ModelViewToHost, { type: 'saveExperiment' }>;
    assert.equal(parsed.settings.model.cell, 'lstm');
    assert.equal(parsed.settings.model.layers, 2);
    await page.locator('vscode-button#use-active').click();
    await until(page, 'postedType', 'useActiveFile');
    await page.close();
  });

  it('every control has an accessible name and is reachable with Tab, in dark, light and high-contrast themes', async () => {
    const page = await openWithDefaults();
    await send(page, { type: 'target', target: { fileLabel: 'pos-train.tsv', suggestedKind: 'tagged', reason: null, duplicating: null } });
    await untilDisabled(page, 'vscode-checkbox#bidirectional', false);
    const named: [string, string][] = [
      ['combobox', 'Data'], ['combobox', 'Cell'], ['combobox', 'Nonlinearity'], ['checkbox', 'Bidirectional'],
      ['textbox', 'Layers'], ['textbox', 'Hidden size'], ['textbox', 'Embedding'], ['combobox', 'Initialisation'],
      ['textbox', 'W_hh spectral radius'], ['textbox', 'Sequence length'], ['textbox', 'Truncation'], ['textbox', 'Batch'],
      ['combobox', 'Optimizer'], ['textbox', 'Learning rate'], ['textbox', 'Clipping'], ['textbox', 'Steps'], ['textbox', 'Seed'],
      ['button', 'Train'], ['button', 'Save as Experiment File…'], ['button', 'Reset to Defaults'],
    ];
    for (const [role, name] of named) {
      assert.equal(await page.getByRole(role as 'button', { name, exact: true }).count(), 1, `${role} "${name}"`);
    }
    // Tab from the top reaches the Train button.
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'train');
    }
    assert.ok(reached, 'Tab never reached Train');
    // The inline message takes the theme's error colour.
    await page.locator('#seed input').fill('-1');
    await page.locator('#seed-error').waitFor();
    const colours: Record<string, string> = {};
    for (const kind of ['dark', 'light', 'high-contrast']) {
      await page.evaluate((k) => (globalThis as unknown as { __test: { setTheme(k: string): void } }).__test.setTheme(k), kind);
      colours[kind] = await page.locator('#seed-error').evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(e).color);
    }
    assert.equal(colours.dark, 'rgb(248, 81, 73)');
    assert.equal(colours['high-contrast'], 'rgb(244, 135, 113)');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
