// "Sequence Lab: Train Character Model on Active File": checks the document and the settings, starts a run
// in the worker, opens the Training panel and shows a cancellable progress notification. The model (RNN, GRU or
// LSTM), its layers and its hidden size come from the settings, or from "Train Model on Active File…", which asks
// for them with quick picks first (prefilled from the settings).
import * as vscode from 'vscode';
import { TrainingPanel } from '../panels/trainingPanel';
import { readTrainingConfig } from '../base/settings';
import { CONFIG_LIMITS, LAYERS_LIMIT, validateTrainingConfig, type TrainingConfig, type TrainingModelKind } from '../shared/trainingConfig';
import { checkedDocumentText, documentLabel, missingDocumentMessage } from '../base/documentText';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';

/** The document to train on: the one whose editor-title button was pressed, else the active (or only visible) editor. */
async function targetDocument(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
      ?? vscode.workspace.openTextDocument(uri);
  }
  const editor = vscode.window.activeTextEditor ?? (vscode.window.visibleTextEditors.length === 1 ? vscode.window.visibleTextEditors[0] : undefined);
  return editor?.document;
}

/** The model choices "Train Model on Active File…" asks for; they replace the settings' values for one run. */
export type ModelChoices = Pick<TrainingConfig, 'cell' | 'layers' | 'hiddenSize'>;

export async function trainOnActiveFile(
  extensionUri: vscode.Uri,
  service: TrainingService,
  uri?: unknown,
  choose?: (settings: TrainingConfig) => Promise<ModelChoices | undefined>,
): Promise<RunRecord | undefined> {
  const document = await targetDocument(uri);
  if (!document) {
    void vscode.window.showErrorMessage(await missingDocumentMessage('run "Train Character Model on Active File"'));
    return undefined;
  }
  const settings = readTrainingConfig(document.uri);
  let config = settings.config;
  let problems = settings.problems;
  if (choose) {
    const choices = await choose(config);
    if (!choices) return undefined;
    config = { ...config, ...choices };
    problems = validateTrainingConfig(config);
  }
  const label = documentLabel(document);

  const active = service.activeRun();
  if (active) {
    const choice = await vscode.window.showWarningMessage(
      `Sequence Lab is already training on ${active.info.fileLabel}. Stop that run and train on ${label}?`,
      'Stop and Train',
      'Cancel',
    );
    if (choice !== 'Stop and Train') return undefined;
    service.stop(active.info.id);
  }

  if (problems.length > 0) {
    const open = 'Open Settings';
    void vscode.window
      .showErrorMessage(`Sequence Lab: the training settings are out of range: ${problems.join('; ')}.`, open)
      .then((c) => c === open && vscode.commands.executeCommand('workbench.action.openSettings', 'sequenceLab'));
    return undefined;
  }

  const text = checkedDocumentText(document, label);
  if (text === undefined) return undefined;

  const run = service.start(text, label, config);
  showProgressNotification(service, run);
  try {
    TrainingPanel.show(extensionUri, service, run);
  } catch (error) {
    // Training goes on without the panel (status bar, notification and Runs view still follow it); say why.
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Sequence Lab: the Training panel could not open: ${message}`);
  }
  return run;
}

const MODEL_ITEMS: { kind: TrainingModelKind; label: string; detail: string }[] = [
  { kind: 'rnn', label: 'RNN', detail: 'Elman RNN, h_t = tanh(W_xh x_t + b_ih + W_hh h_{t−1} + b_hh): the simplest and fastest cell.' },
  { kind: 'gru', label: 'GRU', detail: 'Gated recurrent unit: reset and update gates choose what of h to keep.' },
  { kind: 'lstm', label: 'LSTM', detail: 'Long short-term memory: a gated cell state carries information over long spans.' },
];

const HIDDEN_SIZES = [16, 32, 64, 128, 256, 512];

/** The step (1–3) of the model pick on screen, if one is: the tests inside VS Code wait for it before answering. */
let modelPickOnScreen: number | undefined;
export const shownModelPickStep = (): number | undefined => modelPickOnScreen;

/** One quick pick of a multi-step choice; resolves to the picked value, or undefined when the user cancels. */
function pickOne<T>(
  step: number,
  placeholder: string,
  items: { value: T; label: string; description?: string; detail?: string }[],
  current: T,
): Promise<T | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
    pick.title = 'Sequence Lab: Train Model on Active File';
    pick.step = step;
    pick.totalSteps = 3;
    pick.placeholder = placeholder;
    pick.items = items.map((i) => ({ ...i, description: i.value === current ? [i.description, '(current setting)'].filter(Boolean).join(' ') : i.description }));
    pick.activeItems = pick.items.filter((i) => i.value === current);
    let result: T | undefined;
    pick.onDidAccept(() => {
      result = pick.selectedItems[0]?.value ?? pick.activeItems[0]?.value;
      pick.hide();
    });
    pick.onDidHide(() => {
      if (modelPickOnScreen === step) modelPickOnScreen = undefined;
      pick.dispose();
      resolve(result);
    });
    pick.show();
    modelPickOnScreen = step;
  });
}

/** Asks for the model, hidden size and layers, each prefilled with the settings' value; undefined when cancelled. */
export async function askModelChoices(settings: TrainingConfig): Promise<ModelChoices | undefined> {
  const model = await pickOne(
    1,
    'Recurrent cell',
    MODEL_ITEMS.map((m) => ({ value: m.kind, label: m.label, detail: m.detail })),
    settings.cell,
  );
  if (model === undefined) return undefined;
  const { min, max } = CONFIG_LIMITS.hiddenSize;
  const setting = Number.isInteger(settings.hiddenSize) && settings.hiddenSize >= min && settings.hiddenSize <= max ? [settings.hiddenSize] : [];
  const sizes = [...new Set([...HIDDEN_SIZES, ...setting])].sort((a, b) => a - b);
  const hiddenSize = await pickOne(
    2,
    'Hidden units per layer (the size of h_t)',
    sizes.map((n) => ({ value: n, label: `H = ${n}` })),
    settings.hiddenSize,
  );
  if (hiddenSize === undefined) return undefined;
  const layerCounts = Array.from({ length: LAYERS_LIMIT.max - LAYERS_LIMIT.min + 1 }, (_, i) => LAYERS_LIMIT.min + i);
  const layers = await pickOne(
    3,
    'Recurrent layers stacked on each other',
    layerCounts.map((n) => ({ value: n, label: n === 1 ? '1 layer' : `${n} layers` })),
    settings.layers,
  );
  if (layers === undefined) return undefined;
  return { cell: model, hiddenSize, layers };
}

function showProgressNotification(service: TrainingService, run: RunRecord): void {
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Sequence Lab: training ${run.info.modelLabel} on ${run.info.fileLabel}`,
      cancellable: true,
    },
    (progress, token) =>
      new Promise<void>((resolve) => {
        const id = run.info.id;
        const steps = run.info.config.steps;
        const subscriptions: vscode.Disposable[] = [];
        const finish = () => {
          for (const s of subscriptions) s.dispose();
          resolve();
        };
        subscriptions.push(
          token.onCancellationRequested(() => service.stop(id)),
          service.onDidProgress(({ run: r, batch }) => {
            if (r.info.id !== id) return;
            const loss = r.history.lastLoss ?? NaN;
            progress.report({
              increment: (100 * batch.losses.length) / steps,
              message: `step ${r.history.steps}/${steps} · loss ${loss.toFixed(3)}`,
            });
          }),
          service.onDidChangeRun((r) => {
            if (r.info.id !== id || isActive(r.info)) return;
            finish();
            if (r.info.status === 'failed') {
              void vscode.window.showErrorMessage(`Sequence Lab: training on ${r.info.fileLabel} failed: ${r.info.message ?? 'unknown error'}`);
            }
          }),
        );
      }),
  );
}
