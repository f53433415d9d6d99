// What every Sequence Lab webview panel shares on the host side: the options that confine it to dist/ and media/,
// and its page (strict CSP, script by nonce, the panel's own bundle from dist/webview/).
import * as vscode from 'vscode';
import { makeNonce, renderPanelHtml } from './panelHtml';
import { trackPanelForExport } from './panelExport';

export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Sets up a new or revived panel to show `dist/webview/<bundle>.js` under the shared stylesheet. */
export function initPanel(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, bundle: string, title: string): void {
  const asUri = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  panel.webview.options = panelOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
  panel.webview.html = renderPanelHtml({
    cspSource: panel.webview.cspSource,
    nonce: makeNonce(),
    scriptUri: asUri('dist', 'webview', `${bundle}.js`),
    styleUri: asUri('media', 'webview.css'),
    title,
  });
  trackPanelForExport(panel); // "Export Panel as PNG…/SVG…" works on every panel
}
