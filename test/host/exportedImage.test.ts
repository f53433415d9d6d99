// The host's check of a panel's "Export as PNG/SVG" answer (parseExportedImageMessage): it accepts real PNG and SVG
// files and a one-line error, and refuses anything else — wrong type or format, a PNG without its signature, an SVG
// that is not UTF-8 or has no <svg> root, an SVG with markup that could run script when the file is opened, an empty
// or oversized byte array, an error that names a path or no format. Then: PNG and SVG asked for in quick succession
// are both saved, or both reported as failed, each answer matched by its own format.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PendingExports } from '../../src/base/pendingExports';
import { MAX_EXPORTED_IMAGE_BYTES, parseExportedImageMessage } from '../../src/shared/protocol/exportImage';

const media = (name: string) => readFile(path.join(import.meta.dirname, '..', '..', 'media', name)).then((b) => new Uint8Array(b));

describe('exportedImage messages from a panel', () => {
  it('accepts the PNG and SVG files the project ships, as typed arrays or ArrayBuffers', async () => {
    const png = await media('trellis-panel.png');
    const svg = await media('activity-bar.svg');
    assert.equal(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: png })?.type, 'exportedImage');
    assert.equal(parseExportedImageMessage({ type: 'exportedImage', format: 'svg', bytes: svg })?.type, 'exportedImage');
    const buffer = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength);
    const parsed = parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: buffer });
    assert.ok(parsed && 'bytes' in parsed);
    assert.equal(parsed.bytes.length, png.length);
    // An XML declaration and a comment before the root are fine.
    const withProlog = new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n<!-- x -->\n${new TextDecoder().decode(svg)}`);
    assert.ok(parseExportedImageMessage({ type: 'exportedImage', format: 'svg', bytes: withProlog }));
  });

  it('refuses bytes that are not what the format says', async () => {
    const png = await media('trellis-panel.png');
    const svg = await media('activity-bar.svg');
    const bad = [
      { type: 'exportedImage', format: 'svg', bytes: png }, // a PNG claimed as SVG (not UTF-8, no root)
      { type: 'exportedImage', format: 'png', bytes: svg }, // an SVG claimed as PNG (no signature)
      { type: 'exportedImage', format: 'png', bytes: png.slice(1) }, // signature cut
      { type: 'exportedImage', format: 'svg', bytes: new TextEncoder().encode('<html><svg></svg></html>') },
      { type: 'exportedImage', format: 'svg', bytes: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">') }, // unclosed
      { type: 'exportedImage', format: 'gif', bytes: png },
      { type: 'exportedImage', format: 'png', bytes: new Uint8Array(0) },
      { type: 'exportedImage', format: 'png', bytes: Array.from(png) }, // not a byte array
      { type: 'exportedImage', format: 'png' },
      { type: 'exportImage', format: 'png', bytes: png },
      { type: 'exportImageFailed', format: 'png', error: 'x', bytes: png }, // both
      { type: 'exportImageFailed', format: 'gif', error: 'x' },
      null,
      'exportedImage',
    ];
    for (const message of bad) assert.equal(parseExportedImageMessage(message), undefined, JSON.stringify(message)?.slice(0, 80));
  });

  it('a failure without a reason is still that format\'s failure, said as such', () => {
    assert.deepEqual(parseExportedImageMessage({ type: 'exportImageFailed', format: 'png', error: '' }), { type: 'exportImageFailed', format: 'png', error: 'no reason given' });
    assert.deepEqual(parseExportedImageMessage({ type: 'exportImageFailed', format: 'svg', error: ' \n ' }), { type: 'exportImageFailed', format: 'svg', error: 'no reason given' });
  });

  it('refuses more than MAX_EXPORTED_IMAGE_BYTES, accepts exactly that many', async () => {
    const png = await media('trellis-panel.png');
    const big = new Uint8Array(MAX_EXPORTED_IMAGE_BYTES + 1);
    big.set(png.subarray(0, 8));
    assert.equal(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: big }), undefined);
    assert.ok(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: big.subarray(0, MAX_EXPORTED_IMAGE_BYTES) }));
  });

  it('passes an error on as one line of at most 500 characters that names no path', () => {
    const parsed = parseExportedImageMessage({ type: 'exportImageFailed', format: 'png', error: `could not draw\n  /home/me/secret.txt or C:\\x ${'y'.repeat(900)}` });
    assert.ok(parsed && 'error' in parsed);
    assert.ok(parsed.error.startsWith('could not draw home me secret.txt or C x y'), parsed.error.slice(0, 60));
    assert.ok(parsed.error.length <= 500 && !/[\n/\\]/.test(parsed.error));
    assert.equal(parsed.type === 'exportImageFailed' && parsed.format, 'png');
  });

  it('refuses an SVG with markup that could run script, keeps one whose text only looks like it', () => {
    const svg = (inner: string, rootAttributes = '') =>
      new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"${rootAttributes}>${inner}</svg>\n`);
    const parse = (bytes: Uint8Array) => parseExportedImageMessage({ type: 'exportedImage', format: 'svg', bytes });
    const unsafe: [string, string?][] = [
      ['<script>alert(1)</script>'],
      ['<SCRIPT xlink:href="x.js"/>'],
      ['<rect width="1" height="1"/>', ' onload="alert(1)"'],
      ['<rect width="1" ONCLICK = \'alert(1)\'/>'],
      ['<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject>'],
      ['<a href="javascript:alert(1)"><text>x</text></a>'],
      ['<a xlink:href="java&#x09;script&#58;alert(1)"><text>x</text></a>'], // entities and a tab still read as javascript:
      ['<set attributeName="onmouseover" to="alert(1)"/>'],
      ['<animate attributeName="href" values="javascript:alert(1)"/>'],
      ['<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="x"/></foreignObject>'],
      ['<embed src="data:text/html,x"/>'],
      ['<rect width="1" height="1" / onload=alert(1)>'], // a tag that does not parse
    ];
    for (const [inner, root] of unsafe) assert.equal(parse(svg(inner, root)), undefined, inner);
    const entity = new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "&#60;script&#62;">]><svg>&x;</svg>');
    assert.equal(parse(entity), undefined, 'an entity can expand to markup');
    // What a panel copies as text is escaped: code such as "one = 1" or a javascript: URL in the data stays exportable.
    const text = '<text x="0" y="10">const one = 1; // javascript:void(0) &#60;script&#62; onload=x</text>';
    const styled = '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml" style="font-family:&#34;Segoe UI&#34;, sans-serif;color:rgb(1, 2, 3)" aria-label="one &#62; two">x</div></foreignObject>';
    assert.ok(parse(svg(text + styled)));
    // A label or title may quote the data too (the Unrolled panel labels each input with its token).
    assert.ok(parse(svg('<g aria-label="token javascript:void(0)"><title>javascript:void(0)</title><text>x</text></g>')));
  });
});

describe('exports in flight on one panel', () => {
  it('saves both a PNG and an SVG asked for in quick succession, whichever answers first', async () => {
    const png = await media('trellis-panel.png');
    const svg = await media('activity-bar.svg');
    const pending = new PendingExports();
    pending.ask('png');
    pending.ask('svg');
    // The SVG (text) is ready before the PNG (drawn on a canvas).
    assert.deepEqual(pending.answer({ type: 'exportedImage', format: 'svg', bytes: svg }), { kind: 'image', format: 'svg', bytes: svg });
    assert.deepEqual(pending.answer({ type: 'exportedImage', format: 'png', bytes: png }), { kind: 'image', format: 'png', bytes: png });
    assert.equal(pending.answer({ type: 'exportedImage', format: 'png', bytes: png }), undefined, 'answered already: a page cannot save files on its own');
  });

  it('ignores what was not asked for; reports a bad file or an error against the request it answers', async () => {
    const png = await media('trellis-panel.png');
    const pending = new PendingExports();
    assert.equal(pending.answer({ type: 'exportedImage', format: 'png', bytes: png }), undefined, 'nothing asked');
    pending.ask('png');
    assert.equal(pending.answer({ type: 'exportedImage', format: 'svg', bytes: png }), undefined, 'SVG was not asked for');
    assert.deepEqual(pending.answer({ type: 'exportedImage', format: 'png', bytes: png.slice(1) }), { kind: 'invalid', format: 'png' });
    pending.ask('svg');
    pending.ask('png');
    assert.deepEqual(pending.answer({ type: 'exportImageFailed', format: 'png', error: 'no canvas' }), { kind: 'failed', format: 'png', error: 'no canvas' }, 'the request it names, not the oldest');
    assert.deepEqual(pending.answer({ type: 'exportedImage', format: 'svg', bytes: png }), { kind: 'invalid', format: 'svg' });
    assert.equal(pending.answer({ type: 'exportImageFailed', format: 'png', error: 'late' }), undefined, 'answered already');
  });

  it('when PNG and SVG both fail, each failure is reported against its own format, whichever comes first', () => {
    const pending = new PendingExports();
    pending.ask('png');
    pending.ask('svg');
    // The SVG fails at once; the PNG (drawn from the SVG on a canvas) fails later.
    assert.deepEqual(pending.answer({ type: 'exportImageFailed', format: 'svg', error: 'no styles' }), { kind: 'failed', format: 'svg', error: 'no styles' });
    assert.deepEqual(pending.answer({ type: 'exportImageFailed', format: 'png', error: 'image decode failed' }), { kind: 'failed', format: 'png', error: 'image decode failed' });
  });

  it('a failure that names no format answers a lone request, and none of two (it could be either)', () => {
    const pending = new PendingExports();
    pending.ask('png');
    pending.ask('svg');
    assert.equal(pending.answer({ type: 'exportImageFailed', error: 'no format' }), undefined);
    assert.deepEqual(pending.answer({ type: 'exportImageFailed', format: 'svg', error: 'x' }), { kind: 'failed', format: 'svg', error: 'x' }, 'both requests were still open');
    assert.deepEqual(pending.answer({ type: 'exportImageFailed', error: 'no format' }), { kind: 'failed', format: 'png', error: 'no format' });
    assert.equal(pending.answer({ type: 'exportImageFailed', error: 'no format' }), undefined, 'nothing left to answer');
  });
});
