// The Get Started walkthrough and the experiment-file contributions in package.json, checked against the files and
// the code: every button runs a command that exists, on an example file that "New Example…" really writes; every
// step's markdown and image ship in media/ and load nothing remote; *.seqlab.json is validated with the schema.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { exampleFiles } from '../../src/engine/examples';
import { exampleExperimentFiles } from '../../src/examples/exampleExperiments';
import { WALKTHROUGH_ACTIONS, WALKTHROUGH_ID } from '../../src/walkthrough/steps';
import { readLocalizedManifest } from './localizedManifest';

const manifest = readLocalizedManifest(); // titles and descriptions as VS Code shows them (package.nls.json)
const contributed = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
const walkthrough = manifest.contributes.walkthroughs.find((w: { id: string }) => w.id === WALKTHROUGH_ID);

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents: string[];
}

test('the walkthrough follows the lecture, one step per topic, each with a button and a completion event', () => {
  assert.ok(walkthrough, `walkthrough ${WALKTHROUGH_ID} in package.json`);
  const steps: Step[] = walkthrough.steps;
  assert.deepEqual(steps.map((s) => s.title), [
    'Chain rule and surprisal',
    'Markov order k',
    'HMM and Viterbi',
    'RNN, unrolled',
    'Bidirectional RNN',
    'Backpropagation through time',
    'Vanishing and exploding gradients',
    'LSTM gates',
  ]);
  for (const step of steps) {
    const links = [...step.description.matchAll(/\]\(command:([\w.]+)(\?[^)]*)?\)/g)].map((m) => m[1]);
    assert.ok(links.length >= 1 && links.length <= 2, `${step.id}: one button (a second one only to open a tool)`);
    for (const link of links) {
      assert.ok(contributed.has(link), `${step.id}: ${link} is a contributed command`);
      assert.ok(step.completionEvents.includes(`onCommand:${link}`), `${step.id} completes on its button ${link}`);
    }
    for (const event of step.completionEvents) {
      const command = /^onCommand:(.+)$/.exec(event)?.[1];
      assert.ok(command && contributed.has(command), `${step.id}: ${event} names a contributed command`);
    }
    assert.match(step.description.split('\n')[0], /[=≈∏∂⊙]/, `${step.id}: the short text has the formula`);
  }
});

test('each button is a walkthrough action that opens a file New Example writes and runs a contributed command', () => {
  const buttons = (walkthrough.steps as Step[]).map((s) => /\]\(command:([\w.]+)/.exec(s.description)?.[1]);
  assert.deepEqual(buttons, WALKTHROUGH_ACTIONS.map((a) => a.command));
  for (const action of WALKTHROUGH_ACTIONS) {
    const data = exampleFiles(action.example).map((f) => f.name);
    const written = [...data, ...exampleExperimentFiles(action.example, data[0]).map((f) => f.name)];
    assert.ok(written.includes(action.file), `${action.command}: the ${action.example} example writes ${action.file} (it writes ${written.join(', ')})`);
    assert.ok(contributed.has(action.then), `${action.command}: runs ${action.then}`);
    if (action.then === 'sequenceLab.trainExperiment') assert.match(action.file, /\.seqlab\.json$/, action.command);
    if (action.andShow?.fallback) assert.ok(contributed.has(action.andShow.fallback), action.command);
    // Hidden from the palette (they only make sense from the walkthrough), so the palette stays short.
    assert.ok(manifest.contributes.menus.commandPalette.some((m: { command: string; when?: string }) => m.command === action.command && m.when === 'false'), action.command);
  }
});

test('every step has markdown media whose images ship in media/walkthrough/ and nothing loads from the network', () => {
  const ignore = readFileSync('.vscodeignore', 'utf8');
  assert.match(ignore, /^!media\/(\*\*|walkthrough\/\*\*)$/m, 'media/walkthrough/ is packaged');
  for (const step of walkthrough.steps as Step[]) {
    const markdown = step.media.markdown;
    assert.ok(markdown && existsSync(markdown), `${step.id}: ${markdown}`);
    const text = readFileSync(markdown, 'utf8');
    assert.doesNotMatch(text, /https?:\/\//, `${step.id}: no remote content`);
    assert.doesNotMatch(text, /<(img|script|iframe|style)/i, `${step.id}: no raw HTML`);
    const images = [...text.matchAll(/!\[([^\]]+)\]\(([^)]+)\)/g)];
    assert.equal(images.length, 1, `${step.id}: one image`);
    const [, alt, src] = images[0];
    assert.ok(alt.length > 10, `${step.id}: alt text`);
    const path = normalize(join(dirname(markdown), src));
    assert.ok(path.startsWith(normalize('media/walkthrough/')) && existsSync(path), `${step.id}: ${path}`);
    const svg = readFileSync(path, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img" aria-label="[^"]+"/, path);
    assert.doesNotMatch(svg.replace('http://www.w3.org/2000/svg', ''), /https?:|<script|xlink:href|<image/i, `${path}: self-contained`);
    assert.ok(svg.length < 16_000, `${path} stays small`);
  }
});

test('*.seqlab.json files are validated with the shipped schema and have their commands in the menus', () => {
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '*.seqlab.json', url: './media/schemas/seqlab.schema.json' }]);
  const schema = JSON.parse(readFileSync('media/schemas/seqlab.schema.json', 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  for (const command of ['sequenceLab.trainExperiment', 'sequenceLab.experiment.openData', 'sequenceLab.experiment.openPanels', 'sequenceLab.experiment.copyCommandLine', 'sequenceLab.openWalkthrough']) {
    assert.ok(contributed.has(command), command);
  }
  const explorer = manifest.contributes.menus['explorer/context'].find((m: { command: string }) => m.command === 'sequenceLab.trainExperiment');
  assert.match(explorer.when, /resourceFilename =~ \/\\\.seqlab\\\.json\$\//);
  assert.ok(manifest.activationEvents.includes('workspaceContains:**/*.seqlab.json'));
});
