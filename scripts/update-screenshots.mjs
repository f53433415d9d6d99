// Copies the README's panel screenshots from the last test run into media/screenshots/: the e2e tests (real VS Code
// in code-server) and the headless panel tests write test-results/*.png on every run; this picks one per panel,
// scales it to at most 1280×800 and reduces it to a palette PNG (ImageMagick `convert`) so each stays under 150 KB.
//
//   npm run build && npm run package
//   node --import tsx --test test/e2e/gatesInVsCode.test.ts test/e2e/fitHmmInVsCode.test.ts …   (see SHOTS below)
//   node scripts/update-screenshots.mjs            (then look at media/screenshots/*.png before committing)
//   node scripts/update-screenshots.mjs gates.png  (only the screenshots named)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(REPO_ROOT, 'test-results');
const OUT = path.join(REPO_ROOT, 'media', 'screenshots');
const MAX_BYTES = 150 * 1024;

/** README screenshot ← the test result it comes from (and the test that writes it); crop: WxH+X+Y before scaling. */
export const SHOTS = [
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

function convert(args) {
  const r = spawnSync(existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`ImageMagick "convert" is needed (${r.error.message})`);
  if (r.status !== 0) throw new Error(`convert ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

function main(only) {
  const unknown = only.filter((name) => !SHOTS.some((shot) => shot.name === name));
  if (unknown.length) throw new Error(`no screenshot named ${unknown.join(', ')} (known: ${SHOTS.map((s) => s.name).join(', ')})`);
  mkdirSync(OUT, { recursive: true });
  let missing = 0;
  for (const shot of SHOTS.filter((s) => only.length === 0 || only.includes(s.name))) {
    const source = path.join(RESULTS, shot.from);
    if (!existsSync(source)) {
      console.error(`missing ${path.relative(REPO_ROOT, source)}: run ${shot.test} first`);
      missing++;
      continue;
    }
    const target = path.join(OUT, shot.name);
    // Fewer colours until it fits: UI screenshots are flat colours plus antialiasing, 128 colours look the same.
    for (const colours of [256, 128, 64, 32]) {
      convert([source, ...(shot.crop ? ['-crop', shot.crop, '+repage'] : []), '-resize', '1280x800>', '-dither', 'None', '-colors', String(colours), '-strip', `PNG8:${target}`]);
      if (statSync(target).size <= MAX_BYTES) break;
    }
    const size = statSync(target).size;
    console.log(`${path.relative(REPO_ROOT, target)} ← ${shot.from} (${Math.round(size / 1024)} KB${size > MAX_BYTES ? ', still over 150 KB' : ''})`);
  }
  if (missing) process.exit(1);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
