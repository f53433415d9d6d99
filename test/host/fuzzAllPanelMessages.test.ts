// Every validator of webview messages in src/shared/protocol/ (each channel file's parse…Message; a test below fails
// when a channel file has one this list lacks, so a new panel's parser is fuzzed the day it is added): thousands of
// random and malformed messages, including ones built from each parser's own type tags and fields (read from its
// schema). A validator returns undefined or a plain message object with a string `type`; it never throws, and
// nothing it lets through can name a file (no string with a path separator or a URI scheme).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import * as comparePanel from '../../src/shared/protocol/comparePanel';
import * as exportImage from '../../src/shared/protocol/exportImage';
import * as gatesPanel from '../../src/shared/protocol/gatesPanel';
import * as gradientFlowPanel from '../../src/shared/protocol/gradientFlowPanel';
import * as gradientLabPanel from '../../src/shared/protocol/gradientLabPanel';
import * as hmmFitPanel from '../../src/shared/protocol/hmmFitPanel';
import * as markovPanel from '../../src/shared/protocol/markovPanel';
import * as modelView from '../../src/shared/protocol/modelView';
import * as taggersPanel from '../../src/shared/protocol/taggersPanel';
import * as trainingPanel from '../../src/shared/protocol/trainingPanel';
import * as trellisPanel from '../../src/shared/protocol/trellisPanel';
import { objectShape, tagsOf, type Parser } from '../../src/shared/protocol/schema';
import { fuzzParams } from '../fixtures/badInputs';

const channels: Record<string, Record<string, unknown>> = {
  comparePanel, exportImage, gatesPanel, gradientFlowPanel, gradientLabPanel, hmmFitPanel, markovPanel, modelView, taggersPanel,
  trainingPanel, trellisPanel,
};

const parsers: [string, Parser<unknown>][] = Object.entries(channels).flatMap(([channel, exports]) =>
  Object.entries(exports)
    .filter(([name, value]) => /^parse\w*Message$/.test(name) && typeof value === 'function')
    .map(([name, value]): [string, Parser<unknown>] => [`${channel}.${name}`, value as Parser<unknown>]),
);

test('every channel file\'s page-message validator is fuzzed here', () => {
  const dir = join(import.meta.dirname, '../../src/shared/protocol');
  const declared = readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) =>
    [...readFileSync(join(dir, f), 'utf8').matchAll(/^export const (parse\w*Message)\b/gm)].map((m) => `${f.replace(/\.ts$/, '')}.${m[1]}`));
  assert.deepEqual(parsers.map(([name]) => name).sort(), declared.sort());
});

/** The type tags a parser accepts, read from its schema, so near-misses reach its branches. */
function typeTags(parser: Parser<unknown>): string[] {
  return tagsOf(parser.schema);
}

/** The fields of every message a parser accepts (from its schema), so generated messages carry them. */
function fieldNames(parser: Parser<unknown>): string[] {
  const options = parser.schema.info.kind === 'variant' ? Object.values(parser.schema.info.options) : [];
  return [...new Set(options.flatMap((o) => Object.keys(objectShape(o) ?? {})))].filter((k) => k !== 'type');
}

const hostile = fc.constantFrom(
  '../../etc/passwd', '/etc/passwd', 'C:\\Windows\\win.ini', 'file:///etc/passwd', 'vscode-resource://x', 'run-1', '', '__proto__',
  '<script>alert(1)</script>', 'a'.repeat(100_000), NaN, Infinity, -Infinity, -0, 2 ** 53, -1, 0, 1, 0.5, true, null,
);

function fieldArbitrary() {
  return fc.oneof(
    hostile,
    fc.anything({ maxDepth: 2, withBigInt: true, withTypedArray: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true }),
    fc.integer(),
    fc.double(),
    fc.array(fc.oneof(fc.integer(), fc.double(), hostile), { maxLength: 20 }),
    fc.string(),
  );
}

/** Per type tag, the fields of that message (from the schema): messages with exactly those keys reach acceptance. */
function fieldsByTag(parser: Parser<unknown>): [string, string[]][] {
  const info = parser.schema.info;
  return info.kind === 'variant'
    ? Object.entries(info.options).map(([tag, o]): [string, string[]] => [tag, Object.keys(objectShape(o) ?? {}).filter((k) => k !== 'type')])
    : [];
}

function messageArbitrary(tags: string[], read: string[], byTag: [string, string[]][]) {
  const field = fieldArbitrary();
  const keys = [...read, 'runId', 'step', 'start', 'length', 'units', 'temperature', 'path', 'uri', 'file', 'format', 'bytes', 'config', 'value', 'index', 'seed', 'order', 'unit', 'greedy', 'runIds', 'rho', 'sequenceLength'];
  return fc.oneof(
    fc.anything({ maxDepth: 3, withNullPrototype: true }),
    fc.dictionary(fc.constantFrom(...new Set(keys)), field, { maxKeys: 6 }).chain((rest) =>
      fc.oneof(fc.constantFrom(...tags), field).map((type) => ({ ...rest, type })),
    ),
    fc.constantFrom(...byTag).chain(([type, fields]) =>
      fc.record(Object.fromEntries(fields.map((k) => [k, field])), { requiredKeys: [] }).map((rest) => ({ ...rest, type })),
    ),
  );
}

/** Every string inside a parsed message (keys excluded), however deep. */
function strings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out, depth + 1));
  else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) Object.values(value).forEach((v) => strings(v, out, depth + 1));
  return out;
}

test('there are validators to fuzz (one per panel)', () => {
  assert.ok(parsers.length >= 6, `found ${parsers.map(([n]) => n).join(', ')}`);
});

for (const [name, parse] of parsers) {
  test(`${name}: random and malformed messages give undefined or a well-formed message, never a throw or a path`, () => {
    const tags = typeTags(parse);
    assert.ok(tags.length > 0, `no type tags found in ${name}`);
    let accepted = 0;
    fc.assert(
      fc.property(messageArbitrary(tags, fieldNames(parse), fieldsByTag(parse)), (raw) => {
        const parsed = parse(raw);
        if (parsed === undefined) return;
        accepted++;
        assert.equal(typeof parsed, 'object', `${name} returned ${typeof parsed}`);
        assert.equal(typeof (parsed as { type?: unknown }).type, 'string');
        assert.ok(tags.includes((parsed as { type: string }).type), `unexpected type ${(parsed as { type: string }).type}`);
        for (const s of strings(parsed)) {
          assert.ok(!/^(\/|[A-Za-z]:\\|\.\.[/\\]|[a-z][a-z0-9+.-]*:\/\/)/i.test(s) && !s.includes('/..') , `${name} let a path-like string through: ${JSON.stringify(s.slice(0, 80))}`);
        }
        // Deterministic: the same message is judged the same way twice.
        assert.deepEqual(parse(raw), parsed);
      }),
      fuzzParams(2000),
    );
    // The generator reaches the accepting branches too (else this test would only ever see rejections).
    assert.ok(accepted > 0, `${name} accepted none of the generated messages`);
  });
}
