// What a run folder's run.json holds (StoredRun) and the check every run.json passes before the store lists it: a run
// folder may come from a repository (.sequence-lab/), so each field is bounded and typed. Pure (no fs, no vscode).
import { isJsonObject, renameKeys } from '../shared/renamedKeys';
import type { HeldOutInfo, RunStatus } from '../shared/run';
import { validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';

export interface StoredRun {
  version: 1;
  id: string;
  /** The data file's URI (string form: file:///…, vscode-remote://…, untitled:…). */
  dataUri: string;
  /** The data file's name as shown to the user. */
  dataLabel: string;
  /** SHA-256 (hex) of the text the run trained on, UTF-8. */
  dataSha256: string;
  modelLabel: string;
  config: TrainingConfig;
  status: RunStatus;
  step: number;
  lastLoss?: number;
  /** Step of model.safetensors, when there is one. */
  checkpointStep?: number;
  vocabSize?: number;
  message?: string;
  /** The experiment file (*.seqlab.json) the run was started from, and its SHA-256, for an exact reproduction. */
  experiment?: { label: string; sha256: string };
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
  /** metrics.jsonl holds one line per this many steps (doubles when the file reaches its line limit). */
  metricsStride: number;
  /** What the run holds out of training (absent for runs older than held-out loss). */
  heldOut?: HeldOutInfo;
}

export interface MetricLine {
  step: number;
  /** Mean loss (nats/char) over the `stride` steps ending at `step`. */
  loss: number;
  gradNorm: number;
}

/**
 * TrainingConfig keys a run.json written before the config took the experiment file's names holds, and their names
 * today (model → cell, clipNorm → clip, maxSteps → steps). Only run.json persists a TrainingConfig, so this is the one
 * place old keys are read: {@link readStoredRun}, where a run folder's file enters the host.
 */
export const RENAMED_CONFIG_KEYS: Readonly<Record<string, keyof TrainingConfig>> = { model: 'cell', clipNorm: 'clip', maxSteps: 'steps' };

/** A run.json's config with its old keys under today's names (a key already under its new name wins); anything else as it was. */
export function migrateStoredConfig(config: unknown): unknown {
  return isJsonObject(config) ? renameKeys(config, RENAMED_CONFIG_KEYS) : config;
}

/**
 * A run.json's parsed JSON as a StoredRun (its config's old keys renamed first), or undefined when it fails
 * {@link isStoredRun}. The run store reads every run.json through this.
 */
export function readStoredRun(v: unknown): StoredRun | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  const run = 'config' in r ? { ...r, config: migrateStoredConfig(r.config) } : r;
  return isStoredRun(run) ? run : undefined;
}

const STATUSES: ReadonlySet<string> = new Set(['starting', 'training', 'paused', 'completed', 'stopped', 'failed', 'interrupted']);
/** Longest text field of a run.json (a data label, a URI, a message): a run folder is a repository's file too. */
const MAX_RUN_TEXT = 4096;

/**
 * A run.json as the store writes it, every field checked (the folder may come from a repository): strings of bounded
 * length, whole numbers where the store counts, a known status, a hex SHA-256, and settings within the training limits.
 */
export function isStoredRun(v: unknown): v is StoredRun {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  const text = (x: unknown) => typeof x === 'string' && x.length <= MAX_RUN_TEXT;
  const optional = (x: unknown, ok: (y: unknown) => boolean) => x === undefined || ok(x);
  const whole = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  const experiment = r.experiment as Record<string, unknown> | undefined;
  return r.version === 1 && text(r.id) && /^[A-Za-z0-9._-]+$/.test(r.id as string) && text(r.dataUri) && text(r.dataLabel)
    && typeof r.dataSha256 === 'string' && /^[0-9a-f]{64}$/.test(r.dataSha256) && text(r.modelLabel)
    && typeof r.status === 'string' && STATUSES.has(r.status) && whole(r.step)
    && optional(r.lastLoss, (x) => typeof x === 'number') && optional(r.checkpointStep, whole) && optional(r.vocabSize, whole)
    && optional(r.message, text) && text(r.createdAt) && text(r.updatedAt) && Number.isSafeInteger(r.metricsStride) && (r.metricsStride as number) >= 1
    && optional(experiment, (e) => typeof e === 'object' && e !== null && text((e as Record<string, unknown>).label) && text((e as Record<string, unknown>).sha256))
    && optional(r.heldOut, (h) => {
      const o = h as Record<string, unknown>;
      return typeof h === 'object' && h !== null && text(o.description) && whole(o.trainCount) && whole(o.heldOutCount)
        && typeof o.stepsPerEpoch === 'number' && Number.isFinite(o.stepsPerEpoch) && o.stepsPerEpoch > 0;
    })
    // The config once, by trainingConfigSchema's own rules (the cell and optimiser are among its picklists).
    && typeof r.config === 'object' && r.config !== null && !Array.isArray(r.config) && validateTrainingConfig(r.config as TrainingConfig).length === 0;
}
