// Bounds of the analyses that the extension's worker and the CLI both run on files anyone can hand over, so a file
// costs the same bounded memory and time whichever way it is opened.

/** Largest trellis kept (steps × states): δ, ψ and γ for every node must fit comfortably in memory (~200 MB each). */
export const MAX_TRELLIS_NODES = 25_000_000;

/**
 * Most characters Markov surprisal scores at once: an interpolated Kneser-Ney model of order k keeps up to k + 1
 * count tables over the text (a 20 MB single line at order 3 took 1.47 GB and 66 s; 2 M characters stay in the
 * hundreds of MB and seconds).
 */
export const MAX_MARKOV_SURPRISAL_TOKENS = 2_000_000;

/** Heap of an analysis worker (MB): a runaway analysis ends that worker with a message, not the extension host. */
export const ANALYSIS_WORKER_HEAP_MB = 2048;
