// The worker's side of the vanishing/exploding gradient lab (analysis channel): builds the two models once per data,
// hidden size, seed and forget bias (building rescales every W_hh block to ρ = 1, the costly part), and then answers
// each slider move — a new ρ or T — by rescaling and running forward and backward again.
import { EngineInputError } from '../engine/errors';
import { GradientLab, labSequence } from '../engine/gradientLab';
import type { GradientLabAnswer, HostToAnalysisWorker } from '../shared/workerProtocol';

type LabRequest = Extract<HostToAnalysisWorker, { type: 'gradientLab' }>;

interface Cached {
  key: string;
  lab: GradientLab;
  generated: boolean;
}

let cached: Cached | undefined;

/** The lab for this request's data and model settings: the last one when they are the same. */
function labFor(m: LabRequest): Cached {
  const text = typeof m.text === 'string' ? m.text : '';
  const key = JSON.stringify([m.hiddenSize, m.seed, m.forgetBias, text]);
  if (cached?.key === key) return cached;
  const data = labSequence(text);
  cached = { key, lab: new GradientLab(data.ids, data.chars.length, { hiddenSize: m.hiddenSize, seed: m.seed, forgetBias: m.forgetBias }), generated: data.generated };
  return cached;
}

export function gradientLab(m: LabRequest): GradientLabAnswer {
  for (const [name, v] of [['spectral radius', m.spectralRadius], ['sequence length', m.steps], ['hidden size', m.hiddenSize], ['seed', m.seed], ['forget-gate bias', m.forgetBias]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new EngineInputError(`The ${name} must be a number, not ${String(v)}.`);
  }
  const { lab, generated } = labFor(m);
  const result = lab.run(m.spectralRadius, m.steps);
  return { ...result, hiddenSize: m.hiddenSize, seed: m.seed, forgetBias: m.forgetBias, generated, vocabularySize: lab.vocabularySize };
}
