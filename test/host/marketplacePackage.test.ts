// The .vsix as the Marketplace and VS Code's Extensions view get it (#17, "Marketplace-ready"): the details page
// renders README.md from the installed extension's folder, so every image it links must be inside the package; the
// package stays under 2 MB; it holds both entries (desktop and web), their workers, every panel bundle, the media,
// l10n and the schema, and nothing of the sources, tests, source maps or examples; the manifest has a gallery banner,
// an icon of at least 128×128 that ships, Marketplace categories, at most 30 keywords, and no placeholder URL.
//
// The file list is read from the .vsix itself (its zip central directory), not from `.vscodeignore`. The .vsix is
// the one `npm test` packages before the tests (`npm run package`, as the e2e tests reuse it) when it is newer than
// every source; otherwise it is packaged here, in a temporary copy of the extension, so that this test never
// rebuilds the dist/ that the tests running beside it read.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, VSIX_SOURCES, freshVsix, packageVsix, readManifest } from '../../scripts/vscode-harness.mjs';

const MAX_VSIX_BYTES = 2 * 1024 * 1024;

/** The parts of package.json this test reads. */
interface Manifest {
  main: string;
  browser: string;
  icon: string;
  l10n: string;
  bin: Record<string, string>;
  galleryBanner?: { color?: string; theme?: string };
  categories?: string[];
  keywords?: string[];
  contributes: {
    jsonValidation: { url: string }[];
    viewsContainers: { activitybar: { icon: string }[] };
    walkthroughs: { steps: { media: { markdown?: string; image?: string } }[] }[];
  };
  [key: string]: unknown;
}
const manifest = readManifest(REPO_ROOT) as unknown as Manifest;

/** The Marketplace's categories (https://code.visualstudio.com/api/references/extension-manifest#fields). */
const CATEGORIES = new Set([
  'AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps',
  'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Other', 'Programming Languages', 'SCM Providers',
  'Snippets', 'Testing', 'Themes', 'Visualization',
]);

/** The names of the files in a zip archive, from its central directory (no inflating needed). */
function zipEntries(zip: Buffer): string[] {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  assert.ok(end >= 0, 'the .vsix is a zip archive (end of central directory found)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Every relative image the README shows: markdown `![alt](path)` and HTML `<img src="path">`. */
function readmeImages(markdown: string): string[] {
  const links = [
    ...[...markdown.matchAll(/!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...markdown.matchAll(/<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]),
  ];
  return links.filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link)).map((link) => path.posix.normalize(decodeURI(link.replace(/^\.\//, ''))));
}

let scratch: string | undefined;
let vsix: string;
let files: Set<string>;

before(() => {
  const reused = freshVsix(REPO_ROOT);
  if (reused) {
    vsix = reused;
  } else {
    // A copy of what the package is built from, with the repository's node_modules (esbuild, vsce) linked in.
    scratch = mkdtempSync(path.join(os.tmpdir(), 'seqlab-vsix-'));
    for (const source of [...VSIX_SOURCES, 'tsconfig.json']) {
      if (existsSync(path.join(REPO_ROOT, source))) cpSync(path.join(REPO_ROOT, source), path.join(scratch, source), { recursive: true });
    }
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(scratch, 'node_modules'), 'dir');
    vsix = packageVsix({ root: scratch, build: false }); // vsce runs vscode:prepublish, the production build
  }
  files = new Set(zipEntries(readFileSync(vsix)).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length)));
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the packaged .vsix', () => {
  it('holds every image README.md shows, so the details page has no broken image', () => {
    const images = readmeImages(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
    assert.ok(images.length >= 2, `README images found: ${images.join(', ')}`);
    const missing = images.filter((image) => !files.has(image));
    assert.deepEqual(missing, [], `README images not in ${path.basename(vsix)}`);
  });

  it('is under 2 MB', () => {
    const size = statSync(vsix).size;
    assert.ok(size < MAX_VSIX_BYTES, `${path.basename(vsix)} is ${(size / 1024 / 1024).toFixed(2)} MB`);
  });

  it('holds both entries, their workers, every panel bundle, the media, l10n and the schema', () => {
    const rel = (p: string) => path.posix.normalize(p.replace(/^\.\//, ''));
    const panels = readdirSync(path.join(REPO_ROOT, 'webview'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(REPO_ROOT, 'webview', d.name, 'main.ts'))).map((d) => d.name);
    assert.ok(panels.length >= 10, `panels: ${panels.join(', ')}`);
    const expected = [
      'package.json', 'package.nls.json', 'readme.md', 'changelog.md', 'LICENSE.txt',
      rel(manifest.main), rel(manifest.browser), rel(manifest.icon), ...Object.values(manifest.bin).map(rel),
      'dist/worker.js', 'dist/shardWorker.js', 'dist/web/worker.js', 'media/webview.css', `${rel(manifest.l10n)}/bundle.l10n.json`,
      ...panels.map((p) => `dist/webview/${p}.js`),
      ...manifest.contributes.jsonValidation.map((v) => rel(v.url)),
      ...manifest.contributes.viewsContainers.activitybar.map((c) => rel(c.icon)),
      ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => rel(s.media.markdown ?? s.media.image ?? ''))),
    ];
    assert.deepEqual(expected.filter((f) => !files.has(f)), [], 'files the extension needs, missing from the package');
  });

  it('holds no sources, tests, source maps, examples or dependencies', () => {
    const stray = [...files].filter((f) =>
      /^(src|test|webview|scripts|bench|examples|node_modules|out|test-results|\.tools|\.github)\//.test(f)
      || /\.(ts|map|vsix|mjs)$/.test(f) || /(^|\/)(tsconfig[^/]*\.json|\.env[^/]*|\.vscodeignore|esbuild\.mjs)$/.test(f));
    assert.deepEqual(stray, []);
  });
});

describe('the manifest, for the Marketplace', () => {
  it('has a gallery banner, Marketplace categories and at most 30 keywords', () => {
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i, 'galleryBanner.color');
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''), 'galleryBanner.theme');
    assert.ok(Array.isArray(manifest.categories) && manifest.categories.length > 0, 'categories');
    assert.deepEqual(manifest.categories.filter((c) => !CATEGORIES.has(c)), [], 'not Marketplace categories');
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length > 0 && manifest.keywords.length <= 30, `${manifest.keywords?.length} keywords`);
  });

  it('has a PNG icon of at least 128×128 that ships', () => {
    assert.ok(typeof manifest.icon === 'string' && files.has(manifest.icon.replace(/^\.\//, '')), `icon ${manifest.icon} in the package`);
    const png = readFileSync(path.join(REPO_ROOT, manifest.icon));
    assert.equal(png.toString('latin1', 1, 4), 'PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)]; // the IHDR chunk
    assert.ok(width >= 128 && height >= 128, `${width}×${height}`);
  });

  it('names no placeholder repository, bugs, homepage or other URL', () => {
    const urls = JSON.stringify(manifest).match(/https?:\/\/[^"\s)]+/g) ?? [];
    const fields = ['repository', 'bugs', 'homepage', 'qna', 'sponsor', 'badges'].map((k) => JSON.stringify(manifest[k] ?? ''));
    const placeholder = /example\.(com|org|net|invalid)|\.invalid\b|\byour[-_]|\bTODO\b|placeholder|localhost|\bFIXME\b/i;
    assert.deepEqual([...urls, ...fields].filter((u) => placeholder.test(u)), []);
  });
});
