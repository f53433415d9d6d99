// The extension host's own words go through vscode.l10n.t (so l10n/bundle.l10n.json can translate them): in the
// files that import vscode, a notification's message and a dialog's or quick pick's title, placeholder, prompt,
// detail and button label are never a bare string literal or template. Pure modules without vscode (hoverText.ts,
// gradientRules.ts…) are out of scope: their text is built where vscode is not available.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/** The files of review item 14 (today's host features) and the Runs view commands. */
const FILES = [
  'src/panels/comparePanel.ts',
  'src/panels/gradientLabPanel.ts',
  'src/sidebar/modelView.ts',
  'src/commands/duplicateRun.ts',
  'src/commands/runCommands.ts',
  'src/commands/deleteRuns.ts',
  ...readdirSync('src/rnnEditor').map((f) => path.posix.join('src/rnnEditor', f)),
].filter((f) => /from 'vscode'/.test(readFileSync(f, 'utf8')));

const BARE = [
  // showInformationMessage('…'), showErrorMessage(`…`), also with the text on the next line
  /show(?:Information|Warning|Error)Message\(\s*['"`]/g,
  // { title: '…' }, placeHolder: `…`, … in dialogs, quick picks and input boxes
  /\b(?:title|placeHolder|prompt|detail|saveLabel|openLabel):\s*['"`]/g,
];

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

test('user-facing host strings of the new features are localised', () => {
  assert.ok(FILES.length >= 6, `the checked files exist and import vscode (${FILES.join(', ')})`);
  const bare: string[] = [];
  for (const file of FILES) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of BARE) {
      for (const m of text.matchAll(pattern)) bare.push(`${file}:${lineOf(text, m.index)}: ${m[0]}`);
    }
  }
  assert.deepEqual(bare, []);
});
