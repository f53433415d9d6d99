// Every panel bundle (each folder of webview/ but common/, so a new panel is included the day it lands) opened
// under the real page and CSP of src/base/panelHtml.ts in headless Chromium, in each theme, before the host has
// sent anything and after a reload: it says it is ready, shows something, and causes no CSP violation and no page
// error. The panels' own tests check what they draw; this one is the floor under all of them.
import assert from 'node:assert/strict';
import { readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, launchPanelBrowser, startPanelHarness, type PanelHarness } from './panelHarness';

const panels = readdirSync(path.join(REPO_ROOT, 'webview')).filter(
  (name) => name !== 'common' && statSync(path.join(REPO_ROOT, 'webview', name)).isDirectory() && existsSync(path.join(REPO_ROOT, 'webview', name, 'main.ts')),
);

/** Runs in the page: the panel shows some text (an empty state says what it waits for). */
function hasVisibleText(): boolean {
  const body = (globalThis as unknown as { document: { body: { innerText: string } | null } }).document.body;
  return body !== null && body.innerText.trim().length > 0;
}

describe('every panel under the strict CSP', { timeout: 300_000 }, () => {
  const harnesses: PanelHarness[] = [];
  // One Chromium for the file; each panel in a context of its own.
  let browser: Browser;
  before(async () => {
    browser = await launchPanelBrowser();
  });
  after(async () => {
    for (const h of harnesses) await h.close();
    await browser?.close();
  });

  it('finds the panels', () => {
    assert.ok(panels.length >= 8, `panels: ${panels.join(', ')}`);
  });

  for (const panel of panels) {
    it(`${panel}: loads in dark, light and high-contrast themes and after a reload with no CSP violation or page error`, async () => {
      const harness = await startPanelHarness(panel, { browser });
      harnesses.push(harness);
      const page = await harness.open();
      await page.waitForFunction(hasVisibleText);
      for (const kind of ['light', 'high-contrast', 'dark']) {
        await page.evaluate((k) => (globalThis as unknown as { __test: { setTheme(k: string): void } }).__test.setTheme(k), kind);
      }
      await page.reload();
      await page.waitForFunction(hasVisibleText);
      // A panel tells the host it is ready (so the host can send its data) and posts only typed messages.
      const posted = (await page.evaluate(() => (globalThis as unknown as { __test: { posted: { type?: unknown }[] } }).__test.posted)) ?? [];
      assert.ok(posted.length > 0, `${panel} posted nothing to the host`);
      for (const message of posted) assert.equal(typeof message.type, 'string', `${panel} posted ${JSON.stringify(message)}`);
      await page.waitForTimeout(300); // let late style and script loads report themselves
      assert.deepEqual(harness.problems, [], `${panel}: ${harness.problems.join('\n')}`);
    });
  }
});
