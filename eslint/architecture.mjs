// The architecture's arrows as lint rules (../shared/notes/architecture.md):
//   src/engine/  imports only src/engine/
//   src/shared/  imports only src/shared/ (a leaf)
//   src/parallel/  imports src/parallel/, src/engine/, src/shared/ (data-parallel training on worker_threads, for the
//     worker and the CLI alike)
//   src/worker/  imports src/worker/, src/parallel/, src/engine/, src/shared/
//   src/cli(.ts|/)  imports src/cli/, src/parallel/, src/engine/, src/shared/
//   the host (the rest of src/) imports the host and src/shared/, never the engine, the worker's code or the CLI
//   src/base/ (the host's ground floor: helpers every feature uses) imports only src/base/ and src/shared/, never a
//     feature folder nor the top-level host files (extension.ts)
//   webview/<panel>/ imports its own folder, webview/common/ and src/shared/
// plus two whole-project rules: no import cycle, and no two host folders that import each other.
// The graph is read once per lint run with TypeScript's own pre-processor (imports, exports and `import()`),
// type-only imports included: a cycle through types is still a cycle in the design.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOTS = ['src', 'webview'];
const EXTENSIONS = ['.ts', '.mts', '.tsx'];

/** The layer a repository-relative path belongs to, and for host files, their folder ("(top)" for src/*.ts). */
export function layerOf(rel) {
  const p = rel.split(path.sep).join('/');
  if (p.startsWith('src/engine/')) return { layer: 'engine' };
  if (p.startsWith('src/shared/')) return { layer: 'shared' };
  if (p.startsWith('src/worker/')) return { layer: 'worker' };
  if (p.startsWith('src/parallel/')) return { layer: 'parallel' };
  if (p === 'src/cli.ts' || p.startsWith('src/cli/')) return { layer: 'cli' };
  if (p.startsWith('webview/')) {
    const panel = p.split('/')[1];
    return { layer: 'webview', folder: p.split('/').length > 2 ? panel : '(top)' };
  }
  if (p.startsWith('src/')) {
    const parts = p.split('/');
    return { layer: 'host', folder: parts.length > 2 ? parts[1] : '(top)' };
  }
  return { layer: 'other' };
}

/** The host's ground floor: the one host folder every feature folder may import and that imports no feature folder. */
export const BASE = 'base';

const ALLOWED = {
  engine: ['engine'],
  shared: ['shared'],
  parallel: ['parallel', 'engine', 'shared'],
  worker: ['worker', 'parallel', 'engine', 'shared'],
  cli: ['cli', 'parallel', 'engine', 'shared'],
  host: ['host', 'shared'],
  webview: ['webview', 'shared'],
};

/** Whether an import from `from` to `to` (repository-relative) runs with the architecture; else why not. */
export function directionProblem(from, to) {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a.layer === 'other' || b.layer === 'other') return undefined;
  if (!ALLOWED[a.layer].includes(b.layer)) return `${a.layer} code may import only ${ALLOWED[a.layer].join(', ')}; this reaches ${b.layer} (${to})`;
  if (a.layer === 'host' && a.folder === BASE && b.layer === 'host' && b.folder !== BASE) {
    return `the host's ground floor src/${BASE}/ imports only src/${BASE}/ and src/shared/; this reaches ${b.folder === '(top)' ? to : `src/${b.folder}/`} (move what it needs down to src/${BASE}/, or let the feature pass it in)`;
  }
  if (a.layer === 'webview' && b.layer === 'webview' && a.folder !== b.folder && b.folder !== 'common' && a.folder !== '(top)') {
    return `a webview panel imports its own folder, webview/common/ and src/shared/ only; this reaches webview/${b.folder}/`;
  }
  return undefined;
}

function listSources(root) {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.d.ts')) out.push(full);
    }
  };
  for (const r of ROOTS) walk(path.join(root, r));
  return out;
}

/** Resolves a relative specifier to a repository-relative source path, or undefined (packages, assets). */
export function resolveImport(root, fromAbs, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(fromAbs), spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, 'index' + e))];
  if (/\.m?js$/.test(base)) candidates.push(base.replace(/\.m?js$/, '.ts'), base.replace(/\.mjs$/, '.mts'));
  for (const c of candidates) {
    if (EXTENSIONS.some((e) => c.endsWith(e)) && existsSync(c) && statSync(c).isFile()) return path.relative(root, c);
  }
  return undefined;
}

/** The project's import graph: repository-relative file → the files it imports. */
export function importGraph(root) {
  const graph = new Map();
  for (const abs of listSources(root)) {
    const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    const targets = new Set();
    for (const ref of info.importedFiles) {
      const to = resolveImport(root, abs, ref.fileName);
      if (to) targets.add(to);
    }
    graph.set(path.relative(root, abs), [...targets]);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan), each a sorted list: the import cycles. */
export function cyclesOf(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const sccs = [];
  // Iterative Tarjan: a recursive one would follow a long import chain down the call stack.
  for (const start of graph.keys()) {
    if (indices.has(start)) continue;
    const work = [[start, 0]];
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      if (i === 0 && !indices.has(v)) {
        indices.set(v, index);
        low.set(v, index);
        index++;
        stack.push(v);
        onStack.add(v);
      }
      const next = graph.get(v) ?? [];
      if (i < next.length) {
        frame[1]++;
        const w = next[i];
        if (!graph.has(w)) continue;
        if (!indices.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indices.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === indices.get(v)) {
        const scc = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1) sccs.push(scc.sort());
      }
    }
  }
  return sccs;
}

/** Pairs of host folders that import each other ("a ↔ b", a < b), with one import each way as evidence. */
export function mutualHostFolders(graph) {
  const edges = new Map();
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    if (a.layer !== 'host' || a.folder === '(top)') continue;
    for (const to of targets) {
      const b = layerOf(to);
      if (b.layer !== 'host' || b.folder === '(top)' || b.folder === a.folder) continue;
      const key = `${a.folder}→${b.folder}`;
      if (!edges.has(key)) edges.set(key, `${from} → ${to}`);
    }
  }
  const pairs = new Map();
  for (const key of edges.keys()) {
    const [a, b] = key.split('→');
    if (a < b && edges.has(`${b}→${a}`)) pairs.set(`${a}↔${b}`, [edges.get(key), edges.get(`${b}→${a}`)]);
  }
  return pairs;
}

let cached;
function projectGraph(root) {
  // One graph per lint run (the rules run once per file; the graph is the whole project's).
  if (!cached || cached.root !== root) {
    const graph = importGraph(root);
    const cycleOf = new Map();
    for (const scc of cyclesOf(graph)) for (const f of scc) cycleOf.set(f, scc);
    cached = { root, graph, cycleOf, mutual: mutualHostFolders(graph) };
  }
  return cached;
}

const norm = (p) => p.split(path.sep).join('/');

function importNodes(node) {
  // import/export declarations with a source, and import("…") expressions.
  return node.source && typeof node.source.value === 'string' ? [node.source] : [];
}

const layers = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename);
    const check = (node) => {
      for (const source of importNodes(node)) {
        const to = resolveImport(root, context.filename, source.value);
        if (!to) continue;
        const problem = directionProblem(file, to);
        if (problem) context.report({ node: source, message: `Import against the architecture: ${problem}.` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

const noCycles = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename);
    const { cycleOf } = projectGraph(root);
    const scc = cycleOf.get(file);
    if (!scc) return {};
    const check = (node) => {
      for (const source of importNodes(node)) {
        const to = resolveImport(root, context.filename, source.value);
        if (!to || !scc.includes(to)) continue;
        context.report({ node: source, message: `Import cycle: ${norm(file)} → ${norm(to)} closes a cycle through ${scc.map(norm).join(', ')}.` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

const noMutualFolders = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const root = context.cwd;
    const file = path.relative(root, context.filename);
    const a = layerOf(file);
    if (a.layer !== 'host' || a.folder === '(top)') return {};
    const { mutual } = projectGraph(root);
    const check = (node) => {
      for (const source of importNodes(node)) {
        const to = resolveImport(root, context.filename, source.value);
        if (!to) continue;
        const b = layerOf(to);
        if (b.layer !== 'host' || b.folder === '(top)' || b.folder === a.folder) continue;
        const key = [a.folder, b.folder].sort().join('↔');
        if (!mutual.has(key)) continue;
        context.report({ node: source, message: `Host folders ${key} import each other; move what both need to the ground floor (src/base/), move the piece to the folder that owns it, or send an event.` });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { meta: { name: 'sequence-lab-architecture' }, rules: { layers, 'no-cycles': noCycles, 'no-mutual-folders': noMutualFolders } };
