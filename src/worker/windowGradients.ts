// The Gradient Flow panel's trace of one window of a next-token run (characters or words): ‖∂L/∂h_t‖ per layer
// (BPTT of the window's mean next-token cross-entropy down to its first step), the first layer's Jacobian norm
// ‖∂h_T/∂h_{T−n}‖ by distance n, and the spectra of W_hh. traceData works on a copy of the parameters and reads the
// data cursor only, so training goes on exactly as without the trace.
import { EngineInputError } from '../engine/errors';
import type { SequenceData } from '../engine/sequenceData';
import type { SequenceTrainer } from '../engine/sequenceTrainer';
import { traceData } from '../engine/traces';
import type { GradientTrace } from '../shared/protocol/traces';

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
    ...lstmCellPath(trace.gates.data, trace.cellGradNorm?.data, T, trace.hiddenSize, trace.gateNames),
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

/**
 * The LSTM's cell path of the first chain (forward direction): ‖∂L/∂c_t‖, the carousel's Jacobian ‖∂c_T/∂c_{T−n}‖ and
 * the mean forget gate. Along the cell state c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t (h held fixed), ∂c_T/∂c_{T−n} =
 * diag(∏_{s=T−n+1…T} f_s): a diagonal matrix, whose 2-norm is its largest entry max_j ∏ f_{s,j}.
 */
export function lstmCellPath(
  gates: Float64Array, cellGradNorm: Float64Array | undefined, T: number, H: number, gateNames: string[],
): Pick<GradientTrace, 'cellGradNorm' | 'cellPath' | 'meanForgetGate'> {
  const f = gateNames.indexOf('f');
  if (!cellGradNorm || f < 0 || gateNames.length !== 4) return {};
  const G = 4;
  const product = new Float64Array(H).fill(1);
  const cellPath = new Float32Array(T - 1);
  let sum = 0;
  for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) sum += gates[(t * G + f) * H + j];
  // Distance n multiplies in f of step T − n (0-based: the last step is T − 1, so n = 1 is f_{T−1}).
  for (let n = 1; n < T; n++) {
    const t = T - n;
    let largest = 0;
    for (let j = 0; j < H; j++) {
      product[j] *= gates[(t * G + f) * H + j];
      if (product[j] > largest) largest = product[j];
    }
    cellPath[n - 1] = largest;
  }
  return { cellGradNorm: Float32Array.from(cellGradNorm.subarray(0, T)), cellPath, meanForgetGate: sum / (T * H) };
}
