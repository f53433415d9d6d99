// The webview page: strict CSP, nonce everywhere it is needed, nothing inline, values escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeNonce, renderPanelHtml } from '../../src/base/panelHtml';

const OPTIONS = {
  cspSource: 'https://*.vscode-cdn.net',
  nonce: makeNonce(),
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/training.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
  title: 'Training <a & b>',
};

test('strict CSP: nonce scripts, own styles/images/fonts, no unsafe-inline or remote hosts', () => {
  const html = renderPanelHtml(OPTIONS);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
  const n = OPTIONS.nonce;
  assert.equal(
    csp,
    `default-src 'none'; script-src 'nonce-${n}'; style-src ${OPTIONS.cspSource} 'nonce-${n}'; ` +
      `img-src ${OPTIONS.cspSource} data:; font-src ${OPTIONS.cspSource}`,
  );
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|\son[a-z]+=|style="/);
  assert.match(html, new RegExp(`<meta property="csp-nonce" content="${n.replace(/[+/]/g, '\\$&')}">`));
  assert.match(html, /<script nonce="[^"]+" src="https:\/\/file\+\.vscode-resource[^"]+training\.js"><\/script>/);
  assert.equal(html.match(/<script/g)?.length, 1, 'one script, no inline code');
  assert.match(html, /<title>Training &#60;a &#38; b&#62;<\/title>/);
});

test('nonces are fresh and unguessable; bad nonces and CSP sources are refused', () => {
  const nonces = new Set(Array.from({ length: 100 }, makeNonce));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.ok(nonce.length >= 22);
  assert.throws(() => renderPanelHtml({ ...OPTIONS, nonce: 'abc' }));
  assert.throws(() => renderPanelHtml({ ...OPTIONS, nonce: `${OPTIONS.nonce}' 'unsafe-inline` }));
  assert.throws(() => renderPanelHtml({ ...OPTIONS, cspSource: "x; script-src 'unsafe-inline'" }));
  assert.throws(() => renderPanelHtml({ ...OPTIONS, cspSource: 'x" onload="alert(1)' }));
  // What VS Code 1.100 really passes: two source expressions.
  const real = renderPanelHtml({ ...OPTIONS, cspSource: "'self' https://*.vscode-cdn.net" });
  assert.match(real, /style-src &#39;self&#39; https:\/\/\*\.vscode-cdn\.net 'nonce-|style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
});
