// The HTML page of every webview panel. Pure (no `vscode`): the host passes the webview's cspSource and URIs as
// strings, and the headless-browser tests render the very same page.
//
// Content-Security-Policy: scripts only with this page's nonce; styles, images and fonts only from the extension's
// own resources — no 'unsafe-inline', no remote content. The nonce is also allowed for styles and published in
// <meta property="csp-nonce">: the webview UI toolkit (FAST) reads it for the one <style> element it inserts (a
// :focus-visible probe), so the page raises no CSP violation at all.

export interface PanelHtmlOptions {
  /** `webview.cspSource` */
  cspSource: string;
  /** A fresh nonce per page (makeNonce()). */
  nonce: string;
  /** `webview.asWebviewUri(...)` of the panel's bundle, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(...)` of media/webview.css, as a string. */
  styleUri: string;
  title: string;
}

/** 128 random bits, base64: unguessable, and valid as a CSP nonce. */
export function makeNonce(): string {
  // Web Crypto and btoa: the same in Node 20 and in a browser (the web extension host has no node:crypto).
  return btoa(String.fromCharCode(...globalThis.crypto.getRandomValues(new Uint8Array(16))));
}

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;

/** Escapes text for HTML content and double-quoted attributes (single quotes, as in the CSP, stay readable). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function renderPanelHtml({ cspSource, nonce, scriptUri, styleUri, title }: PanelHtmlOptions): string {
  if (!NONCE.test(nonce)) throw new Error('renderPanelHtml: the nonce must be base64 of at least 12 random bytes');
  // VS Code gives one or more source expressions (1.100: `'self' https://*.vscode-cdn.net`); refuse only what
  // could end the directive or the attribute and so smuggle in another policy.
  if (/[;,"<>]/.test(cspSource) || cspSource.trim() === '') {
    throw new Error('renderPanelHtml: cspSource must be a list of source expressions');
  }
  const csp = escapeHtml(contentSecurityPolicy(cspSource.trim(), nonce));
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta property="csp-nonce" content="${escapeHtml(nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeHtml(styleUri)}">
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <div id="root"></div>
  <script nonce="${escapeHtml(nonce)}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}
