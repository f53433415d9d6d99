// Scoring a tagger on held-out tokens: the confusion matrix and what is read off it. Pure (no engine, no I/O).
//   C[i·N + j] = #tokens whose true tag is i and predicted tag is j   (rows: truth, columns: prediction)
//   accuracy   = Σ_i C_ii / Σ_ij C_ij
//   precision_j = C_jj / Σ_i C_ij   (of the tokens predicted j, the share that are j; null when none is predicted j)
//   recall_i    = C_ii / Σ_j C_ij   (of the tokens that are i, the share predicted i; null when no token is i)
//   F1          = 2 P R / (P + R)   (null when P or R is null; 0 when both are 0)

export interface TagScores {
  correct: number;
  total: number;
  accuracy: number;
  /** N×N, row-major, row = true tag. */
  confusion: number[];
  precision: (number | null)[];
  recall: (number | null)[];
  f1: (number | null)[];
  /** Tokens whose true tag is i (the row sums). */
  support: number[];
}

/** The confusion matrix of predicted against true tag ids (both flattened over all sequences, same length). */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, tagCount: number): number[] {
  if (truth.length !== predicted.length) throw new RangeError(`${truth.length} true tags but ${predicted.length} predictions`);
  const c = new Array<number>(tagCount * tagCount).fill(0);
  for (let t = 0; t < truth.length; t++) {
    const i = truth[t];
    const j = predicted[t];
    if (!(i >= 0 && i < tagCount && j >= 0 && j < tagCount)) throw new RangeError(`tag id outside 0..${tagCount - 1} at token ${t}`);
    c[i * tagCount + j]++;
  }
  return c;
}

/** Accuracy and per-tag precision, recall and F1 from a confusion matrix. */
export function scoresFromConfusion(confusion: readonly number[], tagCount: number): TagScores {
  const n = tagCount;
  const rows = new Array<number>(n).fill(0);
  const cols = new Array<number>(n).fill(0);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = confusion[i * n + j];
      rows[i] += v;
      cols[j] += v;
      total += v;
      if (i === j) correct += v;
    }
  }
  const precision = cols.map((p, j) => (p > 0 ? confusion[j * n + j] / p : null));
  const recall = rows.map((r, i) => (r > 0 ? confusion[i * n + i] / r : null));
  const f1 = precision.map((p, i) => {
    const r = recall[i];
    if (p === null || r === null) return null;
    return p + r > 0 ? (2 * p * r) / (p + r) : 0;
  });
  return { correct, total, accuracy: total > 0 ? correct / total : 0, confusion: [...confusion], precision, recall, f1, support: rows };
}

export function scoreTags(truth: ArrayLike<number>, predicted: ArrayLike<number>, tagCount: number): TagScores {
  return scoresFromConfusion(confusionMatrix(truth, predicted, tagCount), tagCount);
}

/**
 * The majority-tag baseline: always answer the tag most frequent in TRAINING (lowest id on ties), scored on the
 * held-out tags. Any tagger worth its parameters beats it.
 */
export function majorityBaseline(trainTags: ArrayLike<number>, heldOutTags: ArrayLike<number>, tagCount: number): { tag: number; accuracy: number } {
  const counts = new Array<number>(tagCount).fill(0);
  for (let t = 0; t < trainTags.length; t++) counts[trainTags[t]]++;
  let tag = 0;
  for (let i = 1; i < tagCount; i++) if (counts[i] > counts[tag]) tag = i;
  let hits = 0;
  for (let t = 0; t < heldOutTags.length; t++) if (heldOutTags[t] === tag) hits++;
  return { tag, accuracy: heldOutTags.length > 0 ? hits / heldOutTags.length : 0 };
}

/** Tokens the first tagger gets right and the second wrong, and the other way round (McNemar's b and c). */
export function onlyOneRight(truth: ArrayLike<number>, first: ArrayLike<number>, second: ArrayLike<number>): { first: number; second: number } {
  let a = 0;
  let b = 0;
  for (let t = 0; t < truth.length; t++) {
    const x = first[t] === truth[t];
    const y = second[t] === truth[t];
    if (x && !y) a++;
    else if (y && !x) b++;
  }
  return { first: a, second: b };
}
