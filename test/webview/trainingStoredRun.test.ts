// The Training panel in headless Chromium for what issue #6 added: the Greedy toggle (argmax decoding, temperature
// not used) and a stored run shown read-only after a window reload (curves from metrics.jsonl, Resume when it has
// a checkpoint, nothing else to press).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunInfo } from '../../src/shared/run';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

const LIVE: RunInfo = { id: 'run-live', fileLabel: 'verse.txt', modelLabel: 'char LSTM · H=64', config: DEFAULT_CONFIG, status: 'training', vocabSize: 37 };
const STORED: RunInfo = {
  id: 'run-stored',
  fileLabel: 'verse.txt',
  modelLabel: 'char GRU · H=64',
  config: DEFAULT_CONFIG,
  status: 'interrupted',
  vocabSize: 37,
  message: 'The window closed while it was training (step 640). Shown from the stored run (read-only); Resume continues it from the checkpoint of step 600.',
};

function batch(firstStep: number, n: number) {
  const losses: number[] = [];
  for (let s = firstStep; s < firstStep + n; s++) losses.push(1.5 + 2 * Math.exp(-s / 50));
  return { firstStep, losses, gradNorms: losses.map(() => 2), clipped: losses.map(() => 0), charsPerSecond: 20_000 };
}

/** metrics.jsonl as the store keeps it after compaction: one mean per 8 steps. */
function storedMetrics(last: number, stride: number) {
  const steps: number[] = [];
  const losses: number[] = [];
  for (let s = stride; s <= last; s += stride) {
    steps.push(s);
    losses.push(1.4 + 2.3 * Math.exp(-s / 150));
  }
  return { steps, losses, gradNorms: steps.map(() => 1.5) };
}

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function send(page: Page, message: object): Promise<void> {
  await page.evaluate(`window.__test.sendFromHost(${JSON.stringify(message)})`);
}

async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate('window.__test.posted');
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent())?.trim() ?? '';
}

async function isDisabled(page: Page, selector: string): Promise<boolean> {
  return (await page.locator(selector).getAttribute('disabled')) !== null;
}

describe('Training panel: greedy decoding and stored runs', { timeout: 120_000 }, () => {
  let harness: PanelHarness;

  before(async () => {
    harness = await startPanelHarness('training');
  });

  after(async () => {
    await harness?.close();
  });

  it('Greedy asks for argmax sampling, greys out the temperature, and labels the sample greedy', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'showRun', run: LIVE, history: batch(1, 200), storedRunId: 'run-stored-folder' });
    await until(page, 'textIs', '#step', '200');
    const greedy = page.locator('#greedy');
    assert.equal(await greedy.isChecked(), false);
    assert.equal(await isDisabled(page, 'vscode-text-field#temperature'), false);

    await greedy.check();
    await until(page, 'hasAttribute', 'vscode-text-field#temperature', 'disabled');
    // An out-of-range temperature does not matter for argmax: Sample stays enabled.
    await page.locator('#temperature input').fill('99', { force: true });
    await page.locator('vscode-button#resample').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'resample', runId: 'run-live', temperature: DEFAULT_CONFIG.temperature, greedy: true });
    await send(page, { type: 'sample', step: 200, temperature: 0.8, text: 'the the the', greedy: true });
    await until(page, 'textIs', '#sample', 'the the the');
    assert.equal(await text(page, '#sample-meta'), 'at step 200, greedy (argmax)');

    await greedy.uncheck();
    await page.locator('#temperature input').fill('1.1');
    await page.locator('vscode-button#resample').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'resample', runId: 'run-live', temperature: 1.1 });
    await page.close();
  });

  it('a stored run shows its curve and metrics read-only; Resume asks the host to resume it', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const metrics = storedMetrics(640, 8);
    await send(page, { type: 'showStoredRun', run: STORED, metrics, resumable: true });
    await until(page, 'textIs', '#step', '640');
    assert.equal(await text(page, '#status'), 'interrupted');
    assert.match(await text(page, '#message'), /read-only\); Resume continues it from the checkpoint of step 600\./);
    assert.equal(await text(page, '#first-loss'), metrics.losses[0].toFixed(3));
    assert.equal(await text(page, '#first-loss-label'), 'Loss at step 8', 'the first stored point is the mean of steps 1–8');
    assert.equal(await text(page, '#loss-raw'), `last step ${metrics.losses.at(-1)!.toFixed(3)}`);
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.blue);
    const disabled = {
      stop: await isDisabled(page, '#stop'), pause: await isDisabled(page, '#pause'), stepOnce: await isDisabled(page, '#step-once'),
      resample: await isDisabled(page, '#resample'), resume: await isDisabled(page, '#resume'),
    };
    assert.deepEqual(disabled, { stop: true, pause: true, stepOnce: true, resample: true, resume: false });
    await page.locator('vscode-button#resume').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'resume', runId: 'run-stored' });
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-training-stored.png'), fullPage: true });

    // A stored run without a checkpoint cannot resume.
    await send(page, { type: 'showStoredRun', run: { ...STORED, id: 'run-old', status: 'stopped' }, metrics, resumable: false });
    await until(page, 'textIs', '#status', 'stopped');
    assert.equal(await isDisabled(page, '#resume'), true);
    await page.locator('vscode-button#resume').click({ force: true });
    assert.equal((await posted(page)).filter((m) => m.type === 'resume').length, 1, 'a disabled Resume posts nothing');
    await page.close();
  });

  it('after a reload the read-only view is restored from the saved state, and a live run replaces it', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'showStoredRun', run: STORED, metrics: storedMetrics(640, 8), resumable: true });
    await until(page, 'textIs', '#step', '640');
    await page.waitForFunction(() => (globalThis as unknown as { __test: { savedState(): { readOnly?: boolean } | null } }).__test.savedState()?.readOnly === true);
    const saved = await page.evaluate('window.__test.savedState()') as { storedRunId?: string; readOnly?: boolean; resumable?: boolean };
    assert.equal(saved.storedRunId, 'run-stored');
    assert.equal(saved.resumable, true);
    await page.reload();
    await until(page, 'postedType', 'ready');
    await until(page, 'textIs', '#step', '640');
    assert.equal(await text(page, '#status'), 'interrupted');
    assert.equal(await isDisabled(page, '#resume'), false);
    assert.equal(await isDisabled(page, '#stop'), true);
    // Resumed: the host shows the new live run, with its controls.
    await send(page, { type: 'showRun', run: { ...LIVE, id: 'run-resumed' }, history: batch(601, 10), storedRunId: 'run-stored' });
    await until(page, 'textIs', '#status', 'training');
    assert.equal(await isDisabled(page, '#stop'), false);
    assert.equal(await isDisabled(page, '#pause'), false);
    assert.equal(await isDisabled(page, '#resample'), false);
    assert.equal(await page.locator('#message').isVisible(), false);
    await page.close();
  });

  it('raised no CSP violation and no page error in any of the above', () => {
    assert.deepEqual(harness.problems, []);
  });
});
