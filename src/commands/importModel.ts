// "Sequence Lab: Open PyTorch Model…": loads a character model from a .safetensors file (saved by Sequence Lab, or
// by PyTorch's save_file(model.state_dict()) with nn.RNN/GRU/LSTM named "rnn" and nn.Linear named "head") onto the
// active text file, paused, so the Training panel samples from it and Show Gradient Flow looks inside it. The host
// reads only the JSON header (src/shared/safetensorsHeader.ts); the worker validates the tensors themselves.
import * as vscode from 'vscode';
import { TrainingPanel } from '../panels/trainingPanel';
import { readTrainingConfig } from '../base/settings';
import { describeModel, readSafetensorsHeader, SafetensorsHeaderError, vocabularyMismatch, type ModelDescription } from '../shared/safetensorsHeader';
import { modelLabel, validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import { MAX_HISTORY_BYTES, parseRunHistory } from '../training/importedHistory';
import type { RunPersistence } from '../training/runPersistence';
import type { RunRecord, TrainingService } from '../training/trainingService';
import { checkedDocumentText, documentLabel } from '../base/documentText';

/**
 * The command, from the palette (a file picked), the Runs view's title menu, or the Explorer's context menu on a
 * .safetensors file (that file). The same on the desktop and the web: the model is read through workspace.fs.
 */
export function registerImportModel(extensionUri: vscode.Uri, service: TrainingService, persistence: RunPersistence): vscode.Disposable {
  return vscode.commands.registerCommand('sequenceLab.importModel', (resource?: unknown) => importModel(extensionUri, service, persistence, resource).then(() => undefined));
}

/** Model files above this size are refused before reading (the largest model the panel trains is ~40 MB in F64). */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

async function pickModelFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t('Sequence Lab: Open PyTorch Model'),
    canSelectMany: false,
    openLabel: 'Open Model',
    filters: { 'safetensors model': ['safetensors'] },
  });
  return picked?.[0];
}

/** The text file to put the model on: the active editor's, or one the user opens now. */
async function targetDocument(): Promise<vscode.TextDocument | undefined> {
  const editor = vscode.window.activeTextEditor ?? (vscode.window.visibleTextEditors.length === 1 ? vscode.window.visibleTextEditors[0] : undefined);
  if (editor) return editor.document;
  const open = 'Open Text File…';
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: a model reads a text file. Which file should it read?'), open);
  if (choice !== open) return undefined;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Use This File', title: vscode.l10n.t('Text for the model') });
  if (!picked?.[0]) return undefined;
  const document = await vscode.workspace.openTextDocument(picked[0]);
  await vscode.window.showTextDocument(document);
  return document;
}

export async function importModel(
  extensionUri: vscode.Uri,
  service: TrainingService,
  persistence: RunPersistence,
  resource?: unknown,
): Promise<RunRecord | undefined> {
  const error = (message: string) => void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0}', message));
  if (!persistence.canStartFromCheckpoint) {
    error('opening a model needs the training worker\'s checkpoint support, which this build does not have yet.');
    return undefined;
  }
  const uri = resource instanceof vscode.Uri ? resource : await pickModelFile();
  if (!uri) return undefined;
  const name = uri.path.split('/').pop() ?? uri.path;

  let bytes: Uint8Array;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_MODEL_BYTES) {
      error(`${name} is ${(stat.size / 1024 / 1024).toFixed(0)} MB; models above ${MAX_MODEL_BYTES / 1024 / 1024} MB are not opened.`);
      return undefined;
    }
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    error(`cannot read ${name} (${e instanceof Error ? e.message : String(e)}).`);
    return undefined;
  }

  let model: ModelDescription;
  try {
    model = describeModel(readSafetensorsHeader(bytes));
  } catch (e) {
    if (!(e instanceof SafetensorsHeaderError)) throw e;
    error(`${name}: ${e.message}`);
    return undefined;
  }

  const document = await targetDocument();
  if (!document) return undefined;
  const label = documentLabel(document);
  const text = checkedDocumentText(document, label);
  if (text === undefined) return undefined;
  const mismatch = vocabularyMismatch(model, text, label);
  if (mismatch) {
    error(`${name} cannot read ${label}: ${mismatch}`);
    return undefined;
  }

  const settings = readTrainingConfig(document.uri).config;
  const config: TrainingConfig = { ...settings, cell: model.cell, layers: model.layers, hiddenSize: model.hiddenSize };
  const problems = validateTrainingConfig(config);
  if (problems.length > 0) {
    error(`the training settings are out of range: ${problems.join('; ')}.`);
    return undefined;
  }
  if (!model.vocabulary) {
    // Trained elsewhere: the tensors say the cell and sizes, nothing says which id is which character.
    const go = `Open on ${label}`;
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} has no Sequence Lab description. It looks like a {1} predicting {2} characters.', name, modelLabel(config), model.vocabSize),
      {
        modal: true,
        detail: vscode.l10n.t('Its character ids are taken to be the {0} distinct characters of {1} in code point order (as Sequence Lab numbers them). If the model was trained with another numbering, its predictions will be scrambled.', model.vocabSize, label),
      },
      go,
    );
    if (choice !== go) return undefined;
  }

  const active = service.activeRun();
  if (active) {
    const stop = 'Stop and Open';
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab is training on {0}. Stop that run and open {1}?', active.info.fileLabel, name), stop, 'Cancel');
    if (choice !== stop) return undefined;
    service.stop(active.info.id);
  }

  const run = persistence.startFromCheckpoint({ uri: document.uri, label, text }, { config, model: bytes, startPaused: true });
  if (run) TrainingPanel.show(extensionUri, service, run);
  if (run && model.vocabulary) await importHistoryBeside(persistence, uri, name, { uri: document.uri, label, text }, config);
  return run;
}

/**
 * The history train.py (the exported PyTorch project) keeps next to the model it grows, metrics.jsonl, stored as a
 * run of its own, so Compare Runs can show the run trained in VS Code and its continuation together. No file: nothing
 * happens; a bad file: a warning saying why, and the model stays open.
 */
async function importHistoryBeside(
  persistence: RunPersistence,
  modelUri: vscode.Uri,
  name: string,
  data: { uri: vscode.Uri; label: string; text: string },
  config: TrainingConfig,
): Promise<void> {
  const historyUri = vscode.Uri.joinPath(modelUri, '..', 'metrics.jsonl');
  const refuse = (reason: string) => void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: metrics.jsonl next to {0} was not imported: {1}', name, reason));
  let text: string;
  try {
    const stat = await vscode.workspace.fs.stat(historyUri);
    if (stat.size > MAX_HISTORY_BYTES) {
      refuse(`it is ${(stat.size / 1024 / 1024).toFixed(0)} MB; histories above ${MAX_HISTORY_BYTES / 1024 / 1024} MB are not read.`);
      return;
    }
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(historyUri));
  } catch {
    return; // no history next to the model
  }
  const parsed = parseRunHistory(text);
  if ('error' in parsed) {
    refuse(parsed.error);
    return;
  }
  const first = parsed.lines[0].step;
  const last = parsed.lines[parsed.lines.length - 1].step;
  persistence.importHistory(data, config, `${modelLabel(config)} · train.py`, parsed.lines,
    vscode.l10n.t('History of train.py, steps {0}–{1}, imported with {2}.', first, last, name));
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Sequence Lab: the history next to {0} (steps {1}–{2}) is now a run of its own in the Runs view: Compare Runs shows it next to the run it continues.', name, first, last),
  );
}
