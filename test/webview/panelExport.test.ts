// "Export as PNG…/SVG…" in headless Chromium, on the real Markov Orders page under its real CSP: the test plays the
// host (posts exportImage, validates the answer with the host's own parser) and then opens the exported SVG on its
// own, as a file and as an image, to see that it shows the panel's text and chart colours in the theme it was in.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { discreteHmmToJson } from '../../src/engine/hmm';
import { casinoExample, casinoModel } from '../../src/engine/examples/hmm';
import { sliceTrellisWindow } from '../../src/hmm/trellisWindow';
import { markovOrdersView } from '../../src/markov/ordersView';
import { PendingExports } from '../../src/base/pendingExports';
import { parseExportedImageMessage } from '../../src/shared/protocol/exportImage';
import type { MarkovOrdersView } from '../../src/shared/protocol/markovPanel';
import { hmmDecode, markovOrders } from '../../src/worker/analysis';
import { perplexityReading } from '../../webview/markovOrders/reading';
import { REPO_ROOT, launchPanelBrowser, startPanelHarness, type PanelHarness } from './panelHarness';
import { THEME_COLORS } from './pageStub';

/** Keeps image answers in the page as real Uint8Arrays (the stub API would turn them into JSON objects). */
const KEEP_IMAGES = `(() => {
  const acquire = window.acquireVsCodeApi;
  window.__images = [];
  window.acquireVsCodeApi = () => {
    const api = acquire();
    return { ...api, postMessage: (m) => (m && (m.type === 'exportedImage' || m.type === 'exportImageFailed') ? window.__images.push(m) : api.postMessage(m)) };
  };
  window.__imageBase64 = (i) => {
    const bytes = window.__images[i].bytes;
    let s = '';
    for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
    return btoa(s);
  };
})();`;

interface Answer { format: string; error?: string; bytes?: Buffer }

async function exportImage(page: Page, format: 'png' | 'svg'): Promise<Answer> {
  const before = (await page.evaluate('window.__images.length')) as number;
  await page.evaluate(`window.postMessage({ type: 'exportImage', format: '${format}' }, '*')`);
  await page.waitForFunction((n) => (globalThis as unknown as { __images: unknown[] }).__images.length > n, before);
  const answer = (await page.evaluate(`({ format: window.__images[${before}].format, error: window.__images[${before}].error })`)) as Answer;
  if (answer.error === undefined) answer.bytes = Buffer.from((await page.evaluate(`window.__imageBase64(${before})`)) as string, 'base64');
  return answer;
}

/** Pixels of an image (drawn into a canvas of a blank page) within a small distance of #rrggbb (page-side JS). */
const PIXELS_OF_COLOUR = `async (url, colour) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  let count = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) count++;
  }
  return { count, corner: Array.from(data.slice(0, 3)) };
}`;

async function pixelsOfColour(page: Page, dataUrl: string, hex: string): Promise<{ count: number; corner: number[] }> {
  return page.evaluate(`(${PIXELS_OF_COLOUR})(${JSON.stringify(dataUrl)}, ${JSON.stringify(hex)})`);
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

// One Chromium for the file; each panel in a browser context of its own.
let browser: Browser;
before(async () => {
  browser = await launchPanelBrowser();
});
after(async () => {
  await browser?.close();
});

describe('Export as PNG/SVG (every panel, here the Markov Orders page)', { timeout: 180_000 }, () => {
  let harness: PanelHarness;
  let view: MarkovOrdersView;
  let tmp: string;

  before(async () => {
    const text = await readFile(path.join(REPO_ROOT, 'examples', 'verse.txt'), 'utf8');
    view = markovOrdersView(await markovOrders(text, 'char', 1, 120), 'verse.txt');
    harness = await startPanelHarness('markovOrders', { browser });
    tmp = await mkdtemp(path.join(tmpdir(), 'sequence-lab-export-'));
  });

  after(async () => {
    await harness?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  async function openWithView(theme: 'dark' | 'light'): Promise<Page> {
    const page = await harness.open();
    await page.addInitScript(KEEP_IMAGES);
    await page.evaluate(`window.__test.setTheme(${JSON.stringify(theme)})`);
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'ready'));
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showOrders', view })})`);
    await page.locator('#perplexity-reading', { hasText: perplexityReading(view) }).waitFor();
    await page.waitForFunction((hex) => (globalThis as unknown as { __test: { hasPixelsOfColour(id: string, h: string): boolean } }).__test.hasPixelsOfColour('perplexity-chart', hex), THEME_COLORS[theme].orange);
    return page;
  }

  for (const theme of ['dark', 'light'] as const) {
    it(`SVG (${theme} theme): a standalone document with the panel's text, charts and theme colours baked in`, async () => {
      const page = await openWithView(theme);
      const answer = await exportImage(page, 'svg');
      assert.equal(answer.error, undefined);
      const bytes = new Uint8Array(answer.bytes!);
      // The host's own validation accepts it.
      assert.equal(parseExportedImageMessage({ type: 'exportedImage', format: 'svg', bytes })?.type, 'exportedImage');
      const svg = answer.bytes!.toString('utf8');
      assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.doesNotMatch(svg, /var\(--vscode/, 'theme variables are resolved to colours');
      assert.doesNotMatch(svg, /<script/i);
      assert.match(svg, /<img [^>]*src="data:image\/png;base64,/, 'the Chart.js canvases are embedded as images');
      assert.deepEqual(harness.problems, [], 'exporting raises no CSP violation');

      // Opened on its own (no CSP, no stylesheet, no theme variables), it shows the panel's reading as text…
      const file = path.join(tmp, `markov-${theme}.svg`);
      await writeFile(file, answer.bytes!);
      const standalone = await page.context().newPage();
      await standalone.goto(pathToFileURL(file).href);
      assert.equal(await standalone.evaluate('document.documentElement.localName'), 'svg');
      assert.equal(await standalone.getByText(perplexityReading(view)).isVisible(), true);
      // …and as an image: the theme's editor background and the theme's chart colours (not the other theme's).
      const url = `data:image/svg+xml;base64,${answer.bytes!.toString('base64')}`;
      const other = theme === 'dark' ? THEME_COLORS.light : THEME_COLORS.dark;
      const colours = THEME_COLORS[theme];
      const background = theme === 'dark' ? '#1f1f1f' : '#ffffff';
      const orange = await pixelsOfColour(standalone, url, colours.orange);
      assert.ok(orange.count > 50, `${orange.count} pixels of the ${theme} orange`);
      assert.ok((await pixelsOfColour(standalone, url, other.orange)).count < 50);
      assert.ok((await pixelsOfColour(standalone, url, colours.blue)).count > 50);
      const corner = orange.corner;
      assert.ok(corner.every((c, i) => Math.abs(c - rgb(background)[i]) < 8), `background ${corner} is ${background}`);
      await standalone.close();
      await page.close();
    });
  }

  it('PNG: the PNG signature, the page size × 2, the chart colours, and no CSP violation', async () => {
    const page = await openWithView('dark');
    const answer = await exportImage(page, 'png');
    assert.equal(answer.error, undefined);
    const png = answer.bytes!;
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: new Uint8Array(png) })?.type, 'exportedImage');
    // IHDR: width and height, big-endian, at bytes 16 and 20.
    const size = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.scrollHeight, devicePixelRatio]')) as number[];
    assert.equal(size[2], 1);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [size[0] * 2, size[1] * 2]);
    const blank = await page.context().newPage();
    const url = `data:image/png;base64,${png.toString('base64')}`;
    assert.ok((await pixelsOfColour(blank, url, THEME_COLORS.dark.orange)).count > 200);
    await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    await writeFile(path.join(REPO_ROOT, 'test-results', 'export-markov.png'), png);
    assert.deepEqual(harness.problems, []);
    await blank.close();
    await page.close();
  });

  it('PNG and SVG asked for together and both failing: each failure names its own format, and the host reports it so', async () => {
    const page = await openWithView('dark');
    // Break each format its own way: the SVG's text cannot be encoded, the PNG's image cannot be decoded.
    await page.evaluate(`TextEncoder.prototype.encode = () => { throw new Error('encoder broken'); };
      HTMLImageElement.prototype.decode = () => Promise.reject(new Error('decoder broken'));`);
    const before = (await page.evaluate('window.__images.length')) as number;
    await page.evaluate(`window.postMessage({ type: 'exportImage', format: 'png' }, '*'); window.postMessage({ type: 'exportImage', format: 'svg' }, '*');`);
    await page.waitForFunction((n) => (globalThis as unknown as { __images: unknown[] }).__images.length >= n + 2, before);
    const answers = (await page.evaluate(`window.__images.slice(${before})`)) as { type: string; format: string; error: string }[];
    const byFormat = Object.fromEntries(answers.map((a) => [a.format, a]));
    assert.deepEqual(Object.keys(byFormat).sort(), ['png', 'svg'], JSON.stringify(answers));
    assert.match(byFormat.svg.error, /encoder broken/);
    assert.match(byFormat.png.error, /decoder broken/);
    // The host takes each answer, in the order it came, as the answer to the request it names.
    const pending = new PendingExports();
    pending.ask('png');
    pending.ask('svg');
    for (const a of answers) {
      const parsed = parseExportedImageMessage(a);
      assert.equal(parsed?.type === 'exportImageFailed' && parsed.format, a.format, JSON.stringify(a));
      assert.deepEqual(pending.answer(a), { kind: 'failed', format: a.format, error: a.error });
    }
    await page.close();
  });
});

describe('Export as SVG of a panel drawn in inline SVG (the Trellis page)', { timeout: 180_000 }, () => {
  let harness: PanelHarness;
  let tmp: string;

  before(async () => {
    harness = await startPanelHarness('trellis', { browser });
    tmp = await mkdtemp(path.join(tmpdir(), 'sequence-lab-export-'));
  });

  after(async () => {
    await harness?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('keeps every node of the trellis with the fill and stroke the page computed from its stylesheet and theme', async () => {
    const ex = casinoExample(200, 11);
    const result = await hmmDecode(ex.symbols, { kind: 'modelJson', modelText: JSON.stringify(discreteHmmToJson(casinoModel())), modelLabel: 'casino.json' });
    const page = await harness.open();
    await page.addInitScript(KEEP_IMAGES);
    await page.evaluate('window.__test.setTheme("light")');
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'ready'));
    const view = sliceTrellisWindow(result, 60, 70, 'casino-rolls.txt');
    await page.evaluate(`window.__test.sendFromHost(${JSON.stringify({ type: 'showWindow', view })})`);
    await page.locator('svg#trellis circle.node').first().waitFor();
    const paint = `Array.from(document.querySelectorAll('circle')).map((c) => { const s = getComputedStyle(c); return [s.fill, s.fillOpacity, s.opacity, s.stroke, s.strokeWidth, c.getAttribute('cx')]; })`;
    const shown = (await page.evaluate(paint)) as string[][];
    assert.ok(shown.length >= 40, `${shown.length} nodes`);
    assert.ok(new Set(shown.map((p) => p.slice(0, 3).join())).size > 2, 'nodes are shaded by posterior');
    const answer = await exportImage(page, 'svg');
    assert.equal(answer.error, undefined);
    const file = path.join(tmp, 'trellis.svg');
    await writeFile(file, answer.bytes!);
    const standalone = await page.context().newPage();
    await standalone.goto(pathToFileURL(file).href);
    assert.deepEqual(await standalone.evaluate(paint), shown);
    assert.equal(await standalone.getByText('casino-rolls.txt').first().isVisible(), true);
    assert.deepEqual(harness.problems, []);
    await standalone.close();
    await page.close();
  });
});

// Every panel bundle (each folder of webview/ with a main.ts), before the host has sent anything: both formats come
// back valid by the host's own check, the SVG shows the page's text, and nothing violates the CSP.
const panels = readdirSync(path.join(REPO_ROOT, 'webview')).filter(
  (name) => name !== 'common' && statSync(path.join(REPO_ROOT, 'webview', name)).isDirectory() && existsSync(path.join(REPO_ROOT, 'webview', name, 'main.ts')),
);

describe('every panel answers Export as PNG/SVG', { timeout: 600_000 }, () => {
  for (const name of panels) {
    it(`${name}: a valid SVG with the page's text and a valid PNG`, async () => {
      const harness = await startPanelHarness(name, { browser });
      try {
        const page = await harness.open();
        await page.addInitScript(KEEP_IMAGES);
        await page.reload();
        await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: { type: string }[] } }).__test.posted.some((m) => m.type === 'ready'));
        const svg = await exportImage(page, 'svg');
        assert.equal(svg.error, undefined);
        assert.ok(parseExportedImageMessage({ type: 'exportedImage', format: 'svg', bytes: new Uint8Array(svg.bytes!) }));
        const words = ((await page.evaluate('document.body.innerText')) as string).split(/\s+/).filter((w) => /^[A-Za-z]{4,}$/.test(w)).slice(0, 5);
        assert.ok(words.length > 0, 'the empty panel says something');
        // (innerText applies text-transform; the SVG keeps the text and the text-transform style)
        const text = svg.bytes!.toString('utf8').toLowerCase();
        for (const w of words) assert.ok(text.includes(w.toLowerCase()), `the SVG has "${w}"`);
        const png = await exportImage(page, 'png');
        assert.equal(png.error, undefined);
        assert.ok(parseExportedImageMessage({ type: 'exportedImage', format: 'png', bytes: new Uint8Array(png.bytes!) }));
        assert.deepEqual(harness.problems, []);
      } finally {
        await harness.close();
      }
    });
  }
});
