// Unrolled Network, Gates and Gradient Flow on REAL traces of the run kinds that do not predict the next token, in
// headless Chromium under the real pages and CSP. The traces are the worker's (src/worker/kindTraces.ts) of the
// PyTorch-checked weights of ../engine/fixtures/trace_golden.json: a bidirectional GRU tagger, a series LSTM and a
// sequence-to-one GRU. The test plays the host (gatesView / gradientFlowView, as the extension sends them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { gatesView } from '../../src/panels/gatesView';
import { gradientFlowView } from '../../src/panels/gradientFlowView';
import type { GatesView } from '../../src/shared/protocol/gatesPanel';
import { finalTargetWindow, kindActivationTrace, kindGradientTrace, seriesWindow, stepPlaces, taggedWindow } from '../../src/worker/kindTraces';
import { REPO_ROOT, launchPanelBrowser, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

interface GoldenCase {
  name: string; cell: CellKind; layers: number; bidirectional: boolean; V: number; H: number; input: string; out: number; T: number;
  ids?: number[]; x?: number[]; targets: number[]; weights: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync(new URL('../engine/fixtures/trace_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const caseOf = (name: string) => golden.cases.find((c) => c.name === name)!;

function build(c: GoldenCase): RecurrentStack {
  const stack = new RecurrentStack({
    cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: c.bidirectional, outputSize: c.out,
    embedding: c.input === 'embed' ? 3 : undefined, maxSteps: c.T,
  });
  for (const t of stack.tensors) stack.param(t.name).set(c.weights[t.name]);
  return stack;
}

const WORDS = ['the', 'old', 'man', 'the', 'boats', 'now'];
const TAGS = ['DET', 'NOUN', 'VERB'];

/** The BiGRU tagger's window as the worker traces it: the sequence of a small tagged file. */
function taggerTrace() {
  const c = caseOf('bigru_tagger');
  const vocabulary = Array.from({ length: c.V }, (_, k) => WORDS[k] ?? `w${k}`);
  const text = `${c.ids!.map((id, t) => `${vocabulary[id]}\t${TAGS[c.targets[t]]}`).join('\n')}\n`;
  const stack = build(c);
  const window = taggedWindow(stack, { kind: 'tagging', vocabularySize: c.V, tagCount: c.out, sequences: [{ ids: Int32Array.from(c.ids!), tags: Int32Array.from(c.targets) }] }, vocabulary, TAGS, stepPlaces(text, 'tagged'), undefined);
  return { c, trace: kindActivationTrace(stack, window, 120), gradients: kindGradientTrace(stack, window, 120, 'tagged') };
}

const wire = (v: GatesView) => ({
  ...v, values: Array.from(v.values), topProbabilities: Array.from(v.topProbabilities), gradNormH: v.gradNormH && Array.from(v.gradNormH),
  ...(v.outputs?.kind === 'series' ? { outputs: { ...v.outputs, predicted: Array.from(v.outputs.predicted), actual: Array.from(v.outputs.actual) } } : {}),
});

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', name), fullPage: true });
}

// One Chromium for the file; each panel in a browser context of its own.
let browser: Browser;
before(async () => {
  browser = await launchPanelBrowser();
});
after(async () => {
  await browser?.close();
});

describe('Unrolled Network on real traces of every run kind', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('unrolled', { browser });
  });
  after(async () => {
    await harness?.close();
  });

  async function openWith(v: GatesView): Promise<Page> {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(v) })})`);
    await page.locator('#steps-label', { hasText: 'steps' }).waitFor();
    return page;
  }

  it('a BiGRU tagger: the forward chain h→ left to right, the backward chain h← right to left, both feeding each predicted tag', async () => {
    const { c, trace } = taggerTrace();
    const view = gatesView(trace, 'BiGRU tagger on tags.tsv', undefined);
    const page = await openWith(view);
    const T = c.T;
    assert.equal(await page.locator('.node.hidden.forward').count(), T, 'one h→ node per token');
    assert.equal(await page.locator('.node.hidden.backward').count(), T, 'one h← node per token');
    assert.deepEqual(await page.locator('.node.hidden.forward text').allTextContents(), Array.from({ length: T }, (_, t) => `h→${String(t + 1).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)])}`));
    assert.deepEqual(await page.locator('text.row-label').allTextContents(), ['output', 'h→', 'h←', 'input x']);
    assert.deepEqual(await page.locator('.node.input text').allTextContents(), trace.tokens, 'the real tokens as inputs');
    // W_hh arrows: forward ones point right (x2 > x1), backward ones left.
    const direction = (weight: string) => page.locator(`line.edge[data-weight="${weight}"]`).evaluateAll((lines) =>
      lines.map((l) => Math.sign(Number(l.getAttribute('x2')) - Number(l.getAttribute('x1')))));
    assert.deepEqual(await direction('hh0'), new Array(T - 1).fill(1));
    assert.deepEqual(await direction('hh0r'), new Array(T - 1).fill(-1));
    // Both chains feed every output: two W_hy arrows per step.
    assert.equal(await page.locator('.edge[data-weight="hy"]').count(), 2 * T);
    // Each output: the predicted tag, its probability, ✓ or ✗ against the file's tag.
    const outputs = await page.locator('.node.output text').allTextContents();
    for (let t = 0; t < T; t++) {
      const tag = trace.topChars[t * 5];
      const right = trace.outputs?.kind === 'tag' && trace.outputs.gold[t] === tag;
      assert.equal(outputs[t], `${tag} ${trace.topProbabilities[t * 5].toFixed(2)} ${right ? '✓' : '✗'}`);
      assert.equal(await page.locator(`.node.output[data-step="${t}"]`).evaluate((e) => e.classList.contains('wrong')), !right);
    }
    assert.match(await page.locator('#labels').textContent() ?? '', /a tagged sequence of 7 tokens/);
    // Hovering the backward W_hh lights all its copies and says it runs right to left.
    await page.locator('text.weight-label[data-weight="hh0r"]').hover();
    await page.locator('#caption', { hasText: 'W_hh of the backward chain h←: the same matrix at all 6 places' }).waitFor();
    assert.match(await page.locator('#caption').textContent() ?? '', /backward, right to left/);
    // A backward node's recurrence reads h←_{t+1}.
    await page.locator('.node.hidden.backward[data-step="2"]').focus();
    await page.locator('#details h2', { hasText: 'Backward state h←' }).waitFor();
    assert.match((await page.locator('#details p').allTextContents()).join('\n'), /h_t = \(1 − z_t\) ⊙ n_t \+ z_t ⊙ h_\{t\+1\}/);
    // Gradients: each arrow into a chain's node carries that chain's ‖∂L/∂h_t‖.
    await page.locator('#show-gradients').click();
    const graded = await page.locator('line.edge[data-weight="hh0r"]').evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('data-grad'))));
    assert.deepEqual(graded, Array.from({ length: T - 1 }, (_, i) => trace.gradNormH![T + i]), 'h← arrows point into h←_t, t = 0 … T − 2');
    assert.match(await page.locator('#gradient-note').textContent() ?? '', /the backward chain h←'s toward step 7/);
    await shot(page, 'webview-unrolled-bigru-tagger.png');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a series run shows predicted against true; a sequence-to-one run one output, at the end', async () => {
    const s = caseOf('lstm_series');
    const F = s.V;
    const rows = Float64Array.from([...s.x!, ...s.targets.slice((s.T - 1) * F)]);
    const text = `a,b\n${Array.from({ length: s.T + 1 }, (_, r) => `${rows[r * F]},${rows[r * F + 1]}`).join('\n')}\n`;
    const seriesTrace = kindActivationTrace(build(s), seriesWindow(build(s), { kind: 'series', rows, length: s.T + 1, features: F }, ['a', 'b'], stepPlaces(text, 'rows', s.T + 1), 64, 0, 0), 9);
    const page = await openWith(gatesView(seriesTrace, 'LSTM on series.csv', undefined));
    const o = seriesTrace.outputs!;
    assert.equal(o.kind, 'series');
    const texts = await page.locator('.node.output text').allTextContents();
    assert.equal(texts.length, s.T);
    if (o.kind === 'series') assert.equal(texts[0], `${o.predicted[0].toFixed(2)} | ${o.actual[0].toFixed(2)}`);
    assert.match(await page.locator('.node.output[data-step="0"] title').textContent() ?? '', /^Predicted next row against the true next row: a .* \(true .*\), b /);
    await shot(page, 'webview-unrolled-series.png');
    await page.close();

    const f = caseOf('gru_final');
    const ftext = `x0,x1,y\n${Array.from({ length: f.T }, (_, r) => `${f.x![r * 2]},${f.x![r * 2 + 1]},${r === f.T - 1 ? f.targets[0] : 0}`).join('\n')}\n`;
    const data = { kind: 'final-target' as const, inputs: Float64Array.from(f.x!), targets: Float64Array.from(f.targets), count: 1, length: f.T, features: 2 };
    const finalTrace = kindActivationTrace(build(f), finalTargetWindow(build(f), data, ['x0', 'x1', 'y'], stepPlaces(ftext, 'rows', f.T), undefined), 9);
    const page2 = await openWith(gatesView(finalTrace, 'GRU on adding.csv', undefined));
    assert.equal(await page2.locator('.node.output').count(), 1, 'one output');
    assert.equal(await page2.locator('.node.output').getAttribute('data-step'), String(f.T - 1), 'at the block\'s last step');
    assert.equal(await page2.locator('.edge[data-weight="hy"]').count(), 1);
    assert.deepEqual(harness.problems, []);
    await page2.close();
  });

  it('a refusal hides "Waiting for a trace"', async () => {
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'detached', message: 'No trace: the run failed.' })})`);
    await page.locator('#message', { hasText: 'No trace: the run failed.' }).waitFor();
    assert.ok(await page.locator('#empty').isHidden());
    await page.close();
  });
});

describe('Gates on a real BiGRU tagger trace', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('gates', { browser });
  });
  after(async () => {
    await harness?.close();
  });

  it('lists each direction; the backward chain\'s heatmap and the step\'s predicted tag', async () => {
    const { trace } = taggerTrace();
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(gatesView(trace, 'BiGRU tagger on tags.tsv', undefined)) })})`);
    await page.locator('#map-title', { hasText: 'update gate z' }).waitFor();
    const options = await page.locator('#series vscode-option').allTextContents();
    assert.deepEqual(options, [
      'h→ forward · reset gate r', 'h→ forward · update gate z', 'h→ forward · candidate n', 'h→ forward · hidden state h',
      'h← backward · reset gate r', 'h← backward · update gate z', 'h← backward · candidate n', 'h← backward · hidden state h',
    ]);
    assert.match(await page.locator('#map-title').textContent() ?? '', /^h→ forward: update gate z/);
    await page.locator('#series').click();
    await page.locator('#series vscode-option', { hasText: 'h← backward · hidden state h' }).click();
    await page.locator('#map-title', { hasText: 'h← backward: hidden state h — 7 steps × 4 units' }).waitFor();
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'select', t: 3 })})`);
    const tag = trace.topChars[15];
    const gold = trace.outputs?.kind === 'tag' ? trace.outputs.gold[3] : '';
    await page.locator('#step-info', { hasText: `→ tag ${tag} ${trace.topProbabilities[15].toFixed(2)}` }).waitFor();
    assert.match(await page.locator('#step-info').textContent() ?? '', new RegExp(`the file's tag is ${gold} \\((right|wrong)\\)`));
    assert.match(await page.locator('#reading').textContent() ?? '', /in h← backward/);
    await shot(page, 'webview-gates-bigru-backward.png');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});

describe('Gradient Flow on a real BiGRU tagger trace', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('gradientFlow', { browser });
  });
  after(async () => {
    await harness?.close();
  });

  it('draws ‖∂L/∂h_t‖ per direction and says where each chain\'s gradient flows', async () => {
    const { gradients } = taggerTrace();
    const view = gradientFlowView(gradients, 'BiGRU tagger on tags.tsv');
    assert.equal(view.gradNormH.length, 2);
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showTrace', view })})`);
    await page.locator('#reading', { hasText: 'Bidirectional' }).waitFor();
    const reading = await page.locator('#reading').textContent() ?? '';
    const T = view.tokens.length;
    const ratio = (x: number) => (x >= 0.01 && x < 1000 ? x.toPrecision(2) : x.toExponential(0).replace('e+', 'e'));
    assert.match(reading, new RegExp(`forward chain h→ carries the gradient back toward step 1 \\(there ${ratio(view.gradNormH[0][0] / view.gradNormH[0][T - 1]).replace('.', '\\.')} ×`));
    assert.match(reading, new RegExp(`backward chain h← toward step ${T} \\(there ${ratio(view.gradNormH[1][T - 1] / view.gradNormH[1][0]).replace('.', '\\.')} ×`));
    assert.match(await page.locator('#labels').textContent() ?? '', /a tagged sequence of 7 tokens/);
    await shot(page, 'webview-gradients-bigru.png');
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
