// Moves every user-visible string of package.json into package.nls.json and leaves a %key% placeholder in its place
// (VS Code resolves %key% from package.nls.json, or package.nls.<locale>.json for a translated UI).
//
//   node scripts/localize-manifest.mjs           convert: new literal strings get keys, existing keys are kept
//   node scripts/localize-manifest.mjs --check   exit 1 and list the literal strings left (for CI)
//
// Only the string tokens are replaced in the text of package.json: its formatting and every other byte stay as they
// are. A key is made from where the string is (e.g. command.sequenceLab.trainCharModel.title); the category
// "Sequence Lab" and other repeated category strings share one key.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PLACEHOLDER = /^%[^%\s]+%$/;

/** Path segments → dotted text. */
const dotted = (segments) => segments.map(String).join('.');

/**
 * Every user-visible string of a manifest: [{ path, key, value }], path as segments into the JSON, key the name it
 * gets in package.nls.json. What VS Code shows: the extension's name and description, command titles and
 * categories, view containers and views, welcome contents, setting descriptions, walkthroughs, colour descriptions,
 * and the workspace-trust / virtual-workspace descriptions.
 */
export function userVisibleStrings(manifest) {
  const out = [];
  const add = (segments, key, value) => {
    if (typeof value === 'string' && value.trim() !== '') out.push({ path: segments, key, value });
  };
  add(['displayName'], 'displayName', manifest.displayName);
  add(['description'], 'description', manifest.description);
  const cap = manifest.capabilities ?? {};
  add(['capabilities', 'untrustedWorkspaces', 'description'], 'capabilities.untrustedWorkspaces.description', cap.untrustedWorkspaces?.description);
  add(['capabilities', 'virtualWorkspaces', 'description'], 'capabilities.virtualWorkspaces.description', cap.virtualWorkspaces?.description);
  const c = manifest.contributes ?? {};
  (c.commands ?? []).forEach((cmd, i) => {
    for (const field of ['title', 'shortTitle']) add(['contributes', 'commands', i, field], `command.${cmd.command}.${field}`, cmd[field]);
    add(['contributes', 'commands', i, 'category'], `category.${categoryKey(cmd.category)}`, cmd.category);
  });
  for (const [where, containers] of Object.entries(c.viewsContainers ?? {})) {
    containers.forEach((v, i) => add(['contributes', 'viewsContainers', where, i, 'title'], `viewsContainer.${v.id}.title`, v.title));
  }
  for (const [where, views] of Object.entries(c.views ?? {})) {
    views.forEach((v, i) => {
      add(['contributes', 'views', where, i, 'name'], `view.${v.id}.name`, v.name);
      add(['contributes', 'views', where, i, 'contextualTitle'], `view.${v.id}.contextualTitle`, v.contextualTitle);
    });
  }
  (c.viewsWelcome ?? []).forEach((w, i) => add(['contributes', 'viewsWelcome', i, 'contents'], `viewsWelcome.${w.view}.${i}`, w.contents));
  (c.submenus ?? []).forEach((s, i) => add(['contributes', 'submenus', i, 'label'], `submenu.${s.id}.label`, s.label));
  const configurations = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
  configurations.forEach((conf, ci) => {
    const base = Array.isArray(c.configuration) ? ['contributes', 'configuration', ci] : ['contributes', 'configuration'];
    add([...base, 'title'], `configuration.title${ci ? `.${ci}` : ''}`, conf.title);
    for (const [name, prop] of Object.entries(conf.properties ?? {})) {
      for (const field of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) {
        add([...base, 'properties', name, field], `config.${name}.${field}`, prop[field]);
      }
      for (const field of ['enumDescriptions', 'markdownEnumDescriptions']) {
        (prop[field] ?? []).forEach((d, i) => add([...base, 'properties', name, field, i], `config.${name}.${field}.${i}`, d));
      }
    }
  });
  (c.walkthroughs ?? []).forEach((w, wi) => {
    add(['contributes', 'walkthroughs', wi, 'title'], `walkthrough.${w.id}.title`, w.title);
    add(['contributes', 'walkthroughs', wi, 'description'], `walkthrough.${w.id}.description`, w.description);
    (w.steps ?? []).forEach((s, si) => {
      const at = ['contributes', 'walkthroughs', wi, 'steps', si];
      add([...at, 'title'], `walkthrough.${w.id}.${s.id}.title`, s.title);
      add([...at, 'description'], `walkthrough.${w.id}.${s.id}.description`, s.description);
      add([...at, 'media', 'altText'], `walkthrough.${w.id}.${s.id}.altText`, s.media?.altText);
    });
  });
  (c.colors ?? []).forEach((col, i) => add(['contributes', 'colors', i, 'description'], `color.${col.id}.description`, col.description));
  return out;
}

/** "Sequence Lab" → "sequenceLab": one shared key per category. */
function categoryKey(category) {
  const words = String(category ?? '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join('') || 'category';
}

/**
 * The new manifest text and nls table: each literal user-visible string replaced by %key%. An existing key with the
 * same text is kept; a key already used for a different text gets a numbered suffix.
 */
export function localizeManifest(manifestText, nls) {
  const manifest = JSON.parse(manifestText);
  const table = { ...nls };
  const replacements = new Map();
  for (const { path: segments, key, value } of userVisibleStrings(manifest)) {
    if (PLACEHOLDER.test(value)) continue;
    let name = key;
    for (let n = 2; table[name] !== undefined && table[name] !== value; n++) name = `${key}.${n}`;
    table[name] = value;
    replacements.set(dotted(segments), `%${name}%`);
  }
  return { text: replaceStrings(manifestText, replacements), nls: table, converted: replacements.size };
}

/** Replaces the string values at the given dotted paths in JSON text, keeping every other character. */
function replaceStrings(text, replacements) {
  let out = '';
  let i = 0;
  const stack = []; // { kind: 'object'|'array', key, index }
  const here = () => dotted(stack.map((f) => (f.kind === 'array' ? f.index : f.key)));
  const readString = () => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    const ch = text[i];
    const top = stack[stack.length - 1];
    if (ch === '"') {
      const token = readString();
      // In an object, a string followed by ':' is a key.
      let j = i;
      while (/\s/.test(text[j] ?? '')) j++;
      if (top?.kind === 'object' && text[j] === ':' && top.expectKey) {
        top.key = JSON.parse(token);
        top.expectKey = false;
        out += token;
        continue;
      }
      const replacement = replacements.get(here());
      out += replacement !== undefined ? JSON.stringify(replacement) : token;
      continue;
    }
    if (ch === '{') stack.push({ kind: 'object', key: undefined, expectKey: true });
    else if (ch === '[') stack.push({ kind: 'array', index: 0 });
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',') {
      if (top?.kind === 'array') top.index++;
      else if (top) top.expectKey = true;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Literal user-visible strings left in a manifest (the --check list). */
export function literalStrings(manifest) {
  return userVisibleStrings(manifest).filter((s) => !PLACEHOLDER.test(s.value));
}

function main() {
  const manifestPath = path.join(REPO_ROOT, 'package.json');
  const nlsPath = path.join(REPO_ROOT, 'package.nls.json');
  const manifestText = readFileSync(manifestPath, 'utf8');
  let nls = {};
  try {
    nls = JSON.parse(readFileSync(nlsPath, 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  if (process.argv.includes('--check')) {
    const left = literalStrings(JSON.parse(manifestText));
    for (const s of left) console.log(`${dotted(s.path)}: ${JSON.stringify(s.value).slice(0, 80)}`);
    if (left.length) {
      console.error(`${left.length} user-visible strings of package.json are not %keys%: run node scripts/localize-manifest.mjs`);
      process.exit(1);
    }
    console.log('package.json: every user-visible string is a %key% of package.nls.json');
    return;
  }
  const { text, nls: table, converted } = localizeManifest(manifestText, nls);
  writeFileSync(manifestPath, text);
  writeFileSync(nlsPath, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`package.json: ${converted} strings moved to package.nls.json (${Object.keys(table).length} keys)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
