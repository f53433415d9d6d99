// The host validates every message a webview sends, and the one dispatcher routes every channel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDispatcher } from '../../src/shared/messages';
import { MAX_GATES_WINDOW, MAX_RECURRENCE_CHAINS, parseGatesPanelMessage, recurrenceFits } from '../../src/shared/protocol/gatesPanel';
import { parseTrainingPanelMessage } from '../../src/shared/protocol/trainingPanel';
import type { HostToWorker } from '../../src/shared/protocol/trainingWorker';

test('well-formed panel messages pass validation unchanged', () => {
  assert.deepEqual(parseTrainingPanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseTrainingPanelMessage({ type: 'stop', runId: 'run-abc-1' }), { type: 'stop', runId: 'run-abc-1' });
  assert.deepEqual(parseTrainingPanelMessage({ type: 'resample', runId: 'r1', temperature: 0.5, extra: 'x' }), {
    type: 'resample',
    runId: 'r1',
    temperature: 0.5,
  });
});

test('malformed or hostile panel messages are rejected', () => {
  const bad: unknown[] = [
    null,
    'stop',
    42,
    {},
    { type: 7 },
    { type: 'openFile', path: '/etc/passwd' },
    { type: 'stop' },
    { type: 'stop', runId: '../../etc' },
    { type: 'stop', runId: 'x'.repeat(65) },
    { type: 'resample', runId: 'r1' },
    { type: 'resample', runId: 'r1', temperature: NaN },
    { type: 'resample', runId: 'r1', temperature: Infinity },
    { type: 'resample', runId: 'r1', temperature: '0.5' },
    { type: 'resample', runId: 'r1', temperature: 0 },
    { type: 'resample', runId: 'r1', temperature: 11 },
  ];
  for (const message of bad) assert.equal(parseTrainingPanelMessage(message), undefined, JSON.stringify(message));
});

test('the dispatcher routes by type and reports unknown types without throwing', () => {
  const seen: string[] = [];
  const unknown: unknown[] = [];
  const dispatch = createDispatcher<HostToWorker>(
    {
      train: (m) => void seen.push(`train ${m.runId}`),
      stop: (m) => void seen.push(`stop ${m.runId}`),
      sample: (m) => void seen.push(`sample ${m.temperature}`),
      dispose: (m) => void seen.push(`dispose ${m.runId}`),
      traceGradients: (m) => void seen.push(`trace ${m.length}`),
      traceActivations: (m) => void seen.push(`activations ${m.length}`),
      pause: (m) => void seen.push(`pause ${m.runId}`),
      resume: (m) => void seen.push(`resume ${m.runId}`),
      step: (m) => void seen.push(`step ${m.runId}`),
      reconfigure: (m) => void seen.push(`reconfigure ${m.config.learningRate}`),
      inferText: (m) => void seen.push(`inferText ${m.requestId}`),
      tagText: (m) => void seen.push(`tagText ${m.requestId}`),
      searchUnits: (m) => void seen.push(`searchUnits ${m.requestId}`),
      cancelUnitSearch: (m) => void seen.push(`cancelUnitSearch ${m.requestId}`),
    },
    (m) => unknown.push(m),
  );
  dispatch({ type: 'stop', runId: 'a' });
  dispatch({ type: 'sample', runId: 'a', temperature: 0.7, length: 10 });
  dispatch({ type: 'bogus' } as unknown as HostToWorker);
  assert.deepEqual(seen, ['stop a', 'sample 0.7']);
  assert.equal(unknown.length, 1);
});

test('the Unrolled panel\'s recurrence message: a chain and a step of the window, nothing else', () => {
  assert.deepEqual(parseGatesPanelMessage({ type: 'recurrence', chain: 3, t: 17 }), { type: 'recurrence', chain: 3, t: 17 });
  assert.deepEqual(parseGatesPanelMessage({ type: 'recurrence', chain: MAX_RECURRENCE_CHAINS - 1, t: MAX_GATES_WINDOW - 1 }), {
    type: 'recurrence', chain: MAX_RECURRENCE_CHAINS - 1, t: MAX_GATES_WINDOW - 1,
  });
  const bad: unknown[] = [
    { type: 'recurrence' }, { type: 'recurrence', chain: 0 }, { type: 'recurrence', t: 0 },
    { type: 'recurrence', chain: -1, t: 0 }, { type: 'recurrence', chain: 0, t: -1 }, { type: 'recurrence', chain: 0.5, t: 0 },
    { type: 'recurrence', chain: 0, t: MAX_GATES_WINDOW }, { type: 'recurrence', chain: MAX_RECURRENCE_CHAINS, t: 0 },
    { type: 'recurrence', chain: '0', t: 0 }, { type: 'recurrence', chain: 0, t: NaN }, { type: 'recurrence', chain: 0, t: 0, path: '/etc/passwd' },
  ];
  for (const message of bad) assert.equal(parseGatesPanelMessage(message), undefined, JSON.stringify(message));
});

test('the worker\'s recurrence terms reach a page only in their shape', () => {
  const H = 3;
  // A boolean, not a type guard: the asserts below must not narrow `gru`.
  const fits = (r: unknown, cell: 'rnn' | 'gru' | 'lstm', chains: number, h: number, T: number): boolean => recurrenceFits(r, cell, chains, h, T);
  const f = (n: number, v = 0.5) => new Float64Array(n).fill(v);
  const gru = {
    chain: 1, t: 4, input: 'below', id: -1, x: f(2 * H), inputTerm: f(3 * H), hiddenTerm: f(3 * H), biasIh: f(3 * H), biasHh: f(3 * H),
    preActivation: f(3 * H), activation: f(3 * H), hPrev: f(H), h: f(H),
  };
  assert.ok(fits(gru, 'gru', 2, H, 5));
  assert.ok(!fits(gru, 'gru', 1, H, 5), 'a chain the view has not');
  assert.ok(!fits(gru, 'gru', 2, H, 4), 'a step outside the window');
  assert.ok(!fits(gru, 'lstm', 2, H, 5), 'an LSTM step needs its gates and c');
  assert.ok(!fits({ ...gru, h: f(H + 1) }, 'gru', 2, H, 5));
  assert.ok(!fits({ ...gru, inputTerm: f(3 * H, NaN) }, 'gru', 2, H, 5));
  assert.ok(!fits({ ...gru, input: 'file' }, 'gru', 2, H, 5));
  assert.ok(!fits({ ...gru, input: 'one-hot', x: f(4) }, 'gru', 2, H, 5), 'a one-hot input sends no x');
  assert.ok(fits({ ...gru, cPrev: f(H), c: f(H), tanhC: f(H), inputTerm: f(4 * H), hiddenTerm: f(4 * H), biasIh: f(4 * H), biasHh: f(4 * H), preActivation: f(4 * H), activation: f(4 * H) }, 'lstm', 2, H, 5));
  assert.ok(!fits(null, 'rnn', 1, H, 5));
});
