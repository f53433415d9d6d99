// A stored run of the Runs view as the files of a self-contained PyTorch project (the same project as the CLI's
// `export-pytorch`, text from src/shared/pytorchProject.ts): pure, no vscode, so tests run it in node. The command
// (exportRunCommand.ts) picks the folder, reads the checkpoint and the data, and writes what this returns.
import { projectDataFileName, pytorchProject, type ExportedModelMeta, type ExportedRun } from '../shared/pytorchProject';
import { characterVocabulary, MODEL_METADATA_KEY, readSafetensorsHeader, SafetensorsHeaderError } from '../shared/safetensorsHeader';
import { ModelMetadataError, parseModelMetadata } from '../shared/modelMetadata';
import { DEFAULT_CHECKPOINT_EVERY, dtypeOf } from '../shared/trainingConfig';
import type { StoredRun } from '../training/runStore';
import { sha256Hex } from '../base/sha256';

/** A reason the run cannot be exported, in one line for the user. */
export class RunExportError extends Error {
  override name = 'RunExportError';
}

export interface RunProjectFile {
  /** Relative to the project folder, '/'-separated. */
  path: string;
  contents: string | Uint8Array;
}

export type ExportableRun = Pick<StoredRun, 'dataUri' | 'dataLabel' | 'dataSha256' | 'config' | 'step' | 'checkpointStep'> & Partial<Pick<StoredRun, 'heldOut'>>;

/** data/<the data file's name>, reduced to characters safe in any file system. */
export function projectDataFile(run: Pick<StoredRun, 'dataUri' | 'dataLabel'>): string {
  let name = run.dataLabel;
  try {
    const last = decodeURIComponent(new URL(run.dataUri).pathname.split('/').pop() ?? '');
    if (last) name = last;
  } catch {
    // Not a parsable URI: the label is the name.
  }
  return `data/${projectDataFileName(name)}`;
}

/** The header of a stored run's model may hold a word vocabulary; still read on the host, so still bounded. */
const EXPORT_HEADER_BYTES = 16_000_000;

/** The model description Sequence Lab writes into model.safetensors, checked against the run's settings. */
export function exportedModelMeta(run: ExportableRun, model: Uint8Array): ExportedModelMeta {
  let raw: string | undefined;
  try {
    raw = readSafetensorsHeader(model, EXPORT_HEADER_BYTES).metadata[MODEL_METADATA_KEY];
  } catch (e) {
    throw new RunExportError(`The checkpoint of the run on ${run.dataLabel} is damaged: ${e instanceof SafetensorsHeaderError ? e.message : String(e)}`);
  }
  if (raw === undefined) throw new RunExportError(`The checkpoint of the run on ${run.dataLabel} has no Sequence Lab model description (__metadata__.${MODEL_METADATA_KEY}).`);
  let meta: ExportedModelMeta;
  try {
    meta = parseModelMetadata(raw);
  } catch (e) {
    if (e instanceof ModelMetadataError) throw new RunExportError(`The checkpoint of the run on ${run.dataLabel} cannot be exported: ${e.message}`);
    throw e;
  }
  const m = meta?.model;
  const c = run.config;
  if (meta?.task !== 'lm' || (meta.tokens ?? 'chars') !== 'chars' || !Array.isArray(meta.vocabulary)) {
    throw new RunExportError(`The checkpoint of the run on ${run.dataLabel} is not a character language model.`);
  }
  if (!m || m.cell !== c.cell || m.layers !== c.layers || m.hiddenSize !== c.hiddenSize) {
    const shown = m ? `${String(m.cell).toUpperCase()}, ${m.layers} layer(s), H=${m.hiddenSize}` : 'no model';
    throw new RunExportError(`The checkpoint holds ${shown}, but the run's settings say ${c.cell.toUpperCase()}, ${c.layers} layer(s), H=${c.hiddenSize}.`);
  }
  return meta;
}

/**
 * What the generator needs of run.json, from the run's settings: B streams (batch, default 1), truncated BPTT of
 * seqLength new characters per update backpropagated over `truncate` steps (k2, default k1 = seqLength), the chosen
 * optimiser (with SGD's momentum) and global-norm clipping — the worker's trainer, step for step.
 */
export function exportedRunOf(run: ExportableRun, dataFile: string, dataSha256: string): ExportedRun {
  const c = run.config;
  return {
    config: {
      seqLength: c.seqLength,
      // The run's own truncation, batch of streams and momentum (absent: one stream, k1 = k2, plain SGD).
      ...(c.truncate !== undefined ? { truncate: c.truncate } : {}),
      batch: c.batch ?? 1,
      optimizer: { kind: c.optimizer, learningRate: c.learningRate, ...(c.momentum !== undefined ? { momentum: c.momentum } : {}) },
      clip: c.clip,
      seed: c.seed,
      // The arithmetic the run trained in (float32 unless it asked for float64): train.py continues in it.
      dtype: dtypeOf(c),
    },
    data: { file: dataFile, sha256: dataSha256 },
    steps: run.checkpointStep ?? run.step,
    // The worker held out the text's tail (engine/heldOut.ts): it trained on trainCount + 1 characters (trainCount
    // targets after the first), and train.py trains on the same.
    ...(run.heldOut && run.heldOut.heldOutCount > 0 ? { trainLength: run.heldOut.trainCount + 1 } : {}),
  };
}

export function noCheckpointMessage(run: Pick<StoredRun, 'dataLabel' | 'config'>): string {
  return `The run on ${run.dataLabel} has no saved checkpoint yet: train it until it saves one (every ${run.config.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY} steps), then export it.`;
}

/**
 * Every file of the project: the generated text files, model.safetensors (the checkpoint as stored) and the data
 * file (UTF-8, as the run read it). `model` undefined: the run has no checkpoint yet.
 */
export function runProjectFiles(run: ExportableRun, model: Uint8Array | undefined, dataText: string): RunProjectFile[] {
  if (!model) throw new RunExportError(noCheckpointMessage(run));
  const meta = exportedModelMeta(run, model);
  const known = new Set(meta.vocabulary);
  const unknown = characterVocabulary(dataText).filter((ch) => !known.has(ch));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((ch) => JSON.stringify(ch)).join(', ');
    throw new RunExportError(`${run.dataLabel} now has ${unknown.length} character(s) the model never saw (${shown}${unknown.length > 5 ? ', …' : ''}); train.py could not read it.`);
  }
  const dataFile = projectDataFile(run);
  const sha = sha256Hex(dataText);
  let project;
  try {
    project = pytorchProject(exportedRunOf(run, dataFile, sha), meta, dataFile);
  } catch (e) {
    if (e instanceof ModelMetadataError) throw new RunExportError(`The run on ${run.dataLabel} cannot be exported: ${e.message}`);
    throw e;
  }
  return [
    ...project,
    { path: 'model.safetensors', contents: model },
    { path: dataFile, contents: new TextEncoder().encode(dataText) },
  ];
}
