// Trace shapes the training worker sends (answers to traceActivations and traceGradients, trainingWorker.ts) and
// that the host passes on to the Gates, Unrolled and Gradient Flow panels (gatesPanel.ts, gradientFlowPanel.ts).
// Worker → host → page only: numbers travel as typed arrays (transferred), nothing here is checked on receipt
// except the Unrolled page's recurrence (gatesPanel.ts recurrenceFits).

/** Gates, cell and hidden states of one window (answer to `traceActivations`; values transferred). */
export interface ActivationTrace {
  /** The training step the model was at. */
  step: number;
  /** First step of the window within the data: a code point of the text, or for a word run a word index (see tokenStarts). */
  start: number;
  /** T, the window's steps. */
  length: number;
  cell: 'rnn' | 'gru' | 'lstm';
  layers: number;
  hiddenSize: number;
  /** Series per layer: LSTM i, f, g, o, c, h; GRU r, z, n, h; RNN h. */
  series: string[];
  /** Series s of layer k at step t, unit j: values[((k·S + s)·T + t)·H + j]. */
  values: Float32Array;
  /** The window's characters (a word run: words), one per step. */
  tokens: string[];
  /** Word runs only: step t reads the text's code points [tokenStarts[t], tokenEnds[t]) (absent: code point start + t). */
  tokenStarts?: Int32Array;
  tokenEnds?: Int32Array;
  /** The 5 most probable next characters after step t at topChars[t·5 + r], most probable first ('' if fewer). */
  topChars: string[];
  topProbabilities: Float32Array;
  /**
   * ‖∂L/∂h_t‖ of layer k at step t at gradNormH[k·length + t]: BPTT of the window's next-character loss down to its
   * first step (absent when the model is too big to run the backward pass between two yields).
   */
  gradNormH?: Float32Array;
  /**
   * D = 2 for a bidirectional run: values and gradNormH then hold 2·layers chains, chain c = k·D + d (d = 0 the
   * forward chain h→, d = 1 the backward chain h←) where they hold layer k above; t is input time for both chains.
   * Absent: one direction.
   */
  directions?: number;
  /** What the run predicts when it is not the next token (tagged, series, sequence-to-one runs); see TracedOutputs. */
  outputs?: TracedOutputs;
  /** An RNN cell's nonlinearity ('relu' for nn.RNN(nonlinearity='relu')); absent: tanh. */
  nonlinearity?: 'tanh' | 'relu';
  /** Every term of the step the request's `recurrence` named (absent when not asked, or outside the window). */
  recurrence?: RecurrenceTerms;
  /** What the first layer reads at each step (absent in traces made before it was recorded). */
  input?: TracedInput;
}

/**
 * The first layer's x_t: a one-hot vector over a vocabulary of `vocabulary` tokens; a learned embedding row
 * E[id] of `size` numbers (E is vocabulary × size); or a data row of `size` numbers (the file's columns).
 */
export type TracedInput =
  | { kind: 'one-hot'; vocabulary: number }
  | { kind: 'embedding'; vocabulary: number; size: number }
  | { kind: 'rows'; size: number };

/** One step of one chain: chain c = k·D + d (layer k, direction d; d = 1 the backward chain h←), input time t. */
export interface RecurrenceAt {
  chain: number;
  t: number;
}

/**
 * Every term of one step of one chain with its numbers, all H units, in PyTorch's names and gate order (G blocks:
 * RNN one; GRU r, z, n; LSTM i, f, g, o; entry g·H + j is gate g, unit j), as src/engine/recurrenceTerms.ts reads them:
 * a = W_ih x_t + b_ih + W_hh h_prev + b_hh (GRU n: W_in x_t + b_in + r ⊙ (W_hn h_prev + b_hn)), h_prev = h_{t−1}, or
 * h_{t+1} for the backward chain h←. Float64, so the panel prints what the worker computed.
 */
export interface RecurrenceTerms extends RecurrenceAt {
  /** x_t: a one-hot token (W_ih x_t is W_ih's column `id`), an embedding row, a dense row, or the layer below's h. */
  input: 'one-hot' | 'embedding' | 'rows' | 'below';
  /** The token id of a one-hot or embedded input, else −1. */
  id: number;
  /** x_t (empty for one-hot): E, the row's features, or H·D values [h→_t ; h←_t] of the layer below. */
  x: Float64Array;
  /** W_ih x_t and W_hh h_prev, G·H each. */
  inputTerm: Float64Array;
  hiddenTerm: Float64Array;
  /** b_ih and b_hh, G·H each. */
  biasIh: Float64Array;
  biasHh: Float64Array;
  /** The argument of each gate's nonlinearity and its value (RNN: h_t), G·H each. */
  preActivation: Float64Array;
  activation: Float64Array;
  hPrev: Float64Array;
  h: Float64Array;
  /** LSTM: c_prev, c_t, tanh(c_t). */
  cPrev?: Float64Array;
  c?: Float64Array;
  tanhC?: Float64Array;
}

/**
 * A tagged, series or sequence-to-one run's outputs over a traced window. Its `start` is then the code point of the
 * text where the window's first step sits, and tokenStarts/tokenEnds give every step's place (a tagged token, a row).
 *   tag     topChars/topProbabilities hold the top-5 predicted tags per step; gold[t] is the file's tag of step t.
 *   series  predicted[t·F + j] is ô_{t+1} (the run's prediction of the next row), actual[t·F + j] that next row.
 *   final   one prediction, at the block's last step, against the block's target (sequence-to-one).
 */
export type TracedOutputs =
  | { kind: 'tag'; gold: string[] }
  | { kind: 'series'; names: string[]; predicted: Float32Array; actual: Float32Array }
  | { kind: 'final'; name: string; predicted: number; actual: number };

/** A gradient-flow trace of one window (answer to `traceGradients`). */
export interface GradientTrace {
  /** The training step the model was at. */
  step: number;
  /** First step of the window within the data: a code point of the text, or for a word run a word index (see tokenStarts). */
  start: number;
  length: number;
  layers: number;
  /** ‖∂L/∂h_t‖ at gradNormH[k·length + t] (layer k, t in the window). */
  gradNormH: Float32Array;
  /** ‖∂h_T/∂h_{T−n}‖ of the first layer at jacobianNorm[n − 1], n = 1 … length − 1. */
  jacobianNorm: Float32Array;
  /** Per layer: spectral radius and σ_max of W_hh (for gated cells, of the candidate block: RNN h, GRU n, LSTM g). */
  spectralRadius: number[];
  largestSingularValue: number[];
  /** The window's characters (a word run: words), one per step. */
  tokens: string[];
  /** Word runs only: step t reads the text's code points [tokenStarts[t], tokenEnds[t]) (absent: code point start + t). */
  tokenStarts?: Int32Array;
  tokenEnds?: Int32Array;
  /** The run's gradient history over training (src/worker/gradientHistory.ts), when the worker keeps one. */
  history?: GradientHistorySnapshot;
  /** LSTM runs, first layer: ‖∂L/∂c_t‖ at t in the window (beside gradNormH's ‖∂L/∂h_t‖). */
  cellGradNorm?: Float32Array;
  /**
   * LSTM runs, first layer: the cell path's Jacobian along the carousel, ‖∂c_T/∂c_{T−n}‖ = max_j ∏ f_{s,j} over the n
   * steps s = T − n + 1 … T, at cellPath[n − 1] (as jacobianNorm).
   */
  cellPath?: Float32Array;
  /** LSTM runs, first layer: the forget gate's mean over the window's steps and units. */
  meanForgetGate?: number;
  /**
   * D = 2 for a bidirectional run: gradNormH then holds ‖∂L/∂h_t‖ of chain c = k·D + d at gradNormH[c·length + t]
   * (d = 0 forward h→, d = 1 backward h←). Absent: one direction.
   */
  directions?: number;
  /** 'tagged' | 'series' | 'sequence-to-one' runs (start is then a code point of the text, see TracedOutputs). */
  runKind?: 'tagged' | 'series' | 'sequence-to-one';
}

/**
 * Gradient flow over training: every `every` steps a trace of one fixed window (rows, at most 200: when full, every
 * second row is dropped, first and last kept, and `every` doubles), and every step's gradient norm before and after
 * clipping in buckets (at most 1000: when full, neighbours merge).
 */
export interface GradientHistorySnapshot {
  /** The fixed window: its first character, its length T, its characters. */
  start: number;
  length: number;
  layers: number;
  tokens: string[];
  /** Steps between two rows now. */
  every: number;
  /** The training step of each row. */
  steps: Float64Array;
  /** ‖∂L/∂h_t‖ of row r, layer k, step t of the window at gradNormH[(r·layers + k)·length + t]. */
  gradNormH: Float32Array;
  /** Per row and layer (r·layers + k): spectral radius and σ_max of W_hh (candidate block for gated cells). */
  spectralRadius: Float32Array;
  largestSingularValue: Float32Array;
  /** Clipping buckets: the last step of each, the largest norm before and after clipping in it, its share clipped. */
  clipSteps: Float64Array;
  gradNormBefore: Float32Array;
  gradNormAfter: Float32Array;
  clippedShare: Float32Array;
  /** Steps seen and steps clipped since the history began. */
  stepsSeen: number;
  stepsClipped: number;
}

