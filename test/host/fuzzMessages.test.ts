// Property-based fuzzing of what the host reads from outside (issue 7): the webview message validators and the
// first look at a training text. A validator returns a well-formed message or undefined, never throws; the text
// check returns ok or a one-line message naming the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkTrainingText } from '../../src/training/textChecks';
import { MAX_TRELLIS_STEP, parseTrainingPanelMessage, parseTrellisPanelMessage } from '../../src/shared/webviewProtocol';
import { assertUserMessage, fuzzParams } from '../fixtures/badInputs';

const params = fuzzParams;

/** Messages a broken or hostile webview could post: anything, and near-misses of the real ones. */
const field = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withTypedArray: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true }),
  fc.constantFrom('run-1', '', 'a'.repeat(65), '../../etc/passwd', 'ready', 'stop', 'resample', 'selectStep', 0.01, 10, 10.0001, -1, 0, NaN, Infinity, 2 ** 31, 1.5, -0),
  fc.integer(),
  fc.double(),
);
const message = fc.oneof(
  fc.anything({ maxDepth: 2, withNullPrototype: true }),
  fc.record(
    { type: fc.oneof(fc.constantFrom('ready', 'stop', 'resample', 'selectStep', '__proto__', 'constructor', 'toString'), field), runId: field, temperature: field, step: field, extra: field },
    { requiredKeys: ['type'] },
  ),
);

test('parseTrainingPanelMessage: a well-formed message or undefined, never a throw', () => {
  fc.assert(
    fc.property(message, (raw) => {
      const m = parseTrainingPanelMessage(raw);
      if (m === undefined) return;
      assert.deepEqual(Object.keys(m).sort(), { ready: ['type'], stop: ['runId', 'type'], resample: ['runId', 'temperature', 'type'] }[m.type].sort());
      if (m.type !== 'ready') assert.match(m.runId, /^[A-Za-z0-9_-]{1,64}$/);
      if (m.type === 'resample') assert.ok(m.temperature >= 0.01 && m.temperature <= 10);
    }),
    params(5000),
  );
});

test('parseTrellisPanelMessage: a well-formed message or undefined, never a throw', () => {
  fc.assert(
    fc.property(message, (raw) => {
      const m = parseTrellisPanelMessage(raw);
      if (m === undefined) return;
      if (m.type === 'ready') assert.deepEqual(Object.keys(m), ['type']);
      else {
        assert.deepEqual(Object.keys(m).sort(), ['step', 'type']);
        assert.ok(Number.isInteger(m.step) && m.step >= 0 && m.step <= MAX_TRELLIS_STEP);
      }
    }),
    params(5000),
  );
});

test('the validators never call into what a message carries (getters, toString, toJSON, proxies)', () => {
  const trap = () => {
    throw new Error('a validator touched a hostile value');
  };
  const hostile = [
    { type: 'stop', runId: { toString: trap, valueOf: trap } },
    { type: 'resample', runId: 'r', temperature: { valueOf: trap, [Symbol.toPrimitive]: trap } },
    { type: 'selectStep', step: { valueOf: trap } },
    { type: { toString: trap } },
    Object.create({ type: 'ready' }) as unknown, // inherited type: still only data
  ];
  for (const raw of hostile) {
    assert.doesNotThrow(() => parseTrainingPanelMessage(raw));
    assert.doesNotThrow(() => parseTrellisPanelMessage(raw));
  }
});

const text = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom(' ', '\n', '\t', '\r\n', '\u0000', '\ufffd', '😀', '\u3000', '\ufeff'),
  ),
  maxLength: 30,
});

test('checkTrainingText: ok, or one line naming the file', () => {
  fc.assert(
    fc.property(text, fc.integer({ min: 1, max: 120 }), (t, maxBytes) => {
      const verdict = checkTrainingText(t, 'notes.txt', maxBytes);
      if (verdict.ok) {
        assert.equal(verdict.message, undefined);
        assert.ok(Buffer.byteLength(t, 'utf8') <= maxBytes && t.trim() !== '' && !t.includes('\u0000') && [...t].length >= 2);
      } else {
        assertUserMessage(verdict.message ?? '');
        assert.match(verdict.message ?? '', /^notes\.txt /);
      }
    }),
    params(5000),
  );
});

test('checkTrainingText: a size refusal always shows two different numbers', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 * 1024 * 1024 }), fc.integer({ min: 1, max: 4096 }), (maxBytes, over) => {
      const verdict = checkTrainingText('a'.repeat(Math.min(maxBytes + over, 8 * 1024 * 1024)), 'big.txt', maxBytes);
      if (maxBytes + over > 8 * 1024 * 1024) return; // keep the strings small; the limit logic is the same
      assert.equal(verdict.ok, false);
      const m = verdict.message ?? '';
      assertUserMessage(m);
      const [size, limit] = [...m.matchAll(/(\d+(?:\.\d+)?)[ -](MB|bytes?)/g)].map((x) => x[0]);
      assert.ok(size && limit && size !== limit, `the size and the limit read the same: ${m}`);
    }),
    params(200),
  );
});
