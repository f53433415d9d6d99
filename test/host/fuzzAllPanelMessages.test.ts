// Every validator of webview messages in src/shared/webviewProtocol.ts (found by name, so a new panel's parser is
// fuzzed the day it is added): thousands of random and malformed messages, including ones built from each parser's
// own type tags. A validator returns undefined or a plain message object with a string `type`; it never throws, and
// nothing it lets through can name a file (no string with a path separator or a URI scheme).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as protocol from '../../src/shared/webviewProtocol';
import { fuzzParams } from '../fixtures/badInputs';

type Parser = (raw: unknown) => unknown;

const parsers: [string, Parser][] = Object.entries(protocol as Record<string, unknown>)
  .filter(([name, value]) => /^parse\w*Message$/.test(name) && typeof value === 'function')
  .map(([name, value]) => [name, value as Parser]);

/** The type tags a parser accepts, read from its source (case 'x': …), so near-misses reach its branches. */
function typeTags(parser: Parser): string[] {
  return [...new Set([...parser.toString().matchAll(/case\s*['"]([A-Za-z]+)['"]/g)].map((m) => m[1]))];
}

/** The fields a parser reads (m.field in its source), so generated messages carry them. */
function fieldNames(parser: Parser): string[] {
  return [...new Set([...parser.toString().matchAll(/\bm\.([A-Za-z]+)/g)].map((m) => m[1]))].filter((k) => k !== 'type');
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

function messageArbitrary(tags: string[], read: string[]) {
  const field = fieldArbitrary();
  const keys = [...read, 'runId', 'step', 'start', 'length', 'units', 'temperature', 'path', 'uri', 'file', 'format', 'bytes', 'config', 'value', 'index', 'seed', 'order', 'unit', 'greedy', 'runIds', 'rho', 'sequenceLength'];
  return fc.oneof(
    fc.anything({ maxDepth: 3, withNullPrototype: true }),
    fc.dictionary(fc.constantFrom(...new Set(keys)), field, { maxKeys: 6 }).chain((rest) =>
      fc.oneof(fc.constantFrom(...tags), field).map((type) => ({ ...rest, type })),
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
      fc.property(messageArbitrary(tags, fieldNames(parse)), (raw) => {
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
