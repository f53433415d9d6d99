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

/** The view types of Sequence Lab's panels start with this (e.g. sequenceLab.training, sequenceLab.gates). */
const VIEW_TYPE_PREFIX = 'sequenceLab.';

function isOurPanelTab(tab: vscode.Tab): boolean {
  // A webview tab's viewType is the registered one, or it with VS Code's "mainThreadWebview-" prefix.
  return typeof vscode.TabInputWebview === 'function' && tab.input instanceof vscode.TabInputWebview && tab.input.viewType.replace(/^mainThreadWebview-/, '').startsWith(VIEW_TYPE_PREFIX);
}

/**
 * Where a new panel opens: as a tab of the editor group that already holds Sequence Lab panels (the active group
 * when it holds one, else the first such group), so further panels do not each add a column; beside the editor when
 * no panel is open yet.
 */
export function panelColumn(): vscode.ViewColumn {
  const groups = vscode.window.tabGroups as vscode.TabGroups | undefined; // absent in the host tests' fake vscode
  if (!groups) return vscode.ViewColumn.Beside;
  const withPanels = groups.all.filter((g) => g.tabs.some(isOurPanelTab));
  const group = withPanels.find((g) => g === groups.activeTabGroup) ?? withPanels[0];
  return group?.viewColumn ?? vscode.ViewColumn.Beside;
}

/** Gives a panel's or a view's webview its page: `dist/webview/<bundle>.js` under the shared stylesheet, strict CSP. */
export function initWebview(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): void {
  const asUri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  webview.options = panelOptions(extensionUri);
  webview.html = renderPanelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: asUri('dist', 'webview', `${bundle}.js`),
    styleUri: asUri('media', 'webview.css'),
    title,
  });
}

/** Sets up a new or revived panel to show `dist/webview/<bundle>.js` under the shared stylesheet. */
export function initPanel(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, bundle: string, title: string): void {
  initWebview(panel.webview, extensionUri, bundle, title);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity-bar.svg');
  trackPanelForExport(panel); // "Export Panel as PNG…/SVG…" works on every panel
}
