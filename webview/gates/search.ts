// The Gates page's "Search whole file" card (LSTMVis over the whole file, issue 13): the units found on across the
// selected stretch, the threshold and the stretch's length go to the host, which has the worker search the run's data
// file (the page never names it). While it runs: a progress bar and Cancel. Then the matches, best first — rank,
// score (how close the stretch's length is to the selection's), line:column and a preview — where a click, Enter or
// Next/Previous asks the host to select the match in the editor. The results are kept with setState.
import type { GatesPanelToHost, UnitSearchResults } from '../../src/shared/protocol/gatesPanel';
import { el } from '../common/dom';

export interface SearchQuery {
  layer: number;
  series: 'h' | 'c';
  units: number[];
  threshold: number;
  queryLength: number;
}

/** The results as setState keeps them (typed arrays as plain arrays), and the status line. */
export interface SavedSearch {
  status: string;
  results?: Omit<UnitSearchResults, 'lines' | 'columns' | 'lengths' | 'scores'> & { lines: number[]; columns: number[]; lengths: number[]; scores: number[] };
}

/** The results as the host sent them, with their arrays typed, or undefined when malformed. */
export function typedResults(r: unknown): UnitSearchResults | undefined {
  const x = r as Record<string, unknown> | null;
  if (typeof x !== 'object' || x === null || !Array.isArray(x.previews)) return undefined;
  const M = x.previews.length;
  const ints = (v: unknown) => (v instanceof Int32Array || Array.isArray(v)) && v.length === M ? Int32Array.from(v as ArrayLike<number>) : undefined;
  const lines = ints(x.lines);
  const columns = ints(x.columns);
  const lengths = ints(x.lengths);
  const scores = (x.scores instanceof Float32Array || Array.isArray(x.scores)) && x.scores.length === M ? Float32Array.from(x.scores as ArrayLike<number>) : undefined;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!lines || !columns || !lengths || !scores || !x.previews.every((p) => typeof p === 'string')) return undefined;
  if (!num(x.total) || !num(x.steps) || !num(x.seconds) || !num(x.current) || typeof x.query !== 'string') return undefined;
  const pieces = num(x.pieces) && num(x.warmup) ? { pieces: x.pieces as number, warmup: x.warmup as number, ...(num(x.reread) ? { reread: x.reread as number } : {}) } : {};
  return {
    lines, columns, lengths, scores, previews: x.previews as string[], total: x.total as number, steps: x.steps as number,
    seconds: x.seconds as number, query: x.query, current: x.current as number, ...pieces,
  };
}

export interface SearchCard {
  element: HTMLElement;
  /** The selection changed: enable the search, or say why it cannot run. */
  refresh(): void;
  progress(share: number): void;
  results(r: UnitSearchResults): void;
  ended(message: string): void;
  current(index: number): void;
  saved(): SavedSearch;
  restore(s: SavedSearch): void;
}

const button = (id: string, text: string, title: string, secondary = true) => {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.textContent = text;
  b.title = title;
  if (secondary) b.setAttribute('appearance', 'secondary');
  return b;
};

/** `query()`: what the selection asks for, or the sentence saying why it cannot be searched. */
export function createSearchCard(query: () => SearchQuery | string, send: (m: GatesPanelToHost) => void, changed: () => void): SearchCard {
  const card = el('section', { class: 'card', id: 'search' });
  const search = button('search-file', 'Search whole file', 'Find every stretch of the run\'s data file where these units are all on together', false);
  const cancel = button('search-cancel', 'Cancel', 'Stop the search');
  const previous = button('search-previous', 'Previous', 'Select the previous match in the editor');
  const next = button('search-next', 'Next', 'Select the next match in the editor');
  const bar = el('progress', { id: 'search-progress', max: '1', value: '0', 'aria-label': 'Search progress' });
  const why = el('p', { id: 'search-why', class: 'muted' });
  const status = el('p', { id: 'search-status', role: 'status', 'aria-live': 'polite' });
  const table = el('table', { id: 'search-results', 'aria-label': 'Matches of the whole-file search, best first' });
  const actions = el('div', { class: 'search-actions' });
  actions.append(search, cancel, bar, previous, next);
  card.append(el('h2', {}, 'Search the whole file'), why, actions, status, table);
  cancel.hidden = true;
  bar.hidden = true;

  let results: UnitSearchResults | undefined;
  let running = false;

  function refresh(): void {
    const q = query();
    const ready = typeof q !== 'string';
    search.toggleAttribute('disabled', !ready || running);
    why.textContent = ready
      ? `Searches the run's whole data file with its current model for stretches where units ${q.units.slice(0, 12).map((j) => j + 1).join(', ')}${q.units.length > 12 ? ', …' : ''} ` +
        `of layer ${q.layer + 1} ${q.series}_t are all ≥ ${q.threshold}, ranked by how close each stretch's length is to the ${q.queryLength} step${q.queryLength === 1 ? '' : 's'} selected.`
      : q;
    const some = !!results && results.previews.length > 0;
    previous.toggleAttribute('disabled', !some);
    next.toggleAttribute('disabled', !some);
  }

  function setRunning(on: boolean): void {
    running = on;
    cancel.hidden = !on;
    bar.hidden = !on;
    refresh();
  }

  function drawRows(): void {
    if (!results) {
      table.replaceChildren();
      return;
    }
    const head = el('tr');
    head.append(el('th', {}, '#'), el('th', {}, 'score'), el('th', {}, 'line:col'), el('th', {}, 'steps'), el('th', { class: 'preview' }, 'text'));
    const rows = results.previews.map((preview, i) => {
      const tr = el('tr', { tabindex: '0', 'data-index': String(i), class: i === results!.current ? 'current' : '' });
      if (i === results!.current) tr.setAttribute('aria-current', 'true');
      tr.append(
        el('td', {}, String(i + 1)), el('td', {}, results!.scores[i].toFixed(2)), el('td', {}, `${results!.lines[i]}:${results!.columns[i]}`),
        el('td', {}, String(results!.lengths[i])), el('td', { class: 'preview' }, preview),
      );
      return tr;
    });
    table.replaceChildren(head, ...rows);
  }

  function summary(r: UnitSearchResults): string {
    const listed = r.previews.length < r.total ? ` (the best ${r.previews.length} listed)` : '';
    // How the states were read when the file was cut into pieces read side by side (engine/unitSearch.ts).
    const reread = r.reread ?? 0;
    const pieces = r.pieces !== undefined && r.pieces > 1
      ? ` For speed the file was read in ${r.pieces} pieces side by side, each from a zero state ${r.warmup} steps before it; ` +
        `each piece's state was then checked against the one carried from the file's start, ` +
        (reread > 0
          ? `and ${reread} step${reread === 1 ? ' was' : 's were'} read again from it where they differed by more than 1e-6, `
          : 'and all agreed to within 1e-6, ') +
        'so every value is the one a single read of the whole file gives.'
      : '';
    return (r.total === 0
      ? `No stretch of the ${r.steps} steps has ${r.query} (${r.seconds.toFixed(1)} s).`
      : `${r.total} stretch${r.total === 1 ? '' : 'es'} of the ${r.steps} steps ha${r.total === 1 ? 's' : 've'} ${r.query}${listed}, searched in ${r.seconds.toFixed(1)} s. ` +
        'Marked in the editor; Next and Previous (also in the Command Palette) select them.') + pieces;
  }

  const pick = (target: EventTarget | null) => {
    const row = (target as HTMLElement | null)?.closest?.('tr[data-index]');
    const index = Number(row?.getAttribute('data-index'));
    if (results && Number.isInteger(index) && index >= 0 && index < results.previews.length) send({ type: 'showMatch', index });
  };
  table.addEventListener('click', (e) => pick(e.target));
  table.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    pick(e.target);
  });
  search.addEventListener('click', () => {
    const q = query();
    if (typeof q === 'string' || running) return;
    results = undefined;
    drawRows();
    status.textContent = 'Searching…';
    bar.value = 0;
    setRunning(true);
    send({ type: 'searchFile', ...q });
    changed();
  });
  cancel.addEventListener('click', () => send({ type: 'cancelSearch' }));
  previous.addEventListener('click', () => send({ type: 'stepMatch', direction: -1 }));
  next.addEventListener('click', () => send({ type: 'stepMatch', direction: 1 }));

  return {
    element: card,
    refresh,
    progress(share) {
      if (!running) setRunning(true);
      bar.value = Math.max(0, Math.min(1, share));
      status.textContent = `Searching… ${Math.round(100 * bar.value)}%`;
    },
    results(r) {
      results = r;
      setRunning(false);
      status.textContent = summary(r);
      drawRows();
      changed();
    },
    ended(message) {
      setRunning(false);
      status.textContent = message;
      // The host ends a search only with no matches standing (it drops them when a search starts or the file changes).
      results = undefined;
      drawRows();
      changed();
    },
    current(index) {
      if (!results || !(index >= -1 && index < results.previews.length)) return;
      results.current = index;
      drawRows();
      table.querySelector<HTMLElement>('tr.current')?.scrollIntoView({ block: 'nearest' });
      changed();
    },
    saved: () => ({
      status: status.textContent ?? '',
      ...(results ? {
        results: {
          ...results, lines: Array.from(results.lines), columns: Array.from(results.columns), lengths: Array.from(results.lengths), scores: Array.from(results.scores),
        },
      } : {}),
    }),
    restore(s) {
      status.textContent = s.status;
      results = s.results ? typedResults(s.results) : undefined;
      drawRows();
      refresh();
    },
  };
}
