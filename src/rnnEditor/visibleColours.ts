// Pure (no vscode): the colour runs of all the ranges an editor shows, on one scale. ‖∂L/∂h_t‖ is coloured in decades
// below "the largest in view" (the legend's words): that largest is taken over every visible range together, so a
// folded or split view does not give each range its own top colour. Unit-tested in test/host/rnnEditor.test.ts.
import { largestIn, slotRuns, SLOTS, type Scale } from './colourScale';

/** The largest finite value over all `ranges` of offsets ([from, to), values indexed by offset − base); NaN if none. */
export function largestInRanges(values: ArrayLike<number>, base: number, ranges: readonly (readonly [number, number])[]): number {
  let largest = NaN;
  for (const [from, to] of ranges) {
    const inRange = largestIn(values, base, from, to);
    if (inRange > largest || Number.isNaN(largest)) largest = inRange;
  }
  return largest;
}

/** Runs [start, end) per slot (index as in SLOTS) over all `ranges`, every range scaled by the same largest value. */
export function visibleRuns(
  values: ArrayLike<number>, base: number, ranges: readonly (readonly [number, number])[], scale: Scale,
  lowSurrogate: (offset: number) => boolean = () => false,
): [number, number][][] {
  const largest = largestInRanges(values, base, ranges);
  const perSlot: [number, number][][] = SLOTS.map(() => []);
  for (const [from, to] of ranges) {
    slotRuns(values, base, from, to, scale, { largest, lowSurrogate }).forEach((runs, slot) => {
      for (const run of runs) perSlot[slot].push(run);
    });
  }
  return perSlot;
}
