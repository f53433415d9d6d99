// Reads the user's `sequenceLab.*` settings into a training config. Out-of-range values (a hand-edited
// settings.json can hold anything) are reported in words instead of being trained on.
// The settings' keys are public (users' settings.json) and keep their names; this is the one place they map onto
// TrainingConfig's, which are the experiment file's: training.model → cell, training.sequenceLength → seqLength,
// training.gradientClipNorm → clip, training.maxSteps → steps, sampling.every/length → sampleEvery/sampleLength.
import * as vscode from 'vscode';
import { defaultDtype, DEFAULT_CHECKPOINT_EVERY, DEFAULT_CONFIG, validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';

export function readTrainingConfig(scope?: vscode.Uri): { config: TrainingConfig; problems: string[] } {
  const s = vscode.workspace.getConfiguration('sequenceLab', scope);
  const config: TrainingConfig = {
    cell: s.get('training.model', DEFAULT_CONFIG.cell),
    layers: s.get('training.layers', DEFAULT_CONFIG.layers),
    optimizer: s.get('training.optimizer', DEFAULT_CONFIG.optimizer),
    hiddenSize: s.get('training.hiddenSize', DEFAULT_CONFIG.hiddenSize),
    seqLength: s.get('training.sequenceLength', DEFAULT_CONFIG.seqLength),
    learningRate: s.get('training.learningRate', DEFAULT_CONFIG.learningRate),
    clip: s.get('training.gradientClipNorm', DEFAULT_CONFIG.clip),
    steps: s.get('training.maxSteps', DEFAULT_CONFIG.steps),
    seed: s.get('training.seed', DEFAULT_CONFIG.seed),
    checkpointEvery: s.get('training.checkpointEvery', DEFAULT_CHECKPOINT_EVERY),
    dtype: s.get('training.dtype', defaultDtype('characters')),
    temperature: s.get('sampling.temperature', DEFAULT_CONFIG.temperature),
    sampleEvery: s.get('sampling.every', DEFAULT_CONFIG.sampleEvery),
    sampleLength: s.get('sampling.length', DEFAULT_CONFIG.sampleLength),
  };
  return { config, problems: validateTrainingConfig(config) };
}

export function maxFileBytes(scope?: vscode.Uri): number {
  const mb = vscode.workspace.getConfiguration('sequenceLab', scope).get('limits.maxFileSizeMB', 20);
  return Math.max(1, Math.round((Number.isFinite(mb) ? mb : 20) * 1024 * 1024));
}

/** sequenceLab.limits.maxVocabulary: the most distinct tokens a trained vocabulary may have. */
export function maxVocabulary(scope?: vscode.Uri): number {
  const n = vscode.workspace.getConfiguration('sequenceLab', scope).get('limits.maxVocabulary', 10_000);
  return Number.isInteger(n) && n >= 2 ? Math.min(n, 1_000_000) : 10_000;
}
