// "Export Panel as PNG…" then "Export Panel as SVG…" on a panel that can draw neither (src/base/panelExport.ts),
// against a minimal stand-in for the `vscode` module: the page's failures arrive SVG first (it fails at once) and PNG
// second, and each error notification names the format that failed and what to try, never the other one's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { installFakeVscode, uninstallFakeVscode, l10nFormat } from './fakeVscode';

type Listener = (value: unknown) => void;

const errors: string[] = [];
const commands = new Map<string, () => unknown>();
const fakeVscode = {
  l10n: { t: l10nFormat },
  window: {
    showErrorMessage: async (message: string) => void errors.push(message),
    showInformationMessage: async (message: string) => assert.fail(`unexpected notification: ${message}`),
    showSaveDialog: async () => assert.fail('nothing may be saved'),
  },
  commands: {
    registerCommand: (id: string, run: () => unknown) => {
      commands.set(id, run);
      return { dispose: () => commands.delete(id) };
    },
  },
  workspace: { workspaceFolders: undefined },
};

/** The page side of a Sequence Lab panel: what the host posts to it, and what it answers. */
function fakePanel() {
  const received: Listener[] = [];
  const posted: unknown[] = [];
  return {
    title: 'Sequence Lab: Markov Orders',
    active: true,
    visible: true,
    posted,
    webview: {
      postMessage: async (message: unknown) => void posted.push(message),
      onDidReceiveMessage: (listener: Listener) => {
        received.push(listener);
        return { dispose: () => undefined };
      },
    },
    onDidDispose: () => ({ dispose: () => undefined }),
    fromPage: (message: unknown) => received.forEach((l) => l(message)),
  };
}

let panelExport: typeof import('../../src/base/panelExport');

before(async () => {
  installFakeVscode(fakeVscode);
  panelExport = await import('../../src/base/panelExport');
});

after(() => {
  uninstallFakeVscode();
});

test('PNG and SVG both fail: each notification names its own format and what to do', async () => {
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
  panelExport.registerPanelExport();
  const panel = fakePanel();
  panelExport.trackPanelForExport(panel as never);
  await commands.get(panelExport.EXPORT_PANEL_PNG_COMMAND)!();
  await commands.get(panelExport.EXPORT_PANEL_SVG_COMMAND)!();
  assert.deepEqual(panel.posted, [{ type: 'exportImage', format: 'png' }, { type: 'exportImage', format: 'svg' }]);

  panel.fromPage({ type: 'exportImageFailed', format: 'svg', error: 'getComputedStyle failed' });
  panel.fromPage({ type: 'exportImageFailed', format: 'png', error: 'the image could not be decoded' });
  assert.equal(errors.length, 2);
  const [svg, png] = errors;
  assert.match(svg, /could not export the panel as SVG \(getComputedStyle failed\)\. Close and reopen the panel/);
  assert.doesNotMatch(svg, /PNG/);
  assert.match(png, /could not export the panel as PNG \(the image could not be decoded\)\./);
  assert.ok(png.includes(`"${nls['command.sequenceLab.exportPanelSvg.title']}"`), `the PNG failure points to the SVG export by its title: ${png}`);

  // Both requests are answered: a late repeat is nobody's answer and shows nothing.
  panel.fromPage({ type: 'exportImageFailed', format: 'png', error: 'again' });
  assert.equal(errors.length, 2);
});
