// `sequence-lab eval MODEL DATA [--grads OUT.safetensors]`: prints {"loss", "perplexity", "tokens"} — the mean loss
// per predicted token (per value for a series) over the whole file processed as ONE sequence from a zero state
// (tagged files: each sequence from a zero state) — and with --grads writes ∂(that mean loss)/∂θ for every
// parameter under the parameter's own name (full BPTT over the file, so its activations must fit MAX_GRADIENT_BYTES).
import { EngineInputError } from '../../engine/errors';
import { RecurrentStack } from '../../engine/recurrentStack';
import { encodeSafetensors, layoutToSafetensors } from '../../engine/safetensors';
import { parseSeries, parseTagged } from '../../engine/sequenceData';
import { crossEntropyStep, squaredErrorStep } from '../../engine/stepLoss';
import { guarded, parseArgs, UsageError, type CliIo } from './cliIo';
import { encodeTokens, tokensOf, type ModelMetadata } from '../../engine/modelFile';
import { decodeModel } from './readModel';

export const EVAL_USAGE = 'Usage: sequence-lab eval MODEL DATA [--grads OUT.safetensors]\n';
/** Forward-only evaluation runs in chunks of this many steps, carrying the state. */
const CHUNK = 1024;
/** Full BPTT over the file for --grads keeps every step's activations: refuse files whose activations exceed this. */
export const MAX_GRADIENT_BYTES = 1_500_000_000;

/** Bytes of RecurrentStack work buffers per step (per cell ~3 G·H-wide and ~5 H-wide rows, plus layer outputs). */
function bytesPerStep(meta: ModelMetadata): number {
  const m = meta.model;
  const D = m.bidirectional ? 2 : 1;
  const G = m.cell === 'lstm' ? 4 : m.cell === 'gru' ? 3 : 1;
  return 8 * (m.layers * D * (3 * G * m.hiddenSize + 5 * m.hiddenSize) + 2 * m.layers * D * m.hiddenSize + meta.outputSize + 2 * (m.embedding ?? meta.inputSize));
}

interface Sequence {
  input: { ids: Int32Array } | { x: Float64Array; steps: number };
  target: { kind: 'cross-entropy'; targets: Int32Array } | { kind: 'mse'; targets: Float64Array };
  steps: number;
}

/** The file as the model's sequences: one (lm, series) or one per tagged block. */
function sequencesOf(meta: ModelMetadata, text: string): Sequence[] {
  if (meta.task === 'lm') {
    const ids = encodeTokens(tokensOf(text, meta.tokens ?? 'chars'), meta.vocabulary);
    if (ids.length < 2) throw new EngineInputError('The file has fewer than two tokens: there is nothing to predict.');
    return [{ input: { ids: ids.subarray(0, ids.length - 1) }, target: { kind: 'cross-entropy', targets: ids.subarray(1) }, steps: ids.length - 1 }];
  }
  if (meta.task === 'tag') {
    const { data, tokens, tags } = parseTagged(text);
    // Re-encode with the MODEL's vocabularies (the file's own sorted sets may differ).
    return data.sequences.map((s) => ({
      input: { ids: encodeTokens(tokens.decode(s.ids), meta.vocabulary) },
      target: { kind: 'cross-entropy' as const, targets: encodeTokens(tags.decode(s.tags), meta.tags ?? []) },
      steps: s.ids.length,
    }));
  }
  const { data } = parseSeries(text);
  if (data.features !== meta.inputSize) throw new EngineInputError(`The series has ${data.features} columns; the model reads ${meta.inputSize}.`);
  const F = data.features;
  const T = data.length - 1;
  return [{ input: { x: data.rows.subarray(0, T * F), steps: T }, target: { kind: 'mse', targets: data.rows.subarray(F) }, steps: T }];
}

/** Σ of per-step losses (squared errors summed over values) of one sequence, forward only in chunks. */
function sumLoss(stack: RecurrentStack, s: Sequence): number {
  const K = stack.config.outputSize;
  const state = new Float64Array(stack.hN.length);
  const cell = new Float64Array(stack.cN.length);
  const lstm = stack.config.cell === 'lstm';
  // A bidirectional model must see the whole sequence at once (tag sequences are short).
  const chunk = stack.directions === 2 ? s.steps : Math.min(CHUNK, stack.config.maxSteps);
  let total = 0;
  for (let p = 0; p < s.steps; p += chunk) {
    const q = Math.min(s.steps, p + chunk);
    const input = 'ids' in s.input ? { ids: s.input.ids.subarray(p, q) } : { x: s.input.x.subarray(p * stack.config.inputSize, q * stack.config.inputSize), steps: q - p };
    const o = stack.forward(input, state, lstm ? cell : undefined);
    for (let t = 0; t < q - p; t++) {
      total += s.target.kind === 'cross-entropy'
        ? crossEntropyStep(o, t, K, s.target.targets[p + t], 0)
        : squaredErrorStep(o, t, K, s.target.targets, (p + t) * K, 0);
    }
    state.set(stack.hN);
    if (lstm) cell.set(stack.cN);
  }
  return total;
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, 'eval', async () => {
    const args = parseArgs(argv, ['--grads'], []);
    if (args.positional.length !== 2) throw new UsageError('eval needs MODEL and DATA');
    const modelBytes = await io.readFile(args.positional[0]);
    const text = new TextDecoder('utf-8').decode(await io.readFile(args.positional[1]));
    const { meta } = decodeModel(modelBytes, 1);
    const seqs = sequencesOf(meta, text);
    const longest = seqs.reduce((m, s) => Math.max(m, s.steps), 0); // no spread: a corpus may have 10⁵ sentences
    const total = seqs.reduce((a, s) => a + s.steps, 0);
    const gradsPath = args.options.get('--grads');
    const perValue = meta.task === 'series' ? meta.outputSize : 1;
    let loss: number;
    if (gradsPath !== undefined) {
      const need = longest * bytesPerStep(meta);
      if (need > MAX_GRADIENT_BYTES) {
        throw new EngineInputError(
          `--grads backpropagates through the whole file at once: ${longest} steps would need about ${Math.ceil(need / 1e6)} MB ` +
            `of activations, more than the limit of ${MAX_GRADIENT_BYTES / 1e6} MB. Evaluate a shorter file.`,
        );
      }
      const { stack } = decodeModel(modelBytes, longest);
      const grads = new Float64Array(stack.parameterCount);
      loss = 0;
      for (const s of seqs) {
        // The stack's loss is the mean over this sequence; weight it by its share of all steps.
        loss += stack.forwardBackward(s.input, s.target) * (s.steps / total);
        for (let i = 0; i < grads.length; i++) grads[i] += stack.grads[i] * (s.steps / total);
      }
      await io.writeFile(gradsPath, encodeSafetensors(layoutToSafetensors(grads, stack.tensors, 'F64'), { sequence_lab_gradient_of: 'mean loss over DATA' }));
    } else {
      const { stack } = decodeModel(modelBytes, Math.min(CHUNK, longest));
      const chunked = stack.directions === 2 ? decodeModel(modelBytes, longest).stack : stack;
      loss = seqs.reduce((a, s) => a + sumLoss(chunked, s), 0) / (total * perValue);
    }
    io.stdout(JSON.stringify({ loss, perplexity: meta.task === 'series' ? null : Math.exp(loss), tokens: total }) + '\n');
    return 0;
  });
}
