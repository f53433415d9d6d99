// The embedded Reber grammar (Reber 1967; Hochreiter & Schmidhuber 1997, §5 experiment 1). What it demonstrates:
// the symbol before the final E repeats the second symbol (T or P), so predicting it needs a memory of arbitrary
// length across the inner Reber string — an LSTM learns it, a tanh RNN usually does not in the same number of steps.
//
// The inner Reber grammar, as a transition table (state --symbol--> next state; B starts, E ends):
//
//   state | symbol → next
//   ------+------------------
//   start | B → 1
//     1   | T → 2    P → 3
//     2   | S → 2    X → 4
//     3   | T → 3    V → 5
//     4   | X → 3    S → end
//     5   | P → 4    V → end
//   end   | E → (done)
//
// Embedded: B, then T or P, then an inner Reber string, then the same T or P again, then E.
import { Prng } from '../prng';

/** The inner grammar's branching states: the two (symbol, next state) choices, each taken with probability 1/2. */
const REBER: Record<number, [string, number][]> = {
  1: [['T', 2], ['P', 3]],
  2: [['S', 2], ['X', 4]],
  3: [['T', 3], ['V', 5]],
  4: [['X', 3], ['S', 6]],
  5: [['P', 4], ['V', 6]],
};
/** State 6 is "end": only E may follow. */
const END = 6;

/** One inner Reber string (from B to E), choosing each branch with probability 1/2. */
export function reberString(rng: Prng): string {
  let out = 'B';
  let state = 1;
  while (state !== END) {
    const [symbol, next] = REBER[state][rng.next() < 0.5 ? 0 : 1];
    out += symbol;
    state = next;
  }
  return out + 'E';
}

/** One embedded Reber string: B, T|P, an inner string, the same T|P, E. */
export function embeddedReberString(rng: Prng): string {
  const branch = rng.next() < 0.5 ? 'T' : 'P';
  return `B${branch}${reberString(rng)}${branch}E`;
}

/** `count` embedded Reber strings, one per line (the file a character model trains on). */
export function embeddedReberText(count: number, seed: number): string {
  const rng = new Prng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(embeddedReberString(rng));
  return lines.join('\n') + '\n';
}

/**
 * The legal next symbols after each prefix of `s` under the embedded grammar: entry i is the set allowed at
 * position i (i = 0 … s.length; the last entry is empty for a complete string). Returns undefined as soon as a
 * symbol of `s` is not allowed — so `s` is a complete embedded Reber string iff the result is defined and its
 * last entry is empty.
 */
export function embeddedReberLegalNext(s: string): string[][] | undefined {
  const legal: string[][] = [];
  // Outer phases: 0 expect B, 1 expect T|P, 2 inside the inner string (with `inner` state), 3 expect the branch
  // symbol again, 4 expect E, 5 done. Inner state 0 expects B, END expects E.
  let phase = 0;
  let branch = '';
  let inner = 0;
  const allowed = (): string[] => {
    switch (phase) {
      case 0: return ['B'];
      case 1: return ['T', 'P'];
      case 2:
        if (inner === 0) return ['B'];
        if (inner === END) return ['E'];
        return REBER[inner].map(([symbol]) => symbol);
      case 3: return [branch];
      case 4: return ['E'];
      default: return [];
    }
  };
  for (const c of s) {
    const now = allowed();
    legal.push(now);
    if (!now.includes(c)) return undefined;
    if (phase === 0) phase = 1;
    else if (phase === 1) { branch = c; phase = 2; inner = 0; }
    else if (phase === 2) {
      if (inner === 0) inner = 1;
      else if (inner === END) phase = 3;
      else inner = REBER[inner].find(([symbol]) => symbol === c)![1];
    } else if (phase === 3) phase = 4;
    else if (phase === 4) phase = 5;
  }
  legal.push(allowed());
  return legal;
}

/** True when `s` is one complete embedded Reber string. */
export function isEmbeddedReber(s: string): boolean {
  const legal = embeddedReberLegalNext(s);
  return legal !== undefined && legal[legal.length - 1].length === 0;
}
