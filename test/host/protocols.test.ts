// The host validates every message a webview sends, and the one dispatcher routes every channel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDispatcher } from '../../src/shared/messages';
import { parseTrainingPanelMessage } from '../../src/shared/webviewProtocol';
import type { HostToWorker } from '../../src/shared/workerProtocol';

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
