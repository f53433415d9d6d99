// Writes l10n/bundle.l10n.json: every message the extension host passes to vscode.l10n.t (the English text is the
// key, as `npx @vscode/l10n-dev export` would write it). Translators copy it to bundle.l10n.<locale>.json.
//
//   node scripts/l10n-bundle.mjs           write l10n/bundle.l10n.json
//   node scripts/l10n-bundle.mjs --check   exit 1 when the file is not up to date
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = path.join(REPO_ROOT, 'l10n', 'bundle.l10n.json');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The string literal first arguments of l10n.t(...) in TypeScript source ('…' or "…"; no template literals). */
export function l10nMessages(source) {
  const out = [];
  for (const m of source.matchAll(/\bl10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\\n])*)\1/g)) {
    const [, quote, body] = m;
    // The literal's value: same escapes as JSON once the quote character is normalised.
    const json = quote === '"' ? body : body.replace(/\\'/g, "'").replace(/"/g, '\\"');
    out.push(JSON.parse(`"${json}"`));
  }
  return out;
}

/** Every message of src/, sorted, as the bundle's { message: message } table. */
export function bundle(root = REPO_ROOT) {
  const messages = new Set(sourceFiles(path.join(root, 'src')).flatMap((f) => l10nMessages(readFileSync(f, 'utf8'))));
  return Object.fromEntries([...messages].sort().map((m) => [m, m]));
}

function main() {
  const text = `${JSON.stringify(bundle(), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(BUNDLE, 'utf8');
    } catch {
      // missing: out of date
    }
    if (current !== text) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10n-bundle.mjs');
      process.exit(1);
    }
    return;
  }
  mkdirSync(path.dirname(BUNDLE), { recursive: true });
  writeFileSync(BUNDLE, text);
  console.log(`l10n/bundle.l10n.json: ${Object.keys(JSON.parse(text)).length} messages`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
