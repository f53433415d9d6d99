// "Export as SVG…/PNG…" as a user meets it in a real VS Code (code-server): open verse.txt, compare Markov orders,
// and in the panel's title bar press "Export Panel as SVG…"; the save dialog asks where, the file is written and
// "Saved <name>" is shown. Then "Sequence Lab: Export Panel as PNG…" from the palette on the same panel. The files
// on disk are what the panel shows: a standalone SVG with its reading, and a PNG at twice the panel's size.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, answerFileDialog, notifications, openFile, runCommand, seconds, webviewCspViolations, webviewFrame } from '../../scripts/vscode-harness.mjs';
import { openPackagedWorkbench, workbenchSession } from './workbenchSession';

const workspace = path.join(REPO_ROOT, 'examples');
const resultsDir = path.join(REPO_ROOT, 'test-results');
const session = workbenchSession('e2e-export-panel-failure.png');


async function waitForNotification(page: Page, text: string): Promise<void> {
  await page.locator('.notification-toast .notification-list-item-message', { hasText: text }).first()
    .waitFor({ state: 'visible', timeout: 60_000 })
    .catch(async (error) => { throw new Error(`${error}; notifications: ${JSON.stringify(await notifications(page))}`); });
}

test('export the Markov Orders panel as SVG from its title bar and as PNG from the palette', { timeout: 300_000 }, async () => {
  const started = Date.now();
  const phase = (what: string) => console.log(`[${seconds(started)}] ${what}`);
  mkdirSync(resultsDir, { recursive: true });
  const out = mkdtempSync(path.join(tmpdir(), 'sequence-lab-export-e2e-'));
  try {
    const { page } = await openPackagedWorkbench(session, workspace);
    await openFile(page, 'verse.txt');
    await runCommand(page, 'Sequence Lab: Compare Markov Orders on Active File', { timeout: 90_000 });
    // "Model the file as…": characters (the first choice).
    const characters = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Characters' }).first();
    await characters.waitFor({ state: 'visible', timeout: 30_000 });
    await characters.click();
    const panel = await webviewFrame(page, { selector: '#perplexity-reading', timeout: 90_000 });
    await panel.locator('#perplexity-reading', { hasText: 'Held-out perplexity' }).waitFor({ timeout: 90_000 });
    const reading = (await panel.locator('#perplexity-reading').innerText()).trim();
    phase('Markov Orders panel shown');

    // The title bar of the panel's editor group has the two export buttons (when: activeWebviewPanelId).
    await panel.locator('h1').first().click();
    const svgButton = page.locator('.editor-actions a.action-label[aria-label^="Export Panel as SVG"]').first();
    await svgButton.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('.editor-actions a.action-label[aria-label^="Export Panel as PNG"]').first().isVisible(), true);
    await svgButton.click();
    const svgFile = path.join(out, 'markov.svg');
    await answerFileDialog(page, svgFile);
    await waitForNotification(page, 'Saved markov.svg');
    const svg = readFileSync(svgFile, 'utf8');
    assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes(reading.replace(/&/g, '&#38;')), 'the SVG holds the panel\'s reading as text');
    assert.match(svg, /<img [^>]*src="data:image\/png;base64,/);
    assert.doesNotMatch(svg, /var\(--vscode/);
    phase(`SVG saved: ${svg.length} bytes`);

    await panel.locator('h1').first().click();
    await runCommand(page, 'Sequence Lab: Export Panel as PNG…');
    const pngFile = path.join(out, 'markov.png');
    await answerFileDialog(page, pngFile);
    await waitForNotification(page, 'Saved markov.png');
    const png = readFileSync(pngFile);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = png.readUInt32BE(16);
    const pageWidth = await panel.locator('body').evaluate((b) => (b as unknown as { ownerDocument: { documentElement: { scrollWidth: number } } }).ownerDocument.documentElement.scrollWidth);
    assert.ok(width >= 2 * pageWidth && width <= 4 * pageWidth, `PNG ${width} px wide for a ${pageWidth} px panel`);
    phase(`PNG saved: ${png.length} bytes, ${width} × ${png.readUInt32BE(20)}`);
    assert.deepEqual(await webviewCspViolations(page, '#perplexity-reading'), [], 'CSP violations while exporting');
    await page.screenshot({ path: path.join(resultsDir, 'e2e-export-panel.png'), fullPage: true });
    session.passed = true;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
