// Property-based fuzzing of what the host reads from outside (issue 7): the webview message validators and the
// first look at a training text. A validator returns a well-formed message or undefined, never throws; the text
// check returns ok or a one-line message naming the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkTrainingText } from '../../src/shared/textChecks';
import { MAX_TRELLIS_STEP, parseTrainingPanelMessage, parseTrellisPanelMessage } from '../../src/shared/webviewProtocol';
import { parseTaggersPanelMessage, TAGGER_LIMITS } from '../../src/shared/webviewProtocol';
import { MAX_GATES_WINDOW, MAX_RECURRENCE_CHAINS, parseGatesPanelMessage } from '../../src/shared/webviewProtocol';
import { MAX_HMM_PANEL_SAMPLE, MAX_MARKOV_PANEL_SAMPLE, MAX_PANEL_SEED, parseHmmFitPanelMessage, parseMarkovPanelMessage } from '../../src/shared/webviewProtocol';
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
    { type: fc.oneof(fc.constantFrom('ready', 'stop', 'pause', 'resume', 'step', 'resample', 'selectStep', '__proto__', 'constructor', 'toString'), field), runId: field, temperature: field, step: field, extra: field },
    { requiredKeys: ['type'] },
  ),
);

test('parseTrainingPanelMessage: a well-formed message or undefined, never a throw', () => {
  fc.assert(
    fc.property(message, (raw) => {
      const m = parseTrainingPanelMessage(raw);
      if (m === undefined) return;
      const keys = { ready: ['type'], stop: ['runId', 'type'], pause: ['runId', 'type'], resume: ['runId', 'type'], step: ['runId', 'type'], resample: ['runId', 'temperature', 'type'] };
      assert.deepEqual(Object.keys(m).sort(), keys[m.type].sort());
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

test('parseGatesPanelMessage: ready, refresh, revealStep of a whole step in the window or recurrence of a chain and step, never a throw', () => {
  const gatesMessage = fc.oneof(
    message,
    fc.record(
      { type: fc.oneof(fc.constantFrom('ready', 'refresh', 'revealStep', 'showActivations', '__proto__'), field), t: fc.oneof(field, fc.integer({ min: -2, max: MAX_GATES_WINDOW + 2 })), extra: field },
      { requiredKeys: ['type'] },
    ),
    fc.record(
      {
        type: fc.oneof(fc.constant('recurrence'), field), t: fc.oneof(field, fc.integer({ min: -2, max: MAX_GATES_WINDOW + 2 })),
        chain: fc.oneof(field, fc.integer({ min: -2, max: MAX_RECURRENCE_CHAINS + 2 })), extra: field,
      },
      { requiredKeys: ['type', 't', 'chain'] },
    ),
  );
  let reveals = 0;
  let recurrences = 0;
  fc.assert(
    fc.property(gatesMessage, (raw) => {
      const m = parseGatesPanelMessage(raw);
      if (m === undefined) return;
      if (m.type === 'recurrence') {
        recurrences++;
        assert.deepEqual(Object.keys(m).sort(), ['chain', 't', 'type']);
        assert.ok(Number.isInteger(m.t) && m.t >= 0 && m.t < MAX_GATES_WINDOW, String(m.t));
        return assert.ok(Number.isInteger(m.chain) && m.chain >= 0 && m.chain < MAX_RECURRENCE_CHAINS, String(m.chain));
      }
      if (m.type !== 'revealStep') return assert.deepEqual(Object.keys(m), ['type']);
      reveals++;
      assert.deepEqual(Object.keys(m).sort(), ['t', 'type']);
      assert.ok(Number.isInteger(m.t) && m.t >= 0 && m.t < MAX_GATES_WINDOW, String(m.t));
    }),
    params(5000),
  );
  assert.ok(reveals > 0, 'no revealStep was accepted');
  assert.ok(recurrences > 0, 'no recurrence was accepted');
  for (const bad of [{ type: 'revealStep', t: MAX_GATES_WINDOW }, { type: 'revealStep', t: 1.5 }, { type: 'revealStep', t: '3' }, { type: 'revealStep', t: 3, file: '/etc/passwd' }, { type: 'refresh', runId: 'r' }]) {
    assert.equal(parseGatesPanelMessage(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseGatesPanelMessage({ type: 'revealStep', t: 0 }), { type: 'revealStep', t: 0 });
});

/** Valid tagger settings at and inside the edges of TAGGER_LIMITS. */
const validTaggerSettings = fc.record({
  cell: fc.constantFrom('rnn', 'gru', 'lstm'),
  bidirectional: fc.boolean(),
  hiddenSize: fc.integer({ min: 1, max: 256 }),
  embeddingSize: fc.integer({ min: 1, max: 128 }),
  epochs: fc.integer({ min: 1, max: 200 }),
  learningRate: fc.oneof(fc.double({ min: 1e-5, max: 1, noNaN: true }), fc.constantFrom(1e-5, 1)),
  seed: fc.oneof(fc.integer({ min: 0, max: 2147483647 }), fc.constantFrom(0, 2147483647)),
  heldOutShare: fc.oneof(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.constantFrom(0.05, 0.5)),
  heldOut: fc.constantFrom('split', 'sibling'),
});
const NEAR_MISSES = ['RNN', 'transformer', '', 'true', 1, 0, -0, null, 257, 32.5, NaN, Infinity, 201, 9e-6, 1.0000001, -1, 2147483648, 0.0499, 0.5001, 20, '../pos-test.tsv', '/etc/passwd'];
/** Valid settings with one field replaced by a near-miss or by anything, or removed, or with an extra field. */
const taggerSettings = fc.oneof(
  validTaggerSettings,
  fc.tuple(validTaggerSettings, fc.constantFrom('cell', 'bidirectional', 'hiddenSize', 'embeddingSize', 'epochs', 'learningRate', 'seed', 'heldOutShare', 'heldOut', 'path'), fc.oneof(fc.constantFrom(...NEAR_MISSES), field), fc.boolean())
    .map(([valid, key, value, remove]) => {
      const s: Record<string, unknown> = { ...valid, [key]: value };
      if (remove) delete s[key];
      return s;
    }),
);

test('parseTaggersPanelMessage: well-formed settings within TAGGER_LIMITS or undefined, never a throw', () => {
  const taggerMessage = fc.oneof(
    message,
    fc.record({ type: fc.constantFrom('train', 'stop', 'ready'), settings: fc.oneof(taggerSettings, field), extra: field }, { requiredKeys: ['type'] }),
  );
  let accepted = 0;
  fc.assert(
    fc.property(taggerMessage, (raw) => {
      const m = parseTaggersPanelMessage(raw);
      if (m === undefined) return;
      if (m.type !== 'train') {
        assert.deepEqual(Object.keys(m), ['type']);
        return;
      }
      accepted++;
      const s = m.settings;
      assert.deepEqual(Object.keys(m).sort(), ['settings', 'type']);
      assert.deepEqual(Object.keys(s).sort(), ['bidirectional', 'cell', 'embeddingSize', 'epochs', 'heldOut', 'heldOutShare', 'hiddenSize', 'learningRate', 'seed']);
      assert.ok(['rnn', 'gru', 'lstm'].includes(s.cell) && typeof s.bidirectional === 'boolean' && ['split', 'sibling'].includes(s.heldOut));
      for (const name of ['hiddenSize', 'embeddingSize', 'epochs', 'seed'] as const) {
        assert.ok(Number.isInteger(s[name]) && s[name] >= TAGGER_LIMITS[name].min && s[name] <= TAGGER_LIMITS[name].max, `${name} ${s[name]}`);
      }
      for (const name of ['learningRate', 'heldOutShare'] as const) {
        assert.ok(Number.isFinite(s[name]) && s[name] >= TAGGER_LIMITS[name].min && s[name] <= TAGGER_LIMITS[name].max, `${name} ${s[name]}`);
      }
    }),
    params(5000),
  );
  // The generator reaches valid settings too, so the checks above are exercised.
  assert.ok(accepted > 0, 'no train message was accepted');
});

/** HMM Fit and Markov panel messages: the real ones, near-misses of each field, and anything. */
const fitOrMarkovMessage = fc.oneof(
  message,
  fc.record(
    {
      type: fc.oneof(fc.constantFrom('ready', 'cancel', 'saveModel', 'decode', 'sample', 'showSurprisal', 'selectStep'), field),
      step: fc.oneof(fc.integer({ min: -2, max: 2 ** 31 + 1 }), fc.constantFrom(0, 2 ** 31 - 1, 2 ** 31, 1.5, NaN, '3'), field),
      length: fc.oneof(fc.integer({ min: -2, max: 1002 }), fc.constantFrom(1, 500, 501, 1000, 1001, 1.5, NaN, '40'), field),
      seed: fc.oneof(fc.integer({ min: -2, max: 2 ** 31 + 1 }), fc.constantFrom(0, MAX_PANEL_SEED, MAX_PANEL_SEED + 1, -1, 0.5, '7'), field),
      order: fc.oneof(fc.integer({ min: -1, max: 9 }), fc.constantFrom(2.5, '3', NaN), field),
      smoothing: fc.oneof(fc.constantFrom('kneser-ney', 'add-alpha', 'witten-bell', ''), field),
      path: fc.constantFrom('/etc/passwd', '../model.json'),
    },
    { requiredKeys: ['type'] },
  ),
);

test('parseHmmFitPanelMessage: buttons carry nothing, a sample has a whole length 1..500 and seed 0..2³¹−1, a selected step is whole 0..2³¹−1, never a throw', () => {
  const whole = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
  fc.assert(
    fc.property(fitOrMarkovMessage, (raw) => {
      const m = parseHmmFitPanelMessage(raw);
      if (m === undefined) {
        const r = raw as Record<string, unknown> | null;
        if (typeof r === 'object' && r !== null && ['ready', 'cancel', 'saveModel', 'decode'].includes(r.type as string)) assert.fail(`refused ${String(r.type)}`);
        return;
      }
      if (m.type === 'selectStep') {
        assert.deepEqual(Object.keys(m).sort(), ['step', 'type']);
        assert.ok(whole(m.step, 0, 2 ** 31 - 1));
      } else if (m.type !== 'sample') assert.deepEqual(Object.keys(m), ['type']);
      else {
        assert.deepEqual(Object.keys(m).sort(), ['length', 'seed', 'type']);
        assert.ok(whole(m.length, 1, MAX_HMM_PANEL_SAMPLE) && whole(m.seed, 0, MAX_PANEL_SEED));
      }
    }),
    params(5000),
  );
});

test('parseMarkovPanelMessage: a sample names an order 0..8, a known smoothing, a whole seed and length, never a throw', () => {
  const whole = (x: unknown, lo: number, hi: number) => typeof x === 'number' && Number.isInteger(x) && x >= lo && x <= hi;
  fc.assert(
    fc.property(fitOrMarkovMessage, (raw) => {
      const m = parseMarkovPanelMessage(raw);
      if (m === undefined || m.type !== 'sample') return;
      assert.deepEqual(Object.keys(m).sort(), ['length', 'order', 'seed', 'smoothing', 'type']);
      assert.ok(whole(m.order, 0, 8) && whole(m.seed, 0, MAX_PANEL_SEED) && whole(m.length, 1, MAX_MARKOV_PANEL_SAMPLE));
      assert.ok(m.smoothing === 'kneser-ney' || m.smoothing === 'add-alpha');
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
    { type: 'sample', length: { valueOf: trap }, seed: 1, order: 2, smoothing: { toString: trap } },
    { type: 'train', settings: { cell: 'rnn', bidirectional: true, hiddenSize: { valueOf: trap }, seed: { [Symbol.toPrimitive]: trap } } },
    { type: { toString: trap } },
    Object.create({ type: 'ready' }) as unknown, // inherited type: still only data
  ];
  for (const raw of hostile) {
    assert.doesNotThrow(() => parseTrainingPanelMessage(raw));
    assert.doesNotThrow(() => parseTrellisPanelMessage(raw));
    assert.doesNotThrow(() => parseTaggersPanelMessage(raw));
    assert.doesNotThrow(() => parseGatesPanelMessage(raw));
    assert.doesNotThrow(() => parseHmmFitPanelMessage(raw));
    assert.doesNotThrow(() => parseMarkovPanelMessage(raw));
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
