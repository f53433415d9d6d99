// The host's platform-neutral replacements for node:crypto and node:path (issue 17: the web bundle has no Node) give
// exactly what the Node functions they replace give, so the desktop records the same hashes and names as before.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256Hex } from '../../src/base/sha256';
import { posixBasename, posixDirname, posixRelative } from '../../src/base/uriPath';
import { makeNonce } from '../../src/base/panelHtml';

test('sha256Hex equals node:crypto on texts (UTF-8) and bytes, across the padding boundaries', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (let n = 0; n < 200; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
    assert.equal(sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'), `${n} bytes`);
  }
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => sha256Hex(text) === createHash('sha256').update(text, 'utf8').digest('hex')), { numRuns: 300 });
  const big = 'the cat sat on the mat. '.repeat(50_000);
  assert.equal(sha256Hex(big), createHash('sha256').update(big, 'utf8').digest('hex'));
});

test('posix path helpers equal path.posix on absolute URI paths', () => {
  const segment = fc.constantFrom('a', 'b', 'data.txt', '.', '..', '', 'x y', 'é');
  const absolute = fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`);
  fc.assert(fc.property(absolute, absolute, (from, to) => {
    assert.equal(posixRelative(from, to), path.posix.relative(from, to));
    assert.equal(posixBasename(to), path.posix.basename(to));
    assert.equal(posixDirname(to), path.posix.dirname(to));
  }), { numRuns: 2000 });
  assert.equal(posixBasename('/c:/Users/me/notes.txt'), 'notes.txt');
  assert.equal(posixRelative('/w/exp', '/w/data/a.txt'), '../data/a.txt');
});

test('makeNonce: 16 random bytes in base64, fresh each time', () => {
  const nonces = new Set(Array.from({ length: 100 }, () => makeNonce()));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 16);
});
