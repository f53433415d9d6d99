// The Unrolled Network panel's "recurrence with this step's numbers" in headless Chromium, under the real page and
// CSP, on REAL traces: the worker's kindActivationTrace (src/worker/kindTraces.ts) of the PyTorch state_dicts in
// ../engine/fixtures/trace_golden.json — a 2-layer bidirectional LSTM, a bidirectional GRU and a bidirectional ReLU RNN tagger. The
// test plays the host: it answers each `recurrence` message the page posts with a trace carrying that step's terms
// (as ActivationPanel does), then reads what the page printed against the worker's numbers — the picked unit's
// arithmetic, the whole vectors (H ≤ 16), the formula naming the run's nonlinearity — and that the picked layer,
// direction and unit survive a reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { CellKind } from '../../src/engine/cells/recurrentCell';
import { RecurrentStack } from '../../src/engine/recurrentStack';
import { gatesView } from '../../src/panels/gatesView';
import { parseGatesPanelMessage, type GatesView } from '../../src/shared/protocol/gatesPanel';
import type { RecurrenceAt } from '../../src/shared/protocol/traces';
import { kindActivationTrace, stepPlaces, taggedWindow, type KindWindow } from '../../src/worker/kindTraces';
import { REPO_ROOT, startPanelHarness, type PanelHarness } from './panelHarness';
import type { PagePredicate } from './pageStub';

interface GoldenCase {
  name: string; cell: CellKind; layers: number; bidirectional: boolean; V: number; H: number; out: number; T: number;
  ids: number[]; targets: number[]; weights: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync(new URL('../engine/fixtures/trace_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };
const WORDS = ['the', 'old', 'man', 'boats', 'now', 'sail'];

/** A tagged run of the case's weights: its stack and its one window, as the worker makes them. */
function run(name: string): { c: GoldenCase; stack: RecurrentStack; window: KindWindow } {
  const c = golden.cases.find((x) => x.name === name)!;
  const stack = new RecurrentStack({ cell: c.cell, inputSize: c.V, hiddenSize: c.H, layers: c.layers, bidirectional: c.bidirectional, outputSize: c.out, maxSteps: c.T });
  for (const t of stack.tensors) stack.param(t.name).set(c.weights[t.name]);
  const tags = Array.from({ length: c.out }, (_, k) => `T${k}`);
  const vocabulary = Array.from({ length: c.V }, (_, k) => WORDS[k] ?? `w${k}`);
  const text = `${c.ids.map((id, t) => `${vocabulary[id]}\t${tags[c.targets[t]]}`).join('\n')}\n`;
  const data = { kind: 'tagging' as const, vocabularySize: c.V, tagCount: c.out, sequences: [{ ids: Int32Array.from(c.ids), tags: Int32Array.from(c.targets) }] };
  return { c, stack, window: taggedWindow(stack, data, vocabulary, tags, stepPlaces(text, 'tagged'), undefined) };
}

const viewOf = (r: ReturnType<typeof run>, cursor: number, recurrence?: RecurrenceAt) =>
  gatesView(kindActivationTrace(r.stack, r.window, 42, recurrence), `${r.c.name} on tags.tsv`, r.window.tokenStarts[cursor]);

/** As the host posts it, typed arrays as plain arrays (the page takes either). */
const wire = (v: GatesView) => JSON.parse(JSON.stringify(v, (_, x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as Float64Array) : x))) as unknown;

async function until(page: Page, predicate: PagePredicate, ...args: string[]): Promise<void> {
  await page.waitForFunction(
    ([name, rest]) => (globalThis as unknown as { __test: Record<string, (...a: string[]) => boolean> }).__test[name](...rest),
    [predicate, args] as const,
  );
}

const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted);

/** Waits for the page to ask for a recurrence it has not been sent, checks the host would accept it, and returns it. */
async function nextAsk(page: Page, seen: number): Promise<{ chain: number; t: number; count: number }> {
  await page.waitForFunction((n) => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.filter((m) => m.type === 'recurrence').length > n, seen);
  const asks = (await posted(page)).filter((m) => m.type === 'recurrence');
  const last = asks[asks.length - 1];
  const parsed = parseGatesPanelMessage(last);
  assert.ok(parsed && parsed.type === 'recurrence', `the host accepts ${JSON.stringify(last)}`);
  return { chain: parsed.chain, t: parsed.t, count: asks.length };
}

const send = (page: Page, v: GatesView) => page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showActivations', view: wire(v) })})`);
const lines = (page: Page, id: string) => page.locator(`#${id} p`).allTextContents();
const f4 = (x: number) => x.toFixed(4).replace('-', '−');
const f3 = (x: number) => x.toFixed(3).replace('-', '−');

describe('Unrolled Network: the recurrence with its real numbers', { timeout: 120_000 }, () => {
  let harness: PanelHarness;
  before(async () => {
    harness = await startPanelHarness('unrolled');
  });
  after(async () => {
    await harness?.close();
  });

  it('a 2-layer bidirectional LSTM: every gate of the picked unit, c and h, the whole vectors; layer, direction and unit picked and kept over a reload', async () => {
    const r = run('bilstm_tagger_2x');
    const { H, T } = r.c;
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    const cursor = 2;
    await send(page, viewOf(r, cursor));
    // The page asks for layer 1's forward chain at the selected step.
    let ask = await nextAsk(page, 0);
    assert.deepEqual({ chain: ask.chain, t: ask.t }, { chain: 0, t: cursor });
    await send(page, viewOf(r, cursor, ask));
    await page.locator('#rec-heading').waitFor();

    const check = async (chain: number, t: number, unit: number | undefined) => {
      const trace = kindActivationTrace(r.stack, r.window, 42, { chain, t });
      const terms = trace.recurrence!;
      // The default unit: the largest |h_t| of this chain at this step.
      const j = unit ?? terms.h.reduce((best, x, u) => (Math.abs(x) > Math.abs(terms.h[best]) ? u : best), 0);
      const backward = chain % 2 === 1;
      const h = backward ? 'h←' : 'h→';
      const c = backward ? 'c←' : 'c→';
      const p = backward ? '{t+1}' : '{t−1}';
      const heading = (await page.locator('#rec-heading').textContent())!;
      assert.match(heading, new RegExp(`^Layer ${Math.floor(chain / 2) + 1} of 2, ${backward ? 'backward' : 'forward'} chain ${h}, step ${t + 1} \\(“${WORDS[r.c.ids[t]]}”\\), unit ${j + 1} of ${H}`));
      assert.equal(heading.includes('the most active unit'), unit === undefined);
      const formula = await lines(page, 'rec-formula');
      assert.ok(formula.includes(`f_t = σ(W_if x_t + b_if + W_hf ${h}_${p} + b_hf)`), formula.join('\n'));
      assert.ok(formula.includes(`g_t = tanh(W_ig x_t + b_ig + W_hg ${h}_${p} + b_hg)`));
      assert.ok(formula.includes(`${c}_t = f_t ⊙ ${c}_${p} + i_t ⊙ g_t`));
      assert.ok(formula.includes(`${h}_t = o_t ⊙ tanh(${c}_t)`));
      const unitLines = await lines(page, 'rec-unit-terms');
      const at = (g: number) => g * H + j;
      ['i', 'f', 'g', 'o'].forEach((g, gi) => {
        const line = unitLines.find((l) => l.startsWith(`${g}: a = `));
        assert.ok(line, `a line for gate ${g}`);
        // The four terms, their sum and the gate's value: the worker's numbers.
        for (const x of [terms.inputTerm[at(gi)], terms.biasIh[at(gi)], terms.hiddenTerm[at(gi)], terms.biasHh[at(gi)]]) assert.ok(line.includes(f4(x)), `${line} shows ${f4(x)}`);
        assert.ok(line.endsWith(`= ${f4(terms.preActivation[at(gi)])} → ${g} = ${gi === 2 ? 'tanh' : 'σ'}(a) = ${f4(terms.activation[at(gi)])}`), line);
      });
      assert.ok(unitLines.includes(`${c}_${p} = ${f4(terms.cPrev![j])}`));
      assert.ok(unitLines.some((l) => l.startsWith(`${c}_t = f·${c}_${p} + i·g = ${f4(terms.activation[at(1)])}·`) && l.endsWith(`= ${f4(terms.c![j])}`)));
      assert.ok(unitLines.includes(`tanh(${c}_t) = ${f4(terms.tanhC![j])}`));
      assert.ok(unitLines.some((l) => l.startsWith(`${h}_t = o·tanh(${c}_t) = ${f4(terms.activation[at(3)])}·`) && l.endsWith(`= ${f4(terms.h[j])}`)));
      // H = 3 ≤ 16: the whole vectors, every unit, the picked one marked.
      const rows = await page.locator('#rec-vectors tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (td) => td.textContent ?? '')));
      const row = (label: string) => rows.find((cells) => cells[0] === label)?.slice(1);
      assert.deepEqual(rows[0].slice(1), Array.from({ length: H }, (_, u) => String(u + 1)));
      assert.deepEqual(row(`${h}_${p}`), Array.from(terms.hPrev, f3));
      assert.deepEqual(row('W_if x_t'), Array.from(terms.inputTerm.subarray(H, 2 * H), f3));
      assert.deepEqual(row(`W_ho ${h}_${p}`), Array.from(terms.hiddenTerm.subarray(3 * H, 4 * H), f3));
      assert.deepEqual(row('b_hg'), Array.from(terms.biasHh.subarray(2 * H, 3 * H), f3));
      assert.deepEqual(row('a_o'), Array.from(terms.preActivation.subarray(3 * H, 4 * H), f3));
      assert.deepEqual(row(`${c}_t`), Array.from(terms.c!, f3));
      assert.deepEqual(row(`${h}_t`), Array.from(terms.h, f3));
      assert.equal(await page.locator('#rec-vectors td.picked').count(), rows.length - 1);
      assert.equal(await page.locator(`#rec-vectors tr:nth-child(2) td:nth-child(${j + 2})`).getAttribute('class'), 'picked');
      // The state the panel draws at this node is the same h_t (to float32).
      assert.equal(terms.h.length, H);
      assert.ok(terms.t < T);
    };
    await check(0, cursor, undefined);

    // Layer 2, backward chain h← (reads h←_{t+1} and layer 1's [h→_t ; h←_t]).
    await page.locator('#rec-layer').selectOption({ value: '1' });
    ask = await nextAsk(page, ask.count);
    assert.deepEqual({ chain: ask.chain, t: ask.t }, { chain: 2, t: cursor });
    await page.locator('#rec-direction').selectOption({ value: 'backward' });
    ask = await nextAsk(page, ask.count);
    assert.deepEqual({ chain: ask.chain, t: ask.t }, { chain: 3, t: cursor });
    await send(page, viewOf(r, cursor, ask));
    await page.locator('#rec-heading', { hasText: 'Layer 2 of 2, backward chain h←' }).waitFor();
    await check(3, cursor, undefined);
    assert.match((await lines(page, 'rec-unit-terms'))[0], /^x_t = \[h→_t ; h←_t\] of layer 1, ‖x_t‖ = \d\.\d{4}$/);

    // A unit picked by number; another step clicked in the graph.
    const h3 = kindActivationTrace(r.stack, r.window, 42, { chain: 3, t: cursor }).recurrence!.h;
    const other = (h3.reduce((best, x, u) => (Math.abs(x) > Math.abs(h3[best]) ? u : best), 0) + 1) % H;
    await page.locator('#rec-unit').fill(String(other + 1));
    await page.locator('#rec-unit').press('Enter');
    await page.locator('#rec-heading', { hasText: `unit ${other + 1} of 3 · training step` }).waitFor();
    await check(3, cursor, other);
    await page.locator('.node.input[data-step="4"]').click();
    ask = await nextAsk(page, ask.count);
    assert.deepEqual({ chain: ask.chain, t: ask.t }, { chain: 3, t: 4 });
    await send(page, { ...viewOf(r, 4, ask), cursor: 4 });
    await page.locator('#rec-heading', { hasText: 'step 5' }).waitFor();
    await check(3, 4, other);
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-unrolled-recurrence-lstm.png'), fullPage: true });

    // A reload: the saved page shows the same step, layer, direction and unit without asking the host again.
    const before = (await posted(page)).filter((m) => m.type === 'recurrence').length;
    await page.reload();
    await page.locator('#rec-heading', { hasText: 'Layer 2 of 2, backward chain h←, step 5' }).waitFor();
    assert.equal(await page.locator('#rec-layer').inputValue(), '1');
    assert.equal(await page.locator('#rec-direction').inputValue(), 'backward');
    assert.equal(await page.locator('#rec-unit').inputValue(), String(other + 1));
    await check(3, 4, other);
    assert.equal((await posted(page)).filter((m) => m.type === 'recurrence').length, 0, `none asked after the reload (${before} before)`);
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a bidirectional GRU: r and z through σ, n = tanh(W_in x_t + b_in + r ⊙ (W_hn h + b_hn)) with r inside, h_t = (1 − z)·n + z·h_{t−1}', async () => {
    const r = run('bigru_tagger');
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, viewOf(r, 3));
    const ask = await nextAsk(page, 0);
    await send(page, viewOf(r, 3, ask));
    await page.locator('#rec-heading').waitFor();
    const H = r.c.H;
    const terms = kindActivationTrace(r.stack, r.window, 42, ask).recurrence!;
    const j = terms.h.reduce((best, x, u) => (Math.abs(x) > Math.abs(terms.h[best]) ? u : best), 0);
    const formula = await lines(page, 'rec-formula');
    assert.ok(formula.includes('n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h→_{t−1} + b_hn))'), formula.join('\n'));
    assert.ok(formula.includes('h→_t = (1 − z_t) ⊙ n_t + z_t ⊙ h→_{t−1}'));
    const unitLines = await lines(page, 'rec-unit-terms');
    const [rr, z, n] = [terms.activation[j], terms.activation[H + j], terms.activation[2 * H + j]];
    const t4 = (x: number) => (x < 0 ? `(${f4(x)})` : f4(x));
    assert.ok(unitLines.includes(`n: a = W_in x_t + b_in + r·(W_hn h→_{t−1} + b_hn) = ${t4(terms.inputTerm[2 * H + j])} + ${t4(terms.biasIh[2 * H + j])} + ${f4(rr)}·(${t4(terms.hiddenTerm[2 * H + j])} + ${t4(terms.biasHh[2 * H + j])}) = ${f4(terms.preActivation[2 * H + j])} → n = tanh(a) = ${f4(n)}`), unitLines.join('\n'));
    assert.ok(unitLines.includes(`h→_t = (1 − z)·n + z·h→_{t−1} = (1 − ${f4(z)})·${t4(n)} + ${f4(z)}·${t4(terms.hPrev[j])} = ${f4(terms.h[j])}`));
    assert.ok(unitLines.some((l) => l.startsWith('z: a = W_iz x_t + b_iz + W_hz h→_{t−1} + b_hz = ') && l.endsWith(`→ z = σ(a) = ${f4(z)}`)));
    assert.deepEqual(harness.problems, []);
    await page.close();
  });

  it('a bidirectional ReLU RNN: the formula names relu, the unit\'s sum and h_t = relu(a) are the worker\'s numbers', async () => {
    const r = run('birnn_relu_tagger');
    const H = r.c.H;
    const page = await harness.open();
    await until(page, 'postedType', 'ready');
    await send(page, viewOf(r, 5));
    const ask = await nextAsk(page, 0);
    assert.deepEqual({ chain: ask.chain, t: ask.t }, { chain: 0, t: 5 });
    await send(page, viewOf(r, 5, ask));
    await page.locator('#rec-heading').waitFor();
    const terms = kindActivationTrace(r.stack, r.window, 42, ask).recurrence!;
    const j = terms.h.reduce((best, x, u) => (Math.abs(x) > Math.abs(terms.h[best]) ? u : best), 0);
    const formula = await lines(page, 'rec-formula');
    assert.deepEqual(formula, ['h→_t = relu(W_xh x_t + b_ih + W_hh h→_{t−1} + b_hh)']);
    assert.ok(!(await page.locator('#recurrence').textContent())!.includes('tanh'), 'no tanh anywhere for a ReLU run');
    const unitLines = await lines(page, 'rec-unit-terms');
    assert.equal(unitLines[0], `x_t = one-hot “${WORDS[r.c.ids[5]]}” (id ${r.c.ids[5]}): W_xh x_t is the column W_xh[:, ${r.c.ids[5]}] (weight_ih_l0; indices from 0 as in PyTorch)`);
    assert.ok(unitLines[1].endsWith(`W_hh h→_{t−1} for unit ${j + 1} is W_hh[${j}, :] · h→_{t−1} (weight_hh_l0)`), unitLines[1]);
    // The one-hot input's term is that column of the state_dict's weight_ih_l0 (V columns per row).
    assert.equal(terms.inputTerm[j], r.c.weights['rnn.weight_ih_l0'][j * r.c.V + r.c.ids[5]]);
    const sum = [terms.inputTerm[j], terms.biasIh[j], terms.hiddenTerm[j], terms.biasHh[j]].map((x) => (x < 0 ? `(${f4(x)})` : f4(x))).join(' + ');
    assert.ok(unitLines.includes(`a = W_xh x_t + b_ih + W_hh h→_{t−1} + b_hh = ${sum} = ${f4(terms.preActivation[j])}`), unitLines.join('\n'));
    assert.ok(unitLines.includes(`h→_t = relu(a) = relu(${f4(terms.preActivation[j])}) = ${f4(terms.h[j])}`));
    assert.equal(terms.h[j], Math.max(0, terms.preActivation[j]));
    const rows = await page.locator('#rec-vectors tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children, (td) => td.textContent ?? '')));
    assert.deepEqual(rows.find((cells) => cells[0] === 'h→_t = relu(a)')?.slice(1), Array.from(terms.h, f3));
    assert.equal(rows[0].length, H + 1);
    await page.screenshot({ path: path.join(REPO_ROOT, 'test-results', 'webview-unrolled-recurrence-relu.png'), fullPage: true });
    assert.deepEqual(harness.problems, []);
    await page.close();
  });
});
