// What the host accepts from the Gradient Lab page (every field checked, ranges, the slider's grid, type tags) and
// how it turns the worker's answer and the active document into what the page shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERATED_LABEL, gradientLabView, labData, LAB_TEXT_UNITS } from '../../src/panels/gradientLabView';
import { GRADIENT_LAB_LIMITS, parseGradientLabPanelMessage } from '../../src/shared/webviewProtocol';
import type { GradientLabAnswer } from '../../src/shared/workerProtocol';

const good = { type: 'compute', requestId: 3, spectralRadius: 0.85, steps: 100, hiddenSize: 32, seed: 7, forgetBias: 1 };

test('a well-formed compute request and ready pass unchanged', () => {
  assert.deepEqual(parseGradientLabPanelMessage(good), good);
  assert.deepEqual(parseGradientLabPanelMessage({ type: 'ready' }), { type: 'ready' });
  for (const rho of [GRADIENT_LAB_LIMITS.spectralRadius.min, 1, 1.05, GRADIENT_LAB_LIMITS.spectralRadius.max]) {
    assert.ok(parseGradientLabPanelMessage({ ...good, spectralRadius: rho }), `ρ=${rho}`);
  }
});

test('malformed compute requests are rejected', () => {
  const bad: Record<string, unknown>[] = [
    { ...good, spectralRadius: 0.45 },
    { ...good, spectralRadius: 1.55 },
    { ...good, spectralRadius: 0.87 }, // off the slider's 0.05 grid
    { ...good, spectralRadius: '0.9' },
    { ...good, spectralRadius: Number.NaN },
    { ...good, steps: 9 },
    { ...good, steps: 201 },
    { ...good, steps: 50.5 },
    { ...good, hiddenSize: 1 },
    { ...good, hiddenSize: 129 },
    { ...good, seed: -1 },
    { ...good, seed: 2 ** 31 },
    { ...good, forgetBias: 4 },
    { ...good, forgetBias: 0.5 },
    { ...good, requestId: -1 },
    { ...good, requestId: 'r1' },
    { ...good, text: '/etc/passwd' }, // a page never sends data, let alone a path
    { ...good, type: 'Compute' },
    { type: 'ready', extra: 1 },
    Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'seed')),
  ];
  for (const m of bad) assert.equal(parseGradientLabPanelMessage(m), undefined, JSON.stringify(m));
  for (const m of [null, undefined, 42, 'compute', [], { steps: 10 }]) assert.equal(parseGradientLabPanelMessage(m), undefined);
});

test('the view carries the curves as plain arrays, non-finite numbers as null', () => {
  const answer: GradientLabAnswer = {
    steps: 3, spectralRadius: 1.5, hiddenSize: 8, seed: 1, forgetBias: 0, generated: false, vocabularySize: 5,
    rnnHidden: Float64Array.from([Infinity, 2, 1]), lstmHidden: Float64Array.from([0.1, 0.5, 1]), lstmCell: Float64Array.from([0.2, 0.4, 1]),
    meanForgetGate: 0.5, rnnDecay: Number.NaN, lstmHiddenDecay: 0.3, lstmCellDecay: 0.45, rnnLoss: 2, lstmLoss: 2,
  };
  const view = gradientLabView(answer, 'the first characters of a.txt');
  assert.deepEqual(view.rnnHidden, [null, 2, 1]);
  assert.deepEqual(view.lstmCell, [0.2, 0.4, 1]);
  assert.equal(view.rnnDecay, null);
  assert.equal(view.dataLabel, 'the first characters of a.txt');
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(view))), JSON.stringify(view));
  assert.equal(gradientLabView({ ...answer, generated: true }, 'x').dataLabel, GENERATED_LABEL);
});

test('data: the start of a text file; no editor, an empty or a binary file fall back to generated letters with a reason', () => {
  const long = 'abc '.repeat(1000);
  const d = labData(long, 'notes.txt');
  assert.equal(d.text.length, LAB_TEXT_UNITS);
  assert.match(d.label, /notes\.txt/);
  assert.equal(d.note, undefined);
  assert.deepEqual(labData(undefined, undefined), { text: '', label: GENERATED_LABEL });
  const empty = labData('   \n', 'empty.txt');
  assert.equal(empty.text, '');
  assert.match(empty.note ?? '', /empty\.txt is empty apart from whitespace.*generated letters/);
  assert.match(labData('ab\u0000cd', 'x.bin').note ?? '', /binary/);
});
