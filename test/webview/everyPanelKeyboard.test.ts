// Issue 4, "Keyboard: every control reachable and labelled", for every panel bundle (each folder of webview/ but
// common/, like everyPanelCsp.test.ts, so a new panel is included the day it lands). Each panel is opened under its
// real page and CSP, sent a first message as the host would (a small real char LSTM's traces through
// bench/panels/messages.ts, a run, a comparison, the taggers' setup, the model view's defaults, Markov orders of
// verse.txt, a decoded and a fitted casino HMM; the lab panel shows its empty state), and then:
//   - every visible interactive element (button, input, select, textarea, summary, a[href], the toolkit's vscode-*
//     controls, [tabindex], a canvas with a role) has an accessible name: aria-label, aria-labelledby, a <label>,
//     title or its own text;
//   - Tab from the start of the page reaches every enabled one that is a tab stop, in document order (the toolkit's
//     controls count as reached when focus is inside their shadow root).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildPanelMessages, type PanelMessages } from '../../bench/panels/messages';
import { discreteHmmToJson } from '../../src/engine/hmm';
import { casinoExample, casinoModel } from '../../src/engine/examples/hmm';
import { fitModelView } from '../../src/hmm/fitView';
import { windowStart } from '../../src/hmm/steps';
import { sliceTrellisWindow } from '../../src/hmm/trellisWindow';
import { markovOrdersView } from '../../src/markov/ordersView';
import { modelSettingsFromConfig } from '../../src/shared/modelSettings';
import { DEFAULT_CONFIG } from '../../src/shared/trainingConfig';
import { DEFAULT_TAGGER_SETTINGS } from '../../src/shared/protocol/taggerComparison';
import { hmmDecode, markovOrders } from '../../src/worker/analysis';
import { hmmFit } from '../../src/worker/analysisFit';
import { REPO_ROOT, launchPanelBrowser, startPanelHarness, type PanelHarness } from './panelHarness';

const panels = readdirSync(path.join(REPO_ROOT, 'webview')).filter(
  (name) => name !== 'common' && statSync(path.join(REPO_ROOT, 'webview', name)).isDirectory() && existsSync(path.join(REPO_ROOT, 'webview', name, 'main.ts')),
);

/** The first messages of the panels that show their controls only with data (the rest rely on their empty state). */
async function firstMessages(m: PanelMessages): Promise<Record<string, object[]>> {
  const verse = readFileSync(path.join(REPO_ROOT, 'examples', 'verse.txt'), 'utf8');
  const casino = casinoExample(60, 11).symbols;
  const decoded = await hmmDecode(casino, { kind: 'modelJson', modelText: JSON.stringify(discreteHmmToJson(casinoModel())), modelLabel: 'casino.json' });
  const fitted = await hmmFit('r1', casino, { kind: 'symbols', split: 'chars' }, { states: 2, restarts: 2, seed: 2, maxIterations: 10, tolerance: 1e-8 }, () => undefined);
  assert.ok(fitted);
  return {
    markovOrders: [{ type: 'showOrders', view: markovOrdersView(await markovOrders(verse, 'char', 1, 120), 'verse.txt') }],
    trellis: [{ type: 'showWindow', view: sliceTrellisWindow(decoded, windowStart(0, undefined, decoded.path.length), 0, 'casino-rolls.txt') }],
    hmmFit: [
      { type: 'fitStarted', view: { fileLabel: 'casino-rolls.txt', kind: fitted.kind, inputLabel: 'characters', restarts: 2, logLikelihoods: [] } },
      { type: 'fitFinished', model: fitModelView(fitted) },
    ],
    gates: [m.gates],
    unrolled: [m.gates],
    gradientFlow: [m.gradients],
    training: [m.trainingSetup],
    compare: [m.compare],
    taggers: [{ type: 'setup', setup: { fileLabel: 'pos-train.tsv', siblingLabel: 'pos-test.tsv', settings: DEFAULT_TAGGER_SETTINGS } }],
    modelView: [
      { type: 'defaults', settings: modelSettingsFromConfig(DEFAULT_CONFIG) },
      { type: 'target', target: { fileLabel: 'verse.txt', suggestedKind: 'characters', reason: null, duplicating: null } },
    ],
  };
}

interface Control {
  index: number;
  /** e.g. `vscode-button#stop` or `input[type=range]#threshold`. */
  what: string;
  name: string;
  tabStop: boolean;
}

/** What the page functions touch of the DOM (the host-side tsconfig has no DOM types). */
interface PageElement {
  tagName: string;
  id: string;
  className: unknown;
  textContent: string | null;
  getClientRects(): { length: number };
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  closest(selector: string): PageElement | null;
  blur(): void;
}
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): ArrayLike<PageElement>;
    querySelector(selector: string): PageElement | null;
    getElementById(id: string): PageElement | null;
    activeElement: PageElement | null;
    body: PageElement;
  };
  getComputedStyle(element: PageElement): { visibility: string };
  CSS: { escape(text: string): string };
}

const INTERACTIVE = [
  'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary', 'a[href]', 'vscode-button', 'vscode-text-field',
  'vscode-dropdown', 'vscode-checkbox', '[tabindex]', 'canvas[role]',
].join(', ');

/**
 * Runs in the page: numbers every visible interactive element (data-kbd-index) and returns its accessible name and
 * whether Tab should stop on it. No named inner functions: tsx's naming helper does not exist in the page.
 */
function collectControls(selector: string): Control[] {
  const page = globalThis as unknown as PageGlobals;
  const doc = page.document;
  const controls: Control[] = [];
  for (const element of Array.from(doc.querySelectorAll(selector))) {
    if (element.getClientRects().length === 0 || page.getComputedStyle(element).visibility === 'hidden') continue;
    // A dropdown's options are reached through the dropdown (arrow keys), not by Tab.
    const dropdown = element.closest('vscode-dropdown');
    if (dropdown !== null && dropdown !== element) continue;
    const index = controls.length;
    element.setAttribute('data-kbd-index', String(index));
    const labelledBy = (element.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean)
      .map((id) => doc.getElementById(id)?.textContent?.trim() ?? '').join(' ').trim();
    const label = (element.id ? doc.querySelector(`label[for="${page.CSS.escape(element.id)}"]`)?.textContent?.trim() : '') ||
      element.closest('label')?.textContent?.trim() || '';
    const own = element.tagName === 'INPUT' || element.tagName === 'SELECT' || element.tagName === 'TEXTAREA' || element.tagName === 'CANVAS'
      ? '' : (element.textContent ?? '').trim();
    const name = (element.getAttribute('aria-label') ?? '').trim() || labelledBy || label || (element.getAttribute('title') ?? '').trim() || own;
    const disabled = element.hasAttribute('disabled') || element.getAttribute('aria-disabled') === 'true';
    const tabindex = element.getAttribute('tabindex');
    const tabStop = !disabled && (tabindex === null ? element.tagName !== 'CANVAS' : Number(tabindex) >= 0);
    const type = element.tagName === 'INPUT' ? `[type=${element.getAttribute('type') ?? 'text'}]` : '';
    controls.push({ index, what: `${element.tagName.toLowerCase()}${type}${element.id ? `#${element.id}` : ''}`, name, tabStop });
  }
  return controls;
}

/** Runs in the page: the numbered control holding the focus (the toolkit's host when focus is in its shadow root). */
function focusedControl(): number | 'body' | string {
  const doc = (globalThis as unknown as PageGlobals).document;
  const active = doc.activeElement;
  if (!active || active === doc.body) return 'body';
  const numbered = active.closest('[data-kbd-index]');
  if (numbered) return Number(numbered.getAttribute('data-kbd-index'));
  return `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''}${active.className ? `.${String(active.className).split(' ')[0]}` : ''}`;
}

/** Runs in the page: nothing focused, so Tab starts from the top. */
function blurAll(): void {
  (globalThis as unknown as PageGlobals).document.activeElement?.blur();
}

describe('every panel: every control labelled and reachable by Tab', { timeout: 600_000 }, () => {
  let messages: Record<string, object[]>;
  const harnesses: PanelHarness[] = [];
  // One Chromium for the file; each panel in a context of its own.
  let browser: Browser;

  before(async () => {
    browser = await launchPanelBrowser();
    messages = await firstMessages(await buildPanelMessages({ steps: 16, hidden: 8, trainSteps: 3 }));
  });

  after(async () => {
    for (const h of harnesses) await h.close();
    await browser?.close();
  });

  it('finds the panels', () => {
    assert.ok(panels.length >= 8, `panels: ${panels.join(', ')}`);
  });

  async function openWithFirstMessage(panel: string): Promise<Page> {
    const harness = await startPanelHarness(panel, { browser });
    harnesses.push(harness);
    const page = await harness.open();
    await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'ready'));
    // Posts the first messages and resolves once the panel has handled the last of them (a listener added after the
    // panel's own runs after it; messages arrive in order), then after two frames: drawn, and the toolkit's controls
    // rendered (the toolkit updates the DOM in the frame after the one that drew them).
    await page.evaluate((all) => new Promise((resolve) => {
      const w = globalThis as unknown as {
        postMessage(m: unknown, o: string): void;
        addEventListener(type: 'message', listener: () => void): void;
        requestAnimationFrame(f: () => void): void;
      };
      let handled = 0;
      w.addEventListener('message', () => {
        handled += 1;
        if (handled === all.length) w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve(undefined)));
      });
      for (const m of all) w.postMessage(m, '*');
      if (all.length === 0) w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve(undefined)));
    }), messages[panel] ?? []);
    assert.deepEqual(harness.problems, [], `${panel}: ${harness.problems.join('\n')}`);
    return page;
  }

  for (const panel of panels) {
    it(`${panel}: every control has an accessible name and Tab reaches every enabled one in order`, async () => {
      const page = await openWithFirstMessage(panel);
      const controls = await page.evaluate(collectControls, INTERACTIVE);
      assert.ok(controls.length > 0, `${panel} shows no control at all`);
      const unnamed = controls.filter((c) => c.name === '').map((c) => c.what);
      assert.deepEqual(unnamed, [], `${panel}: controls without an accessible name`);

      const stops = controls.filter((c) => c.tabStop).map((c) => c.index);
      await page.evaluate(blurAll);
      const reached: number[] = [];
      const strays: string[] = [];
      for (let press = 0; press < stops.length + 10; press++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(focusedControl);
        if (focused === 'body' || (typeof focused === 'number' && reached.includes(focused))) break;
        if (typeof focused === 'number') reached.push(focused);
        else strays.push(focused);
      }
      const what = (indices: number[]) => indices.map((i) => controls[i].what);
      assert.deepEqual(what(reached.filter((i) => controls[i].tabStop)), what(stops), `${panel}: Tab order (strays: ${strays.join(', ')})`);
    });
  }
});
