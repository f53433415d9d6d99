// Every term of one step of one recurrent chain, with the numbers of that step: what the Unrolled Network panel prints
// under "The recurrence with this step's numbers". Read from a stack right after its forward pass (recurrentStack.ts),
// in PyTorch's names and gate order (G blocks of H rows in W_ih, W_hh, b_ih, b_hh: RNN one block; GRU r, z, n; LSTM
// i, f, g, o). For chain c = k·D + d at input time t (processing step s = t forward, s = T−1−t backward):
//
//   input term   W_ih x_t             x_t one-hot (then column id of W_ih), an embedding row E[id], a dense row, or
//                                     for layer k > 0 the layer below's output [h→_t ; h←_t] (width H·D)
//   hidden term  W_hh h_prev          h_prev = h_{t−1} of the forward chain, h_{t+1} of the backward chain h←
//   biases       b_ih, b_hh
//   RNN   a = W_ih x_t + b_ih + W_hh h_prev + b_hh,  h_t = tanh(a) or relu(a)                      (nn.RNN)
//   LSTM  a_g = (same sum) per gate, i, f, o = σ(a), g = tanh(a_g),
//         c_t = f ⊙ c_prev + i ⊙ g,  h_t = o ⊙ tanh(c_t)                                            (nn.LSTM)
//   GRU   a_r, a_z = (same sum), r, z = σ(a);  a_n = W_in x_t + b_in + r ⊙ (W_hn h_prev + b_hn), n = tanh(a_n),
//         h_t = (1 − z) ⊙ n + z ⊙ h_prev                                                             (nn.GRU)
//
// The input and hidden terms are recomputed here from the weights (the cells keep only their sums); the
// pre-activations, gate values, c_t and h_t are the cell's own, so the panel shows what the forward pass computed.
import type { GruCell } from './cells/gruCell';
import type { LstmCell } from './cells/lstmCell';
import { EngineInputError } from './errors';
import type { RecurrentStack, StackInput } from './recurrentStack';

export interface RecurrenceTerms {
  /** Chain c = k·D + d (layer k, direction d: 1 is the backward chain h←). */
  chain: number;
  /** Input time of the step within the window the stack last ran over. */
  t: number;
  /** What x_t is (see the header). */
  input: 'one-hot' | 'embedding' | 'rows' | 'below';
  /** The token id of a one-hot or embedded input (−1 otherwise). */
  id: number;
  /** x_t itself: the embedding row, the dense row or the layer below's output; empty for a one-hot input. */
  x: Float64Array;
  /** W_ih x_t, G·H (gate block g, unit j at g·H + j). */
  inputTerm: Float64Array;
  /** W_hh h_prev, G·H. */
  hiddenTerm: Float64Array;
  biasIh: Float64Array;
  biasHh: Float64Array;
  /** The argument of each gate's nonlinearity, G·H (GRU n: W_in x + b_in + r ⊙ (W_hn h + b_hn)). */
  preActivation: Float64Array;
  /** σ / tanh / relu of it, G·H (RNN: h_t). */
  activation: Float64Array;
  hPrev: Float64Array;
  h: Float64Array;
  /** LSTM only: c_prev, c_t and tanh(c_t). */
  cPrev?: Float64Array;
  c?: Float64Array;
  tanhC?: Float64Array;
}

/**
 * The terms of chain `chain` at input time `t` of the stack's last forward pass, which read `input` (the same object
 * or equal values). Throws EngineInputError for a chain or time outside it.
 */
export function recurrenceTerms(stack: RecurrentStack, input: StackInput, chain: number, t: number): RecurrenceTerms {
  const { hiddenSize: H, layers, cell: kind, embedding, inputSize } = stack.config;
  const D = stack.directions;
  const T = stack.length;
  if (!(Number.isInteger(chain) && chain >= 0 && chain < layers * D)) throw new EngineInputError(`There is no chain ${chain} (the model has ${layers * D}).`);
  if (!(Number.isInteger(t) && t >= 0 && t < T)) throw new EngineInputError(`Step ${t} is outside the window of ${T} steps.`);
  const k = Math.floor(chain / D);
  const d = chain % D;
  const cell = stack.cells[chain];
  const G = cell.gates;
  const GH = G * H;
  const s = d === 1 ? T - 1 - t : t;
  const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
  const wih = stack.param(`rnn.weight_ih${suffix}`);
  const whh = stack.param(`rnn.weight_hh${suffix}`);
  const I = k === 0 ? embedding ?? inputSize : H * D;

  // x_t and W_ih x_t
  let source: RecurrenceTerms['input'];
  let id = -1;
  let x: Float64Array;
  if (k > 0) {
    source = 'below';
    x = Float64Array.from(stack.layerOutput(k - 1).subarray(t * I, (t + 1) * I));
  } else if ('ids' in input) {
    id = input.ids[t];
    if (embedding !== undefined) {
      source = 'embedding';
      x = Float64Array.from(stack.param('embed.weight').subarray(id * embedding, (id + 1) * embedding));
    } else {
      source = 'one-hot';
      x = new Float64Array(0);
    }
  } else {
    source = 'rows';
    x = Float64Array.from(input.x.subarray(t * I, (t + 1) * I));
  }
  const inputTerm = new Float64Array(GH);
  for (let r = 0; r < GH; r++) {
    if (source === 'one-hot') inputTerm[r] = wih[r * I + id]; // W_ih e_id: column id
    else {
      let sum = 0;
      for (let i = 0; i < I; i++) sum += wih[r * I + i] * x[i];
      inputTerm[r] = sum;
    }
  }

  // h_prev (hs row s; row 0 is the chain's initial state) and W_hh h_prev
  const hPrev = Float64Array.from(cell.hs.subarray(s * H, (s + 1) * H));
  const hiddenTerm = new Float64Array(GH);
  for (let r = 0; r < GH; r++) {
    let sum = 0;
    for (let j = 0; j < H; j++) sum += whh[r * H + j] * hPrev[j];
    hiddenTerm[r] = sum;
  }

  const activation = kind === 'lstm' || kind === 'gru'
    ? Float64Array.from((cell as LstmCell | GruCell).gateValues.subarray(s * GH, (s + 1) * GH))
    : Float64Array.from(cell.hs.subarray((s + 1) * H, (s + 2) * H));
  const terms: RecurrenceTerms = {
    chain, t, input: source, id, x, inputTerm, hiddenTerm,
    biasIh: Float64Array.from(stack.param(`rnn.bias_ih${suffix}`)),
    biasHh: Float64Array.from(stack.param(`rnn.bias_hh${suffix}`)),
    preActivation: Float64Array.from(cell.preActivations.subarray(s * GH, (s + 1) * GH)),
    activation,
    hPrev,
    h: Float64Array.from(cell.hs.subarray((s + 1) * H, (s + 2) * H)),
  };
  if (kind === 'lstm') {
    const lstm = cell as LstmCell;
    terms.cPrev = Float64Array.from(lstm.cs.subarray(s * H, (s + 1) * H));
    terms.c = Float64Array.from(lstm.cs.subarray((s + 1) * H, (s + 2) * H));
    terms.tanhC = Float64Array.from(lstm.tanhCs.subarray(s * H, (s + 1) * H));
  }
  return terms;
}
