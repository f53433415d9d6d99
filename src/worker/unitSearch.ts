// "Search the whole file" of the Gates panel (LSTMVis): the run's model (a copy of its weights taken when the request
// arrives, so training goes on unchanged) over the whole text the editor holds, for every stretch where the chosen
// units are all on (engine/unitSearch.ts). The search yields to the worker's message loop after every chunk, so a
// newer search or a cancel ends it; matches come back as code-point offsets of the text (a word run: whole words).
import { RecurrentStack } from '../engine/recurrentStack';
import { splitWords, wordSpans } from '../engine/tokenVocabulary';
import { searchUnits } from '../engine/unitSearch';
import type { UnitSearchAnswer, UnitSearchRequest } from '../shared/protocol/trainingWorker';
import type { TextInferenceSource } from './textInference';

/** A search holds the thread at most this long before yielding. */
const SLICE_MS = 15;
/** Progress is reported at most this often. */
const PROGRESS_MS = 200;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the search; `cancelled()` (polled between slices) ends it with undefined. Throws RangeError/EngineInputError
 * with a sentence for the user.
 */
export async function runUnitSearch(
  source: TextInferenceSource, request: UnitSearchRequest, cancelled: () => boolean, now = () => performance.now(),
  progress: (share: number) => void = () => undefined,
): Promise<UnitSearchAnswer | undefined> {
  const started = now();
  const snapshot = new RecurrentStack({ ...source.model.config, maxSteps: 1 });
  snapshot.params.set(source.model.params);
  const words = source.tokens === 'words';
  let ids: Int32Array;
  let spans: { starts: Int32Array; ends: Int32Array } | undefined;
  if (words) {
    // The words as splitWords cuts them are the spans' words, in the same order (no spread of the file into code points).
    spans = wordSpans(request.text);
    const list = splitWords(request.text);
    ids = Int32Array.from(list, (w) => Math.max(0, source.idOf(w)));
  } else {
    // A character the run never saw enters as id 0 (the Gates trace underlines it; here it only perturbs the state).
    ids = characterIds(request.text, source.idOf);
  }
  if (ids.length < 2) throw new RangeError('The file is too short to search.');
  const search = searchUnits(snapshot, ids, request.query);
  let sliceEnd = now() + SLICE_MS;
  let progressDue = now() + PROGRESS_MS;
  for (;;) {
    const r = search.next();
    if (r.done) {
      const { matches, total, steps, pieces, warmup, reread } = r.value;
      const starts = new Int32Array(matches.length);
      const ends = new Int32Array(matches.length);
      matches.forEach((m, i) => {
        starts[i] = spans ? spans.starts[m.start] : m.start;
        ends[i] = spans ? spans.ends[m.start + m.length - 1] : m.start + m.length;
      });
      return {
        starts, ends,
        lengths: Int32Array.from(matches, (m) => m.length),
        scores: Float32Array.from(matches, (m) => m.score),
        means: Float32Array.from(matches, (m) => m.mean),
        total, steps, seconds: (now() - started) / 1000, pieces, warmup, reread,
      };
    }
    if (now() >= sliceEnd) {
      // At most one progress message per PROGRESS_MS.
      if (now() >= progressDue) {
        progress(r.value);
        progressDue = now() + PROGRESS_MS;
      }
      await yieldToMessages();
      if (cancelled()) return undefined;
      sliceEnd = now() + SLICE_MS;
    }
  }
}

/**
 * The id of every code point of `text` (unseen: 0), one pass over its UTF-16 units with the ids of the Basic
 * Multilingual Plane cached (a 1 MB file has a few hundred distinct characters: ~1 lookup each instead of one per character).
 */
export function characterIds(text: string, idOf: (ch: string) => number): Int32Array {
  const out = new Int32Array(text.length); // code points ≤ UTF-16 units
  const cache = new Int32Array(0x10000).fill(-2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        out[n++] = Math.max(0, idOf(text.slice(i, i + 2)));
        i++;
        continue;
      }
    }
    let id = cache[unit];
    if (id === -2) id = cache[unit] = Math.max(0, idOf(String.fromCharCode(unit)));
    out[n++] = id;
  }
  return out.slice(0, n);
}
