// A run history written outside VS Code — the exported PyTorch project's train.py appends one
// {"step", "loss", "gradNorm"} line per update to metrics.jsonl, the Runs view's own format (runStore.ts) — read back
// so Open PyTorch Model… can store it as a run of its own and Compare Runs can show it next to the run it continues.
// Pure (no vscode, no fs): the file is untrusted, so every line is checked and the size is bounded by the caller.
import type { MetricLine } from './runStore';

/** metrics.jsonl files above this size are not imported (train.py writes ~80 bytes an update: ~800,000 updates). */
export const MAX_HISTORY_BYTES = 64 * 1024 * 1024;

export type ParsedHistory = { lines: MetricLine[] } | { error: string };

/**
 * The history's lines in order. Steps are positive whole numbers, strictly increasing; loss and gradNorm finite and
 * ≥ 0. A last line cut short (a crash mid-append) is left out; any other bad line refuses the file, naming it.
 */
export function parseRunHistory(text: string): ParsedHistory {
  const raw = text.split('\n');
  const lines: MetricLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i].trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (lines.length > 0 && raw.slice(i + 1).every((l) => !l.trim())) break; // the cut last line
      return { error: `line ${i + 1} is not JSON.` };
    }
    const m = value as Partial<Record<keyof MetricLine, unknown>> | null;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return { error: `line ${i + 1} is not a {"step", "loss", "gradNorm"} object.` };
    const { step, loss, gradNorm } = m;
    if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 1) return { error: `line ${i + 1} has no step number (a whole number ≥ 1).` };
    if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0) return { error: `line ${i + 1} (step ${step}) has no finite loss ≥ 0.` };
    if (typeof gradNorm !== 'number' || !Number.isFinite(gradNorm) || gradNorm < 0) return { error: `line ${i + 1} (step ${step}) has no finite gradNorm ≥ 0.` };
    const previous = lines[lines.length - 1];
    if (previous && step <= previous.step) return { error: `line ${i + 1} goes back to step ${step} after step ${previous.step}.` };
    lines.push({ step, loss, gradNorm });
  }
  if (lines.length === 0) return { error: 'it has no training steps.' };
  return { lines };
}

/** Runs of consecutive steps (what RunStore.appendMetrics takes), in order. */
export function consecutiveSegments(lines: readonly MetricLine[]): { firstStep: number; losses: number[]; gradNorms: number[] }[] {
  const segments: { firstStep: number; losses: number[]; gradNorms: number[] }[] = [];
  for (const m of lines) {
    const last = segments[segments.length - 1];
    if (last && last.firstStep + last.losses.length === m.step) {
      last.losses.push(m.loss);
      last.gradNorms.push(m.gradNorm);
    } else {
      segments.push({ firstStep: m.step, losses: [m.loss], gradNorms: [m.gradNorm] });
    }
  }
  return segments;
}
