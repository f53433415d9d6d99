// Copies the README's screenshots from the last test run into media/: the e2e tests (real VS Code in code-server) and
// the headless panel tests write test-results/*.png on every run; this picks one per picture and shrinks it so that
// all of them ship in the .vsix under 2 MB (test/host/marketplacePackage.test.ts checks both): the panel table's
// fourteen in media/screenshots/ are scaled to fit 640×400 (about half size, a box average: the size the README's
// two-column table shows them at), the two at the top of the README (media/*.png) keep their size; each is then
// reduced to a 64-colour palette PNG without dithering (Debian's `pngquant`; ImageMagick's `convert` if it is missing,
// a little larger). About 40 KB a thumbnail and 75 KB a full-size one.
//
//   npm run build && npm run package
//   node --import tsx --test test/e2e/gatesInVsCode.test.ts test/e2e/fitHmmInVsCode.test.ts …   (see SHOTS below)
//   node scripts/update-screenshots.mjs            (then look at the changed media/ PNGs before committing)
//   node scripts/update-screenshots.mjs gates.png  (only the screenshots named)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(REPO_ROOT, 'test-results');
const MEDIA = path.join(REPO_ROOT, 'media');
/** Upper bounds per file: the README's two full-size pictures, and the panel table's thumbnails. */
const MAX_BYTES = { full: 96 * 1024, thumbnail: 64 * 1024 };

/**
 * README screenshot ← the test result it comes from (and the test that writes it); crop: WxH+X+Y before scaling;
 * full: one of the two at the top of the README (media/, full size), else a panel-table thumbnail (media/screenshots/).
 */
export const SHOTS = [
  { name: 'training-panel.png', from: 'e2e-stopped.png', test: 'test/e2e/trainInVsCode.test.ts', full: true },
  { name: 'trellis-panel.png', from: 'e2e-trellis-linked.png', test: 'test/e2e/decodeInVsCode.test.ts', full: true },
  { name: 'gates.png', from: 'e2e-gates.png', test: 'test/e2e/gatesInVsCode.test.ts' },
  { name: 'unrolled.png', from: 'e2e-unrolled.png', test: 'test/e2e/gatesInVsCode.test.ts' },
  { name: 'gradient-flow.png', from: 'e2e-gradient-flow.png', test: 'test/e2e/trainInVsCode.test.ts' },
  { name: 'hmm-fit.png', from: 'e2e-fit-hmm.png', test: 'test/e2e/fitHmmInVsCode.test.ts' },
  { name: 'taggers.png', from: 'e2e-taggers.png', test: 'test/e2e/compareTaggersInVsCode.test.ts' },
  { name: 'compare-runs.png', from: 'e2e-compare-runs.png', test: 'test/e2e/compareRunsInVsCode.test.ts' },
  { name: 'gradient-lab.png', from: 'e2e-gradient-lab.png', test: 'test/e2e/gradientLabInVsCode.test.ts' },
  // The Model view is in the side bar: the side bar and the file it trains on (the Training panel beside is left out).
  { name: 'model-view.png', from: 'e2e-model-view.png', test: 'test/e2e/modelViewInVsCode.test.ts', crop: '875x860+0+0' },
  { name: 'colour-text.png', from: 'e2e-colour-text-hover.png', test: 'test/e2e/colourTextInVsCode.test.ts' },
  { name: 'unrolled-bigru.png', from: 'e2e-unrolled-bigru.png', test: 'test/e2e/bidirectionalInVsCode.test.ts' },
  { name: 'colour-text-tagged.png', from: 'e2e-colour-text-bigru.png', test: 'test/e2e/bidirectionalInVsCode.test.ts' },
  { name: 'unit-search.png', from: 'e2e-unit-search.png', test: 'test/e2e/unitSearchInVsCode.test.ts' },
  { name: 'gradient-lab-trained.png', from: 'e2e-gradient-lab-trained.png', test: 'test/e2e/gradientLabInVsCode.test.ts' },
  // No e2e test opens the Markov Orders panel: the headless panel test's page, its first 800 pixels.
  { name: 'markov-orders.png', from: 'webview-markov.png', test: 'test/webview/markovPanel.test.ts', crop: '1000x800+0+0' },
];

function run(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`"${command}" is needed (${r.error.message})`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

const CONVERT = existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert';
const PNGQUANT = ['/usr/bin/pngquant', '/usr/local/bin/pngquant'].find((p) => existsSync(p));

/** `source` (cropped, and scaled to fit 640×400 unless `full`) as a palette PNG of `colours` colours at `target`. */
function shrink(source, target, { crop, full }, colours) {
  const geometry = [...(crop ? ['-crop', crop, '+repage'] : []), ...(full ? [] : ['-scale', '640x400>'])];
  if (!PNGQUANT) {
    run(CONVERT, [source, ...geometry, '-dither', 'None', '-colors', String(colours), '-strip', `PNG8:${target}`]);
    return;
  }
  const truecolour = `${target}.rgb.png`;
  try {
    run(CONVERT, [source, ...geometry, '-strip', `PNG24:${truecolour}`]);
    run(PNGQUANT, ['--speed', '1', '--nofs', '--strip', '--force', '--output', target, String(colours), truecolour]);
  } finally {
    rmSync(truecolour, { force: true });
  }
}

function main(only) {
  const unknown = only.filter((name) => !SHOTS.some((shot) => shot.name === name));
  if (unknown.length) throw new Error(`no screenshot named ${unknown.join(', ')} (known: ${SHOTS.map((s) => s.name).join(', ')})`);
  mkdirSync(path.join(MEDIA, 'screenshots'), { recursive: true });
  if (!PNGQUANT) console.warn('pngquant not found (Debian: apt-get install pngquant): reducing colours with ImageMagick instead');
  let missing = 0;
  for (const shot of SHOTS.filter((s) => only.length === 0 || only.includes(s.name))) {
    const source = path.join(RESULTS, shot.from);
    if (!existsSync(source)) {
      console.error(`missing ${path.relative(REPO_ROOT, source)}: run ${shot.test} first`);
      missing++;
      continue;
    }
    const target = path.join(MEDIA, ...(shot.full ? [] : ['screenshots']), shot.name);
    const max = shot.full ? MAX_BYTES.full : MAX_BYTES.thumbnail;
    // Fewer colours until it fits: UI screenshots are flat colours plus antialiasing, 64 colours look the same.
    for (const colours of [64, 48, 32]) {
      shrink(source, target, shot, colours);
      if (statSync(target).size <= max) break;
    }
    const size = statSync(target).size;
    console.log(`${path.relative(REPO_ROOT, target)} ← ${shot.from} (${Math.round(size / 1024)} KB${size > max ? `, still over ${max / 1024} KB` : ''})`);
  }
  if (missing) process.exit(1);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
