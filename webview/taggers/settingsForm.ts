// Pure (no DOM): the settings as typed in the panel's fields → TaggerSettings, or the first problem in words. The
// host checks the posted settings again (parseTaggerSettings); this only tells the user before anything is sent.
import { TAGGER_LIMITS } from '../../src/shared/protocol/taggerComparison';
import type { TaggerSettings } from '../../src/shared/protocol/taggerComparison';

export interface TypedSettings {
  cell: TaggerSettings['cell'];
  bidirectional: boolean;
  heldOut: TaggerSettings['heldOut'];
  hiddenSize: string;
  embeddingSize: string;
  epochs: string;
  learningRate: string;
  seed: string;
  /** In percent, as the field shows it. */
  heldOutSharePercent: string;
}

const NAMES = {
  hiddenSize: 'Hidden size',
  embeddingSize: 'Embedding size',
  epochs: 'Epochs',
  learningRate: 'Learning rate',
  seed: 'Seed',
} as const;

function whole(text: string, name: keyof typeof NAMES): number | string {
  const { min, max } = TAGGER_LIMITS[name];
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(v) || v < min || v > max) return `${NAMES[name]} must be a whole number from ${min} to ${max}.`;
  return v;
}

export function readSettings(typed: TypedSettings): { settings: TaggerSettings } | { error: string } {
  const values: Partial<Record<keyof typeof NAMES, number>> = {};
  for (const name of ['hiddenSize', 'embeddingSize', 'epochs', 'seed'] as const) {
    const v = whole(typed[name], name);
    if (typeof v === 'string') return { error: v };
    values[name] = v;
  }
  const lr = Number(typed.learningRate.trim());
  const L = TAGGER_LIMITS.learningRate;
  if (typed.learningRate.trim() === '' || !Number.isFinite(lr) || lr < L.min || lr > L.max) {
    return { error: `Learning rate must be a number from ${L.min} to ${L.max}.` };
  }
  const share = Number(typed.heldOutSharePercent.trim()) / 100;
  const S = TAGGER_LIMITS.heldOutShare;
  if (typed.heldOut === 'split' && (typed.heldOutSharePercent.trim() === '' || !Number.isFinite(share) || share < S.min || share > S.max)) {
    return { error: `The held-out share must be from ${S.min * 100}% to ${S.max * 100}%.` };
  }
  return {
    settings: {
      cell: typed.cell,
      bidirectional: typed.bidirectional,
      hiddenSize: values.hiddenSize!,
      embeddingSize: values.embeddingSize!,
      epochs: values.epochs!,
      learningRate: lr,
      seed: values.seed!,
      // With the sibling file the share is unused: keep any valid value.
      heldOutShare: share >= S.min && share <= S.max ? share : 0.2,
      heldOut: typed.heldOut,
    },
  };
}
