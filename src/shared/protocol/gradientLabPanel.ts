// Channel: the host (src/panels/gradientLabPanel.ts) ↔ the Vanishing/Exploding Gradient Lab's page (webview/lab/):
// a tanh RNN and an LSTM at one spectral radius of W_hh, the loss at the last step. The page holds the controls and
// asks for one computation per settled change; the host checks every value against GRADIENT_LAB_LIMITS
// (parseGradientLabPanelMessage) before the worker sees it. Views are plain JSON-able arrays (NaN as null), saved
// with setState.
import { runIdSchema } from './common';
import { integer, lazy, literal, number, object, parser, refine, variant, type Infer, type InferShape } from './schema';

export const GRADIENT_LAB_LIMITS = {
  spectralRadius: { min: 0.5, max: 1.5, step: 0.05 },
  steps: { min: 10, max: 200 },
  hiddenSize: { min: 2, max: 128 },
  forgetBias: { min: 0, max: 3 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  requestId: { min: 0, max: 2 ** 31 - 1 },
} as const;

/** The lab's settings as the page sends them (a function, so a page that never checks them keeps none of it). */
const gradientLabSettingsShape = () => {
  const L = GRADIENT_LAB_LIMITS;
  return {
    /**
     * ρ(W_hh) of both models (every H×H block of the LSTM's W_hh), on the slider's grid of 0.05 (to rounding), so the
     * worker never sees a value the page cannot show.
     */
    spectralRadius: refine(number(L.spectralRadius), 'a multiple of GRADIENT_LAB_LIMITS.spectralRadius.step', (rho) =>
      Math.abs(Math.round(rho / L.spectralRadius.step) * L.spectralRadius.step - rho) < 1e-9),
    /** T: the loss is at the last of T steps. */
    steps: integer(L.steps.min, L.steps.max),
    hiddenSize: integer(L.hiddenSize.min, L.hiddenSize.max),
    seed: integer(L.seed.min, L.seed.max),
    /** b_if + b_hf of the LSTM: 0 (PyTorch's default on average) … 3, whole numbers. */
    forgetBias: integer(L.forgetBias.min, L.forgetBias.max),
  };
};

export type GradientLabSettings = InferShape<ReturnType<typeof gradientLabSettingsShape>>;

export interface GradientLabView extends GradientLabSettings {
  /** What the models read, in words (a file label, or "a generated sequence"). */
  dataLabel: string;
  /** Index t = 0 … T−1: ‖∂L_T/∂h_t‖ of the RNN and the LSTM, ‖∂L_T/∂c_t‖ of the LSTM (null: not a finite number). */
  rnnHidden: (number | null)[];
  lstmHidden: (number | null)[];
  lstmCell: (number | null)[];
  meanForgetGate: number | null;
  /** Fitted factor per step back in time. */
  rnnDecay: number | null;
  lstmHiddenDecay: number | null;
  lstmCellDecay: number | null;
  /** ‖∂L_T/∂h_t‖ of a linear RNN with the same W_hh (closed form), σ_max(W_hh), the carousel's best factor per step. */
  linearHidden?: (number | null)[];
  largestSingularValue?: number | null;
  carouselFactor?: number | null;
}

/** A finished run the lab's trained-weights mode reads: a one-layer tanh RNN or LSTM character model with a checkpoint. */
export interface TrainedRunChoice {
  id: string;
  cell: 'rnn' | 'lstm';
  /** e.g. "char LSTM · H=32 · reber-lstm.seqlab.json · step 3000". */
  label: string;
  fileLabel: string;
  /** Equal for runs on the same text (a prefix of its SHA-256): the page pairs runs of one file. */
  fileKey: string;
}

/** The lab's curves after training (src/engine/trainedGradients.ts), with the runs they come from. */
export interface TrainedGradientLabView {
  steps: number;
  /** ρ and σ_max of the trained tanh RNN's W_hh (measured, not set). */
  spectralRadius: number;
  largestSingularValue: number | null;
  dataLabel: string;
  rnnRun: string;
  lstmRun: string;
  /** BPTT length each run trained with: the distance training ever sent a gradient. */
  rnnTruncation: number;
  lstmTruncation: number;
  rnnHidden: (number | null)[];
  lstmHidden: (number | null)[];
  lstmCell: (number | null)[];
  linearHidden: (number | null)[];
  meanForgetGate: number | null;
  carouselFactor: number | null;
  /** Mean b_if + b_hf of the trained LSTM. */
  lstmForgetBias: number | null;
}

export type HostToGradientLabPanel =
  /** The answer to the page's `compute` of the same requestId (the page drops answers older than its latest). */
  | { type: 'labResult'; requestId: number; view: GradientLabView }
  | { type: 'labFailed'; requestId: number; message: string }
  /** What the lab runs on; `note` explains a fallback (e.g. after a window reload). */
  | { type: 'dataSource'; label: string; note?: string }
  /** The runs the trained-weights mode can read; `missing` says what to train first when a cell has none. */
  | { type: 'trainedRuns'; runs: TrainedRunChoice[]; missing: string | null }
  | { type: 'trainedResult'; requestId: number; view: TrainedGradientLabView };

const gradientLabPanelToHostSchema = /* @__PURE__ */ lazy(() => {
  const settings = gradientLabSettingsShape();
  const requestId = integer(GRADIENT_LAB_LIMITS.requestId.min, GRADIENT_LAB_LIMITS.requestId.max);
  return variant('type', [
    object({ type: literal('ready') }),
    object({ type: literal('compute'), requestId, ...settings }),
    object({ type: literal('listTrainedRuns') }),
    object({ type: literal('computeTrained'), requestId, rnnRunId: runIdSchema, lstmRunId: runIdSchema, steps: settings.steps }),
  ]);
});

export type GradientLabPanelToHost = Infer<typeof gradientLabPanelToHostSchema>;

/** Returns the message if it is a well-formed GradientLabPanelToHost, otherwise undefined. */
export const parseGradientLabPanelMessage = /* @__PURE__ */ parser(gradientLabPanelToHostSchema);
