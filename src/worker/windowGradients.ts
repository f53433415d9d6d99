// The Gradient Flow panel's trace of one window of a next-token run (characters or words): ‖∂L/∂h_t‖ per layer
// (BPTT of the window's mean next-token cross-entropy down to its first step), the first layer's Jacobian norm
// ‖∂h_T/∂h_{T−n}‖ by distance n, and the spectra of W_hh. traceData works on a copy of the parameters and reads the
// data cursor only, so training goes on exactly as without the trace.
import { EngineInputError } from '../engine/errors';
import type { SequenceData } from '../engine/sequenceData';
import type { SequenceTrainer } from '../engine/sequenceTrainer';
import { traceData } from '../engine/traces';
import type { GradientTrace } from '../shared/workerProtocol';

/**
 * The window of `length` steps from `start` (default: the `length` before the data cursor, or the first `length`);
 * `unit` names a step in messages ('characters', 'words').
 */
export function traceGradientWindow(
  trainer: SequenceTrainer, decode: (id: number) => string, length: number, start: number | undefined, unit: string,
  /** The whole text when the trainer holds only its training part (the held-out end can be traced too). */
  all: SequenceData = trainer.data,
): Omit<GradientTrace, 'history'> {
  const data = all;
  const N = data.kind === 'next-token' ? data.ids.length : 0;
  if (!(Number.isInteger(length) && length >= 2)) throw new EngineInputError(`A gradient trace needs a window of at least 2 ${unit} (got ${length}).`);
  const T = Math.min(length, N - 1);
  if (T < 2) throw new EngineInputError('The text is too short for a gradient trace.');
  const cursor = trainer.dataPosition;
  const from = start ?? (cursor >= T ? cursor - T : 0);
  if (!(Number.isInteger(from) && from >= 0 && from + T < N)) {
    throw new EngineInputError(`A window of ${T} ${unit} from position ${start} does not fit the text of ${N} ${unit}.`);
  }
  const trace = traceData(trainer.model, data, from, T);
  const L = trace.layers;
  const D = trace.directions;
  const gradNormH = new Float32Array(L * T);
  for (let k = 0; k < L; k++) gradNormH.set(trace.hiddenGradNorm!.data.subarray(k * D * T, k * D * T + T), k * T);
  const jacobianNorm = Float32Array.from(trace.jacobianNorm!.data.subarray(1, T));
  const spectra = trace.spectra;
  // The candidate block of W_hh: RNN h, GRU n, LSTM g.
  const block = (gates: string[]) => Math.max(0, gates.findIndex((g) => g === 'h' || g === 'n' || g === 'g'));
  const ids = data.kind === 'next-token' ? data.ids.subarray(from, from + T) : new Int32Array(0);
  return {
    step: trainer.stepCount,
    start: from,
    length: T,
    layers: L,
    gradNormH,
    jacobianNorm,
    spectralRadius: spectra.map((s) => s.spectralRadius[block(s.gates)]),
    largestSingularValue: spectra.map((s) => s.largestSingularValue[block(s.gates)]),
    tokens: Array.from(ids, (id) => decode(id)),
  };
}
