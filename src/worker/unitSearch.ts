// "Search the whole file" of the Gates panel (LSTMVis): the run's model (a copy of its weights taken when the request
// arrives, so training goes on unchanged) over the whole text the editor holds, for every stretch where the chosen
// units are all on (engine/unitSearch.ts). The search yields to the worker's message loop after every chunk, so a
// newer search or a cancel ends it; matches come back as code-point offsets of the text (a word run: whole words).
import { RecurrentStack } from '../engine/recurrentStack';
import { wordSpans } from '../engine/tokenVocabulary';
import { searchUnits } from '../engine/unitSearch';
import type { UnitSearchAnswer, UnitSearchRequest } from '../shared/workerProtocol';
import type { TextInferenceSource } from './textInference';

/** A search holds the thread at most this long before yielding. */
const SLICE_MS = 15;

const yieldToMessages = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the search; `cancelled()` (polled between slices) ends it with undefined. Throws RangeError/EngineInputError
 * with a sentence for the user.
 */
export async function runUnitSearch(source: TextInferenceSource, request: UnitSearchRequest, cancelled: () => boolean, now = () => performance.now()): Promise<UnitSearchAnswer | undefined> {
  const started = now();
  const snapshot = new RecurrentStack({ ...source.model.config, maxSteps: 1 });
  snapshot.params.set(source.model.params);
  const words = source.tokens === 'words';
  let ids: Int32Array;
  let spans: { starts: Int32Array; ends: Int32Array } | undefined;
  if (words) {
    spans = wordSpans(request.text);
    const chars = [...request.text];
    ids = Int32Array.from(spans.starts, (s, i) => Math.max(0, source.idOf(chars.slice(s, spans!.ends[i]).join(''))));
  } else {
    // A character the run never saw enters as id 0 (the Gates trace underlines it; here it only perturbs the state).
    ids = Int32Array.from(request.text, (ch) => Math.max(0, source.idOf(ch)));
  }
  if (ids.length < 2) throw new RangeError('The file is too short to search.');
  const search = searchUnits(snapshot, ids, request.query);
  let sliceEnd = now() + SLICE_MS;
  for (;;) {
    const r = search.next();
    if (r.done) {
      const { matches, total, steps } = r.value;
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
        total, steps, seconds: (now() - started) / 1000,
      };
    }
    if (now() >= sliceEnd) {
      await yieldToMessages();
      if (cancelled()) return undefined;
      sliceEnd = now() + SLICE_MS;
    }
  }
}
