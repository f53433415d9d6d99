// The host's check of a panel's "Export as PNG/SVG" answer (parseExportedImageMessage): it accepts real PNG and SVG
// files and a one-line error, and refuses anything else — wrong type or format, a PNG without its signature, an SVG
// that is not UTF-8 or has no <svg> root, an empty or oversized byte array, and an error that names a path.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_EXPORTED_IMAGE_BYTES, parseExportedImageMessage } from '../../src/shared/webviewProtocol';

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
      { type: 'exportImageFailed', error: '' },
      { type: 'exportImageFailed', error: ' \n ' },
      { type: 'exportImageFailed', error: 'x', bytes: png }, // both
      null,
      'exportedImage',
    ];
    for (const message of bad) assert.equal(parseExportedImageMessage(message), undefined, JSON.stringify(message)?.slice(0, 80));
  });

  it('refuses more than MAX_EXPORTED_IMAGE_BYTES, accepts exactly that many', async () => {
    const png = await media('trellis-panel.png');
    const big = new Uint8Array(MAX_EXPORTED_IMAGE_BYTES + 1);
    big.set(png.subarray(0, 8));
    assert.equal(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: big }), undefined);
    assert.ok(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: big.subarray(0, MAX_EXPORTED_IMAGE_BYTES) }));
  });

  it('passes an error on as one line of at most 500 characters that names no path', () => {
    const parsed = parseExportedImageMessage({ type: 'exportImageFailed', error: `could not draw\n  /home/me/secret.txt or C:\\x ${'y'.repeat(900)}` });
    assert.ok(parsed && 'error' in parsed);
    assert.ok(parsed.error.startsWith('could not draw home me secret.txt or C x y'), parsed.error.slice(0, 60));
    assert.ok(parsed.error.length <= 500 && !/[\n/\\]/.test(parsed.error));
  });
});
