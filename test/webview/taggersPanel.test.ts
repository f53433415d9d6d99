// The Tagger Comparison panel in headless Chromium, under the real page and CSP of src/base/panelHtml.ts. The test
// plays the host: it runs the worker's own comparison on examples/hmm/pos-train.tsv (pos-test.tsv held out) and sends
// what the host would send; what the page posts back must pass the host's validator.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_TAGGER_SETTINGS } from '../../src/shared/protocol/taggerComparison';
import { parseTaggersPanelMessage, type HostToTaggersPanel, type TaggersPanelSetup } from '../../src/shared/protocol/taggersPanel';
import type { TaggerComparison } from '../../src/shared/protocol/taggerComparison';
import type { TaggersWorkerToHost } from '../../src/shared/protocol/taggersWorker';
import { compareTaggers } from '../../src/worker/taggers';
import { comparisonSentence, hmmExplanation, rnnExplanation, unknownWordsNote } from '../../webview/taggers/reading';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS, type PagePredicate } from './pageStub';

const HOSTILE_LABEL = '<img src=x onerror="window.__pwned=1">pos-train.tsv';

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function pixels(page: Page, canvasId: string, hex: string): Promise<number> {
  return page.evaluate(`window.__test.pixelsOfColour(${JSON.stringify(canvasId)}, ${JSON.stringify(hex)})`);
}

async function posted(page: Page): Promise<{ type: string }[]> {
  return page.evaluate('window.__test.posted');
}

/** Like the host's webview.postMessage: the losses of a progress message arrive as a Float32Array. */
async function send(page: Page, message: HostToTaggersPanel | { type: 'progress'; firstStep: number; losses: number[] }): Promise<void> {
  await page.evaluate((m) => {
    const typed = m.type === 'progress' ? { ...m, losses: Float32Array.from(m.losses as number[]) } : m;
    (globalThis as unknown as { postMessage(message: unknown, origin: string): void }).postMessage(typed, '*');
  }, message as { type: string; losses?: number[] });
}

/** The toolkit reflects `disabled` to the attribute on its next DOM update: wait until the attribute is gone. */
async function untilEnabled(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { hasAttribute(n: string): boolean } | null } }).document;
    return doc.querySelector(sel)?.hasAttribute('disabled') === false;
  }, selector);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', name), fullPage: true });
}

describe('Tagger Comparison panel webview', { timeout: 180_000 }, () => {
  let harness: PanelHarness;
  let result: TaggerComparison;
  let losses: number[];
  const setup: TaggersPanelSetup = { fileLabel: HOSTILE_LABEL, siblingLabel: 'pos-test.tsv', settings: DEFAULT_TAGGER_SETTINGS };

  before(async () => {
    const train = await readFile(path.join(REPO_ROOT, 'examples', 'hmm', 'pos-train.tsv'), 'utf8');
    const test = await readFile(path.join(REPO_ROOT, 'examples', 'hmm', 'pos-test.tsv'), 'utf8');
    const messages: TaggersWorkerToHost[] = [];
    await compareTaggers(train, test, { ...DEFAULT_TAGGER_SETTINGS, heldOut: 'sibling', epochs: 2 }, (m) => messages.push(m), {
      requestId: 'r',
      stopRequested: false,
    });
    const last = messages.at(-1)!;
    assert.equal(last.type, 'taggersResult');
    result = (last as Extract<TaggersWorkerToHost, { type: 'taggersResult' }>).result;
    losses = messages.flatMap((m) => (m.type === 'taggersProgress' ? [...m.losses] : []));
    harness = await startPanelHarness('taggers');
  });

  after(async () => {
    await harness?.close();
  });

  async function openWithSetup(): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, { type: 'setup', setup });
    await page.locator('#settings').waitFor();
    return page;
  }

  async function showResults(page: Page): Promise<void> {
    await send(page, { type: 'results', fileLabel: HOSTILE_LABEL, heldOutLabel: 'pos-test.tsv', result });
    await until(page, 'textIs', '#verdict', comparisonSentence(result));
  }

  it('says what to do before a file is chosen', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    assert.match((await page.locator('#empty').textContent()) ?? '', /Compare HMM and RNN Taggers on Active File/);
    assert.equal(await page.locator('#settings').isVisible(), false);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('the controls post settings the host accepts; a bad field is named and nothing is posted', async () => {
    const page = await openWithSetup();
    assert.equal(await page.locator('#file-label').textContent(), HOSTILE_LABEL);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    // The toolkit shows the setup's values in its fields' inner inputs on its next frame.
    await until(page, 'inputValueIs', '#hiddenSize', '32');
    await until(page, 'inputValueIs', '#heldOutShare', '20');
    assert.equal(await page.locator('#hiddenSize input').inputValue(), '32');
    assert.equal(await page.locator('#heldOutShare input').inputValue(), '20');
    assert.equal(await page.locator('#cell-rnn').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#heldout-sibling').textContent(), 'pos-test.tsv');
    // A bad hidden size: the page says which field and its range, and posts nothing.
    await page.locator('#hiddenSize input').fill('0');
    await page.locator('vscode-button#train').click();
    await page.locator('#settings-error', { hasText: 'Hidden size must be a whole number from 1 to 256.' }).waitFor();
    assert.equal((await posted(page)).some((m) => m.type === 'train'), false);
    // Choose GRU, one direction, H = 48, 3 epochs, the sibling held-out file; Train.
    await page.locator('#hiddenSize input').fill('48');
    await page.locator('#epochs input').fill('3');
    await page.locator('vscode-button#cell-gru').click();
    await page.locator('vscode-button#bidirectional').click();
    assert.equal(await page.locator('#bidirectional').textContent(), 'Bidirectional: off');
    await page.locator('vscode-button#heldout-sibling').click();
    await page.locator('vscode-button#train').click();
    await until(page, 'postedType', 'train');
    const train = (await posted(page)).find((m) => m.type === 'train');
    const expected = { type: 'train', settings: { ...DEFAULT_TAGGER_SETTINGS, cell: 'gru', bidirectional: false, hiddenSize: 48, epochs: 3, heldOut: 'sibling' } };
    assert.deepEqual(train, expected);
    assert.deepEqual(parseTaggersPanelMessage(train), expected);
    assert.equal(await page.locator('#settings-error').isVisible(), false);
    // While it trains: Train is disabled, Stop posts a validated stop.
    await until(page, 'hasAttribute', '#train', 'disabled');
    await page.locator('vscode-button#stop').click();
    await until(page, 'postedType', 'stop');
    assert.deepEqual(parseTaggersPanelMessage((await posted(page)).find((m) => m.type === 'stop')), { type: 'stop' });
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('draws the loss while the RNN trains, then both confusion matrices in the colours of all three themes', async () => {
    const page = await openWithSetup();
    await page.locator('vscode-button#train').click();
    await send(page, { type: 'started', plannedSteps: losses.length });
    await send(page, { type: 'progress', firstStep: 1, losses: losses.slice(0, 40) });
    await send(page, { type: 'progress', firstStep: 41, losses: losses.slice(40) });
    await until(page, 'hasPixelsOfColour', 'loss-chart', THEME_COLORS.dark.orange);
    await until(page, 'textIs', '#status', `Training the bidirectional RNN: ${losses.length} of ${losses.length} updates`);
    await showResults(page);
    assert.equal(await page.locator('#status').textContent(), 'Done.');
    await untilEnabled(page, '#train');
    const N = result.tags.length;
    for (const model of ['hmm', 'rnn'] as const) {
      const scores = result[model];
      assert.equal(await page.locator(`#${model}-accuracy`).textContent(), `${(100 * scores.accuracy).toFixed(1)}%`);
      assert.equal(await page.locator(`#${model}-table tbody tr`).count(), N);
      const firstRow = await page.locator(`#${model}-table tbody tr`).first().locator('th, td').allTextContents();
      assert.deepEqual(firstRow, [result.tags[0], scores.precision[0]!.toFixed(2), scores.recall[0]!.toFixed(2), scores.f1[0]!.toFixed(2), String(scores.support[0])]);
      assert.match((await page.locator(`#${model}-matrix`).getAttribute('aria-label')) ?? '', /^Confusion matrix of the (HMM|bidirectional RNN): rows are true tags/);
    }
    assert.equal(await page.locator('#unknown-words').textContent(), unknownWordsNote(result));
    assert.match(unknownWordsNote({ ...result, rareTypes: 4, heldOutUnknown: 2 }), /^Unknown words: the 4 word types seen only once in training and the 2 held-out tokens never seen in training are all read as <unk>/);
    assert.equal(await page.locator('#hmm-explain').textContent(), hmmExplanation());
    assert.match(hmmExplanation(), /p\(x, y\) = Π_t p\(y_t \| y_\{t−1\}\) p\(x_t \| y_t\).*Viterbi/);
    assert.equal(await page.locator('#rnn-explain').textContent(), rnnExplanation(result.settings));
    assert.match(rnnExplanation(result.settings), /p\(y_t \| x_1\.\.x_T\), reading the sentence from both directions/);
    // The verdict names the winner computed from the numbers.
    const verdict = comparisonSentence(result);
    const winner = result.rnn.correct > result.hmm.correct ? 'bidirectional RNN' : result.rnn.correct < result.hmm.correct ? 'HMM' : null;
    assert.ok(winner === null ? /a tie/.test(verdict) : verdict.startsWith(`The ${winner} wins on this file`), verdict);
    // The diagonal cells are filled with the theme's blue, in every theme; the old theme's blue is gone.
    let previous: string | undefined;
    for (const kind of ['dark', 'light', 'high-contrast'] as const) {
      if (kind !== 'dark') await page.evaluate(`window.__test.setTheme(${JSON.stringify(kind)})`);
      const blue = THEME_COLORS[kind].blue;
      await until(page, 'hasPixelsOfColour', 'hmm-matrix', blue);
      await until(page, 'hasPixelsOfColour', 'rnn-matrix', blue);
      if (previous) assert.ok((await pixels(page, 'hmm-matrix', previous)) < 50, `${kind}: no pixels of the previous theme's blue`);
      previous = blue;
      await screenshot(page, `webview-taggers-${kind}.png`);
    }
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('shows why training failed, and Train works again', async () => {
    const page = await openWithSetup();
    await page.locator('vscode-button#train').click();
    await until(page, 'hasAttribute', '#train', 'disabled');
    await send(page, { type: 'failed', message: 'Line 3: "cat NOUN" has no tag; each line should be token<TAB>tag.' });
    await page.locator('#message', { hasText: 'Line 3: "cat NOUN" has no tag' }).waitFor();
    await untilEnabled(page, '#train');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('after a reload, redraws the saved results before the host answers, and keeps the detached message', async () => {
    const page = await openWithSetup();
    await showResults(page);
    await page.reload();
    await until(page, 'textIs', '#verdict', comparisonSentence(result));
    await until(page, 'hasPixelsOfColour', 'rnn-matrix', THEME_COLORS.dark.blue);
    await until(page, 'inputValueIs', '#hiddenSize', '32');
    assert.equal(await page.locator('#hiddenSize input').inputValue(), '32');
    await send(page, { type: 'detached', message: 'Linked no more after the reload.' });
    await page.locator('#message', { hasText: 'Linked no more' }).waitFor();
    await page.reload();
    await page.locator('#message', { hasText: 'Linked no more' }).waitFor();
    await until(page, 'textIs', '#verdict', comparisonSentence(result));
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
