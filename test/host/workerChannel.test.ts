// The host → training worker trust boundary (issue 16): the worker checks every request once on receipt
// (parseHostToWorker, from the schema that gives HostToWorker its type). Fuzzed: the check returns a well-formed
// request or undefined, never throws, and a config it lets through is one validateTrainingConfig finds nothing wrong
// with (and the other way round: every config it refuses is named in words). Live: a real worker answers a refused
// request with its failure, in words for a train, and goes on training the next run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { objectShape } from '../../src/shared/protocol/schema';
import { parseHostToWorker, type HostToWorker } from '../../src/shared/protocol/trainingWorker';
import { CONFIG_LIMITS, DEFAULT_CONFIG, trainingConfigSchema, validateTrainingConfig, type TrainingConfig } from '../../src/shared/trainingConfig';
import { fuzzParams } from '../fixtures/badInputs';
import { startTrainingWorker } from './trainingWorkerHarness';

const odd = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withTypedArray: true, withMap: true, withNullPrototype: true, withSparseArray: true }),
  fc.constantFrom(0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 31, 1e-7, 1024, 1025, 'rnn', 'lstm', 'LSTM', 'sgd', 'tagged', true, null, undefined),
  fc.integer(),
  fc.double(),
);
const configKeys = Object.keys(objectShape(trainingConfigSchema) ?? {});

/** DEFAULT_CONFIG with a few fields replaced by odd values (or removed). */
const config = fc
  .array(fc.tuple(fc.constantFrom(...configKeys, 'unknownKey'), fc.option(odd, { nil: undefined })), { maxLength: 4 })
  .map((changes) => {
    const c: Record<string, unknown> = { ...DEFAULT_CONFIG };
    for (const [key, value] of changes) {
      if (value === undefined) delete c[key];
      else c[key] = value;
    }
    return c;
  });

/** One well-formed request of each type, which the fuzz then breaks a few fields of. */
const SAMPLES: HostToWorker[] = [
  { type: 'train', runId: 'run-1', text: 'hello', config: DEFAULT_CONFIG, restore: { model: new Uint8Array(4) }, startPaused: true },
  { type: 'stop', runId: 'run-1' }, { type: 'pause', runId: 'run-1' }, { type: 'resume', runId: 'run-1' }, { type: 'step', runId: 'run-1' },
  { type: 'reconfigure', runId: 'run-1', config: DEFAULT_CONFIG },
  { type: 'sample', runId: 'run-1', temperature: 0.5, length: 20, greedy: true },
  { type: 'dispose', runId: 'run-1' },
  { type: 'traceGradients', runId: 'run-1', requestId: 1, start: 3, length: 40 },
  { type: 'traceActivations', runId: 'run-1', requestId: 2, length: 40, recurrence: { chain: 0, t: 1 } },
  { type: 'inferText', runId: 'run-1', requestId: 3, text: 'abc', warmup: 0, quantity: { kind: 'series', layer: 0, series: 'h', unit: 2 } },
  { type: 'tagText', runId: 'run-1', requestId: 4, text: 'a\tB' },
  { type: 'searchUnits', runId: 'run-1', requestId: 5, text: 'abc', query: { layer: 0, series: 'h', units: [1], threshold: 0.5, queryLength: 4 } },
  { type: 'cancelUnitSearch', runId: 'run-1', requestId: 5 },
];
const TYPES = SAMPLES.map((m) => m.type);
const FIELDS = [...new Set(SAMPLES.flatMap((m) => Object.keys(m))), 'extra', '__proto__'];

const request = fc.oneof(
  { arbitrary: fc.anything({ maxDepth: 2, withNullPrototype: true }), weight: 1 },
  {
    arbitrary: fc.tuple(
      fc.constantFrom(...SAMPLES),
      fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.option(fc.oneof(odd, config), { nil: undefined })), { maxLength: 2 }),
    ).map(([sample, changes]) => {
      const m: Record<string, unknown> = { ...sample };
      for (const [key, value] of changes) {
        if (value === undefined) delete m[key];
        else m[key] = value;
      }
      return m;
    }),
    weight: 4,
  },
);

test('parseHostToWorker: a well-formed request or undefined, never a throw; a config it passes has no problems', () => {
  let passed = 0;
  fc.assert(
    fc.property(request, (raw) => {
      const m = parseHostToWorker(raw);
      if (m === undefined) return;
      passed++;
      assert.ok(TYPES.includes(m.type));
      assert.equal(typeof m.runId, 'string');
      assert.ok(m.runId.length >= 1 && m.runId.length <= 128);
      assert.ok(!('extra' in m), 'a key no request names is refused');
      if (m.type === 'train' || m.type === 'reconfigure') assert.deepEqual(validateTrainingConfig(m.config), []);
      if ('requestId' in m) assert.ok(Number.isSafeInteger(m.requestId) && m.requestId >= 0);
    }),
    fuzzParams(5000),
  );
  assert.ok(passed > 50, `only ${passed} generated requests were well-formed: the fuzz reaches too little`);
});

test('the worker\'s check and validateTrainingConfig agree on every config: refused exactly when a problem is named', () => {
  fc.assert(
    fc.property(config, (c) => {
      const problems = validateTrainingConfig(c as unknown as TrainingConfig);
      const checked = parseHostToWorker({ type: 'reconfigure', runId: 'r', config: c });
      assert.equal(checked === undefined, problems.length > 0, `${fc.stringify(c)} → ${problems.join('; ')}`);
      for (const p of problems) assert.match(p, /^\w+ must be .+ \(got .*\)$/);
      if (checked?.type === 'reconfigure') assert.ok(!('unknownKey' in checked.config), 'a key no setting names is dropped');
    }),
    fuzzParams(3000),
  );
  // Each bound of the sizes, one past it, is refused and named.
  for (const [key, limit] of Object.entries(CONFIG_LIMITS)) {
    for (const value of [limit.min - 1, limit.max + 1]) {
      const c = { ...DEFAULT_CONFIG, [key]: value };
      assert.equal(parseHostToWorker({ type: 'train', runId: 'r', text: 'ab', config: c }), undefined, `${key} = ${value}`);
      assert.deepEqual(validateTrainingConfig(c), [`${key} must be between ${limit.min} and ${limit.max} (got ${value})`]);
    }
  }
});

test('a live worker answers each refused request with its failure and goes on training', async () => {
  const { send, next, waitFor } = startTrainingWorker(30_000);
  const raw = send as (m: unknown) => void;
  const text = 'the cat sat on the mat. '.repeat(20);
  raw({ type: 'train', runId: 'tiny', text, config: { ...DEFAULT_CONFIG, hiddenSize: 0 } });
  assert.equal((await next('tiny', 'failed')).message, 'The training settings are out of range: hiddenSize must be between 1 and 1024 (got 0).');
  raw({ type: 'train', runId: 'no-text', text: 42, config: DEFAULT_CONFIG });
  assert.equal((await next('no-text', 'failed')).message, 'The worker refused a malformed "train" request.');
  raw({ type: 'traceGradients', runId: 'tiny', requestId: 1, length: 'all' });
  assert.match((await next('tiny', 'traceFailed')).message, /refused a malformed "traceGradients" request/);
  raw({ type: 'searchUnits', runId: 'tiny', requestId: 2, text, query: { layer: 0, series: 'x', units: [0], threshold: 0, queryLength: 1 } });
  assert.match((await next('tiny', 'unitSearchFailed')).message, /refused a malformed "searchUnits" request/);
  // The examples and taggers channels of the same worker check their requests too.
  const answered = (type: string, requestId: string) => waitFor((m) => (m as { type: string; requestId?: unknown }).type === type && (m as { requestId?: unknown }).requestId === requestId) as Promise<unknown> as Promise<{ message: string }>;
  raw({ type: 'generateExample', requestId: 'example1', example: 'adding', length: 'long' });
  assert.equal((await answered('exampleFailed', 'example1')).message, 'The worker refused a malformed "generateExample" request.');
  raw({ type: 'compareTaggers', requestId: 't1', trainText: 'a\tB\n', settings: { cell: 'transformer' } });
  assert.equal((await answered('taggersFailed', 't1')).message, 'The worker refused a malformed "compareTaggers" request.');
  raw({ type: 'stop', runId: 7 }); // no run id to answer: logged, nothing else
  raw({ type: 'pause' });
  const good: HostToWorker = { type: 'train', runId: 'good', text, config: { ...DEFAULT_CONFIG, cell: 'lstm', hiddenSize: 8, steps: 3 } };
  send(good);
  const finished = await next('good', 'finished');
  assert.equal(finished.reason, 'completed');
  assert.equal(finished.steps, 3);
});
