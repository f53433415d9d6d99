// Pure (no vscode): which steps get a decoded-state label in the editor.

/**
 * The steps in [lo, hi) whose token gets its Viterbi state after it: every token, or with single-character
 * observations (one label per character would double the line) only the last step of each run of one state.
 * At most `max` steps.
 */
export function stateLabelSteps(path: ArrayLike<number>, lo: number, hi: number, runsOnly: boolean, max: number): number[] {
  const out: number[] = [];
  for (let t = lo; t < hi && out.length < max; t++) {
    if (!runsOnly || t === path.length - 1 || path[t + 1] !== path[t]) out.push(t);
  }
  return out;
}
