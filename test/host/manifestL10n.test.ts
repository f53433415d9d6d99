// Localisable manifest (issue #6): every user-visible string of package.json is a %key% of package.nls.json, and
// every %key% resolves. scripts/localize-manifest.mjs does the conversion; here it is also run on the manifest as it
// is now, in memory, to show that it moves every visible string and that resolving the keys gives back the original.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bundle, l10nMessages } from '../../scripts/l10n-bundle.mjs';
import { literalStrings, localizeManifest, userVisibleStrings } from '../../scripts/localize-manifest.mjs';
import { PLACEHOLDER, readLocalizedManifest, readNls } from './localizedManifest';

const manifestText = readFileSync('package.json', 'utf8');

/** Every string in a JSON value, with where it is. */
function allStrings(value: unknown, at = '', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => allStrings(v, `${at}.${i}`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) allStrings(v, `${at}.${k}`, out);
  return out;
}

describe('localisable manifest', () => {
  it('every %key% in package.json exists in package.nls.json', () => {
    const nls = readNls();
    const missing = allStrings(JSON.parse(manifestText)).filter(([, s]) => PLACEHOLDER.test(s) && nls[PLACEHOLDER.exec(s)![1]] === undefined);
    assert.deepEqual(missing, []);
  });

  it('every user-visible string of package.json is a %key% (run: node scripts/localize-manifest.mjs)', () => {
    const left = literalStrings(JSON.parse(manifestText)).map((s) => `${s.path.join('.')}: ${s.value.slice(0, 60)}`);
    assert.deepEqual(left, []);
  });

  it('the conversion covers command titles, categories, views, settings and walkthroughs, and is reversible', () => {
    const before = readLocalizedManifest();
    const visible = userVisibleStrings(before);
    const paths = new Set(visible.map((s) => s.path.slice(0, 3).join('.')));
    for (const p of ['contributes.commands.0', 'contributes.views.sequenceLab', 'contributes.walkthroughs.0', 'contributes.configuration.properties']) {
      assert.ok(paths.has(p), `${p} has user-visible strings`);
    }
    assert.ok(visible.some((s) => s.path.at(-1) === 'category'));
    assert.ok(visible.some((s) => s.path.at(-1) === 'enumDescriptions' || s.path.at(-2) === 'enumDescriptions'));
    // Run on the resolved manifest as text: nothing visible stays literal, keys resolve back to the same manifest,
    // and the commands' one category gets one key.
    const { text, nls } = localizeManifest(JSON.stringify(before, null, 2), {});
    const after = JSON.parse(text);
    assert.deepEqual(literalStrings(after), []);
    const resolved = JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && PLACEHOLDER.test(v) ? nls[PLACEHOLDER.exec(v)![1]] : v));
    assert.deepEqual(resolved, before);
    assert.equal(new Set(after.contributes.commands.map((c: { category: string }) => c.category)).size, 1);
    // Running it again changes nothing: existing keys are kept.
    const again = localizeManifest(text, nls);
    assert.equal(again.text, text);
    assert.deepEqual(again.nls, nls);
    assert.equal(again.converted, 0);
  });

  it('l10n/bundle.l10n.json has every vscode.l10n.t message of src/ (run: node scripts/l10n-bundle.mjs)', () => {
    const manifest = JSON.parse(manifestText);
    assert.equal(manifest.l10n, './l10n');
    const written = JSON.parse(readFileSync('l10n/bundle.l10n.json', 'utf8'));
    assert.deepEqual(written, bundle());
    // Messages keep their English text: quotes unescaped, placeholders as {0}.
    assert.deepEqual(l10nMessages(`vscode.l10n.t('the run\\'s {0}', a); l10n.t("x \\"y\\"")`), ["the run's {0}", 'x "y"']);
    assert.ok(Object.keys(written).includes('Saved {0}'));
  });
});
