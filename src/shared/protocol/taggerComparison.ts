// A tagger comparison's settings and results: what the Tagger Comparison panel (taggersPanel.ts) and the taggers
// worker (taggersWorker.ts) both carry. The settings are checked once, where the page posts them
// (parseTaggerSettings, from the same schema as the TaggerSettings type).
import { boolean, integer, lazy, number, object, parser, picklist, type Infer } from './schema';

/** Inclusive bounds of the numeric settings (whole numbers except learningRate and heldOutShare). */
export const TAGGER_LIMITS = {
  hiddenSize: { min: 1, max: 256 },
  embeddingSize: { min: 1, max: 128 },
  epochs: { min: 1, max: 200 },
  learningRate: { min: 1e-5, max: 1 },
  seed: { min: 0, max: 2147483647 },
  heldOutShare: { min: 0.05, max: 0.5 },
} as const;

/** What the user chooses in the Tagger Comparison panel. Unknown keys are dropped (only the known fields are kept). */
export const taggerSettingsSchema = /* @__PURE__ */ lazy(() => object({
  cell: picklist(['rnn', 'gru', 'lstm']),
  bidirectional: boolean(),
  hiddenSize: integer(TAGGER_LIMITS.hiddenSize.min, TAGGER_LIMITS.hiddenSize.max),
  embeddingSize: integer(TAGGER_LIMITS.embeddingSize.min, TAGGER_LIMITS.embeddingSize.max),
  /** Passes over the training sequences (8 sequences per update). */
  epochs: integer(TAGGER_LIMITS.epochs.min, TAGGER_LIMITS.epochs.max),
  /** Adam's step size. */
  learningRate: number(TAGGER_LIMITS.learningRate),
  /** Seeds the held-out split and the RNN's initial weights. */
  seed: integer(TAGGER_LIMITS.seed.min, TAGGER_LIMITS.seed.max),
  /** Share of the sequences held out when `heldOut` is 'split' (0.05–0.5). */
  heldOutShare: number(TAGGER_LIMITS.heldOutShare),
  /** 'split': a seeded share of the file's sequences; 'sibling': the file's *-test.tsv sibling. */
  heldOut: picklist(['split', 'sibling']),
}, { unknownKeys: 'strip' }));

export type TaggerSettings = Infer<typeof taggerSettingsSchema>;

/** The settings if every field is present and in range, otherwise undefined (only the known fields are kept). */
export const parseTaggerSettings = /* @__PURE__ */ parser(taggerSettingsSchema);

export const DEFAULT_TAGGER_SETTINGS: TaggerSettings = {
  cell: 'rnn',
  bidirectional: true,
  hiddenSize: 32,
  embeddingSize: 16,
  epochs: 5,
  learningRate: 0.01,
  seed: 1,
  heldOutShare: 0.2,
  heldOut: 'split',
};

/** One tagger's held-out scores. Arrays are plain (JSON-able: the panel saves them with setState). */
export interface TaggerScoresView {
  accuracy: number;
  correct: number;
  total: number;
  /** N×N row-major: row = true tag, column = predicted tag. */
  confusion: number[];
  precision: (number | null)[];
  recall: (number | null)[];
  f1: (number | null)[];
  /** Held-out tokens whose true tag is i. */
  support: number[];
  /** Wall-clock time of training (HMM: counting) in milliseconds. */
  trainMs: number;
  /** Free parameters (HMM: probabilities less one per distribution; RNN: every weight). */
  parameterCount: number;
}

export interface TaggerComparison {
  settings: TaggerSettings;
  tags: string[];
  trainSequences: number;
  trainTokens: number;
  heldOutSequences: number;
  heldOutTokens: number;
  /** Distinct training tokens kept as themselves (the rest read as <unk>). */
  vocabularySize: number;
  /** Training token types seen once, read as <unk> by both taggers. */
  rareTypes: number;
  /** Held-out tokens never seen in training (read as <unk>). */
  heldOutUnknown: number;
  /** The tag most frequent in training, and its accuracy on the held-out tokens. */
  majorityTag: string;
  majorityAccuracy: number;
  /** Held-out tokens only the HMM tags right, and only the RNN (the tokens McNemar's test looks at). */
  hmmOnlyCorrect: number;
  rnnOnlyCorrect: number;
  hmm: TaggerScoresView & { alpha: number };
  rnn: TaggerScoresView & { steps: number; plannedSteps: number; stopped: boolean; finalLoss: number };
}

