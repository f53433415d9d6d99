// "Sequence Lab: Fit HMM with Baum-Welch on Active File…": asks for the number of states, restarts, seed and
// iterations and what the symbols are (characters or whitespace words; a tagged file's tokens; numeric columns of a
// CSV/TSV file, fitted with Gaussian emissions), runs Baum-Welch in the analysis worker with progress in a
// cancellable notification and in the HMM Fit panel, and serves the panel's buttons (save, decode, sample).
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import { checkedDocumentText } from '../base/documentText';
import type { HmmFitView } from '../shared/protocol/hmmFitPanel';
import type { HmmFitInput, HmmFitOptions, HmmFitResult } from '../shared/protocol/analysisWorker';
import { AnalysisError, type AnalysisWorker, type FitHandle } from './analysisWorker';
import type { DecodeFeature } from './decodeFeature';
import { documentLabel, errorText } from './editorRanges';
import { FitRowStates } from './fitRowStates';
import { HmmFitPanel, registerHmmFitPanelSerializer, type FitPanelHost } from './fitPanel';
import { checkWhole, FIT_DEFAULTS, FIT_LIMITS, fitModelView, sampleView, sliceDecodedRows } from './fitView';
import { looksTagged, stepAtOffset, windowStart } from './steps';

export const FIT_HMM_COMMAND = 'sequenceLab.fitHmm';

interface Fit {
  document: vscode.TextDocument;
  /** The document's version the fit read: the decoded rows follow the cursor only while it is unchanged. */
  version: number;
  fileLabel: string;
  input: HmmFitInput;
  view: HmmFitView;
  handle?: FitHandle;
  result?: HmmFitResult;
  /** Set when the fit stopped without a model (cancelled or failed). */
  stopped?: string;
  /** The decoded rows' selected step and the first step of their window. */
  selected: number;
  windowFrom?: number;
}

export class FitFeature extends Disposable implements FitPanelHost {
  private fit: Fit | undefined;
  private readonly rowStates = new FitRowStates();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly worker: AnalysisWorker,
    private readonly decode: DecodeFeature,
  ) {
    super();
    this._register(this.rowStates);
    this._register(vscode.commands.registerCommand(FIT_HMM_COMMAND, () => this.fitActive()));
    this._register(registerHmmFitPanelSerializer(extensionUri, this));
    this._register(vscode.window.onDidChangeTextEditorSelection((e) => this.followCursor(e.textEditor)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      const fit = this.fit;
      if (e.contentChanges.length === 0 || e.document !== fit?.document || !fit.result?.decoding || fit.version === -1) return;
      fit.version = -1;
      HmmFitPanel.instance?.post({ type: 'notice', message: vscode.l10n.t('{0} changed after the fit: the decoded rows no longer follow the cursor. Fit it again to decode the new text.', fit.fileLabel) });
    }));
  }

  private async fitActive(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: open a file in the editor first, then fit an HMM to it.'));
      return;
    }
    const document = editor.document;
    const fileLabel = documentLabel(document);
    const text = checkedDocumentText(document, fileLabel);
    if (text === undefined) return;
    // A CSV/TSV's columns come from the worker's CSV reader, the same one the fit reads the cells with (the host
    // never imports the engine), so a ;-separated or quoted file offers the columns the fit will read.
    let header: CsvColumns | undefined;
    if (isCsv(document)) {
      try {
        header = await this.worker.csvColumns(text);
      } catch (error) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot fit an HMM to {0}: {1}', fileLabel, errorText(error)));
        if (!(error instanceof AnalysisError)) console.error(error);
        return;
      }
    }
    const picked = await pickInput(document, text, fileLabel, header);
    if (!picked) return;
    const options = await askOptions();
    if (!options) return;
    this.fit?.handle?.cancel();
    const fit: Fit = {
      document,
      version: document.version,
      selected: 0,
      fileLabel,
      input: picked.input,
      view: { fileLabel, kind: picked.input.kind === 'csv' ? 'gaussian' : 'discrete', inputLabel: picked.label, restarts: options.restarts, logLikelihoods: [] },
    };
    this.fit = fit;
    const panel = HmmFitPanel.show(this.extensionUri, this);
    panel.post({ type: 'fitStarted', view: fit.view });
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Sequence Lab: Baum-Welch on {0}', fileLabel), cancellable: true },
      async (progress, token) => {
        const handle = this.worker.hmmFit(text, fit.input, options, (restart, from, lls) => {
          const curve = (fit.view.logLikelihoods[restart] ??= []);
          curve.length = from;
          for (const ll of lls) curve.push(ll);
          if (this.fit === fit) HmmFitPanel.instance?.post({ type: 'fitProgress', restart, fromIteration: from, logLikelihoods: Array.from(lls) });
          progress.report({
            message: vscode.l10n.t('restart {0}/{1} · iteration {2} · log-likelihood {3}', restart + 1, options.restarts, from + lls.length - 1, lls[lls.length - 1].toFixed(2)),
          });
        });
        fit.handle = handle;
        token.onCancellationRequested(() => handle.cancel());
        try {
          const result = await handle.result;
          if (result) this.finish(fit, result);
          else this.stop(fit, 'Cancelled: the curves show the iterations run so far.');
        } catch (error) {
          this.stop(fit, `The fit failed: ${errorText(error)}`);
          void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot fit an HMM to {0}: {1}', fileLabel, errorText(error)));
          if (!(error instanceof AnalysisError)) console.error(error);
        } finally {
          fit.handle = undefined;
        }
      },
    );
  }

  private finish(fit: Fit, result: HmmFitResult): void {
    fit.result = result;
    fit.view.logLikelihoods = result.logLikelihoods.map((c) => Array.from(c));
    fit.view.model = fitModelView(result);
    if (this.fit !== fit) return;
    HmmFitPanel.instance?.post({ type: 'fitFinished', model: fit.view.model });
    if (result.decoding) {
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === fit.document);
      if (editor && fit.document.version === fit.version) fit.selected = Math.max(0, stepAtOffset(result.decoding.starts, fit.document.offsetAt(editor.selection.active)));
      else if (fit.document.version !== fit.version) fit.version = -1;
      this.postRows(fit);
    } else if (result.decodingNote) {
      HmmFitPanel.instance?.post({ type: 'notice', message: result.decodingNote });
    }
    const ll = result.logLikelihoods[result.best];
    void vscode.window.setStatusBarMessage(
      `$(check) Sequence Lab: HMM fitted to ${fit.fileLabel} · best restart ${result.best + 1} · log-likelihood ${ll[ll.length - 1].toFixed(2)}`,
      15_000,
    );
  }

  private stop(fit: Fit, message: string): void {
    fit.stopped = message;
    if (this.fit === fit) HmmFitPanel.instance?.post({ type: 'fitStopped', message });
  }

  /** Sends the decoded rows of the window around the selected step. */
  private postRows(fit: Fit): void {
    const decoding = fit.result?.decoding;
    if (!decoding || this.fit !== fit) return;
    fit.windowFrom = windowStart(fit.selected, fit.windowFrom, decoding.path.length);
    HmmFitPanel.instance?.post({ type: 'decodedRows', rows: sliceDecodedRows(fit.result!, decoding, fit.windowFrom, fit.selected, stepNoun(fit.input)) });
  }

  /** The editor's cursor in the fitted file selects the step whose text holds it (or the last before it). */
  private followCursor(editor: vscode.TextEditor): void {
    const fit = this.fit;
    const decoding = fit?.result?.decoding;
    if (!fit || !decoding || editor.document !== fit.document || fit.document.version !== fit.version) return;
    const step = stepAtOffset(decoding.starts, fit.document.offsetAt(editor.selection.active));
    if (step < 0 || step === fit.selected) return;
    fit.selected = step;
    this.postRows(fit);
  }

  /** A click on a step of the decoded rows selects its text in the editor (the cursor at its start). */
  async selectStep(step: number): Promise<void> {
    const fit = this.fit;
    const decoding = fit?.result?.decoding;
    if (!fit || !decoding) return;
    if (fit.document.isClosed || fit.document.version !== fit.version) {
      HmmFitPanel.instance?.post({ type: 'notice', message: vscode.l10n.t('{0} was closed or changed after the fit: fit it again to link the decoded rows to the editor.', fit.fileLabel) });
      return;
    }
    fit.selected = Math.min(step, decoding.path.length - 1);
    this.postRows(fit);
    const from = fit.document.positionAt(decoding.starts[fit.selected]);
    const to = fit.document.positionAt(decoding.ends[fit.selected]);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === fit.document);
    const editor = visible ?? (await vscode.window.showTextDocument(fit.document, { viewColumn: vscode.ViewColumn.One, preserveFocus: true }));
    // Anchor at the end, cursor at the start: the cursor-follow then reads this same step back.
    editor.selection = new vscode.Selection(to, from);
    editor.revealRange(new vscode.Range(from, to), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  // ── FitPanelHost ──
  panelReady(): void {
    const panel = HmmFitPanel.instance;
    const fit = this.fit;
    if (!panel) return;
    if (!fit) {
      panel.post({ type: 'notice', message: vscode.l10n.t('This fit ended with the window reload: it is shown as it was. Run "Fit HMM with Baum-Welch on Active File…" again to save, decode or sample.') });
      return;
    }
    panel.post({ type: 'fitStarted', view: fit.view });
    if (fit.view.model) {
      panel.post({ type: 'fitFinished', model: fit.view.model });
      this.postRows(fit);
      if (fit.result?.decodingNote) panel.post({ type: 'notice', message: fit.result.decodingNote });
    } else if (fit.stopped) panel.post({ type: 'fitStopped', message: fit.stopped });
  }

  cancelFit(): void {
    this.fit?.handle?.cancel();
  }

  private fitted(): (Fit & { result: HmmFitResult }) | undefined {
    const fit = this.fit;
    if (fit?.result) return fit as Fit & { result: HmmFitResult };
    HmmFitPanel.instance?.post({ type: 'notice', message: vscode.l10n.t('There is no fitted model yet: wait for the fit to finish (or run it again).') });
    return undefined;
  }

  async saveModel(): Promise<void> {
    const fit = this.fitted();
    if (!fit) return;
    const base = fit.document.uri.path.replace(/\.[^./]*$/, '');
    const uri = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Sequence Lab: save the fitted HMM'),
      saveLabel: 'Save Model JSON',
      defaultUri: fit.document.isUntitled ? undefined : fit.document.uri.with({ path: `${base}-hmm.json` }),
      filters: { 'HMM model (JSON)': ['json'] },
    });
    if (!uri) return;
    try {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(fit.result.modelText));
      HmmFitPanel.instance?.post({ type: 'notice', message: vscode.l10n.t('Saved the model to {0}.', uri.path.slice(uri.path.lastIndexOf('/') + 1)) });
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot save the model: {0}', errorText(error)));
    }
  }

  async decodeWithModel(): Promise<void> {
    const fit = this.fitted();
    if (!fit) return;
    if (fit.document.isClosed) {
      HmmFitPanel.instance?.post({ type: 'notice', message: vscode.l10n.t('{0} was closed: open it and fit again to decode it.', fit.fileLabel) });
      return;
    }
    if (fit.result.kind === 'gaussian') {
      const editor = await vscode.window.showTextDocument(fit.document, { viewColumn: vscode.ViewColumn.One, preserveFocus: true });
      this.rowStates.show(editor, fit.document.version, fit.result);
      return;
    }
    if (fit.input.kind === 'tagged') {
      HmmFitPanel.instance?.post({
        type: 'notice',
        message: vscode.l10n.t('A tagged file is decoded by "Decode Active File with HMM…" with a tagger fitted on its own tags; save this model and decode an untagged file of the same tokens with it.'),
      });
      return;
    }
    await this.decode.decodeWithModel(fit.document, fit.result.modelText, `the Baum-Welch model of ${fit.fileLabel}`);
  }

  async sample(length: number, seed: number): Promise<void> {
    const fit = this.fitted();
    if (!fit) return;
    try {
      const r = await this.worker.hmmSample(fit.result.modelText, length, seed);
      HmmFitPanel.instance?.post({ type: 'sampleResult', sample: sampleView(r, seed) });
    } catch (error) {
      HmmFitPanel.instance?.post({ type: 'notice', message: vscode.l10n.t('Cannot sample: {0}', errorText(error)) });
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.fit?.handle?.cancel();
    super.dispose();
  }
}

/** What one decoded step is, for the panel's text. */
function stepNoun(input: HmmFitInput): string {
  if (input.kind === 'csv') return 'row';
  if (input.kind === 'tagged') return 'token';
  return input.split === 'chars' ? 'character' : 'word';
}

function isCsv(document: vscode.TextDocument): boolean {
  return /\.(csv|tsv)$/i.test(document.uri.path) || document.languageId === 'csv' || document.languageId === 'tsv';
}

type CsvColumns = { names: string[]; numericInFirstRow: boolean[] };

async function pickInput(
  document: vscode.TextDocument,
  text: string,
  fileLabel: string,
  header: CsvColumns | undefined,
): Promise<{ input: HmmFitInput; label: string } | undefined> {
  const numeric = header?.names.map((name, k) => ({ name, k })).filter(({ k }) => header.numericInFirstRow[k]) ?? [];
  // A .tsv of token<TAB>tag lines is a tagged file; a CSV/TSV with a numeric column is a series.
  if (isCsv(document) && numeric.length === 0 && !looksTagged(text)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0} has no numeric column in its first data row: a Gaussian HMM needs numbers.', fileLabel));
    return undefined;
  }
  if (numeric.length > 0) {
    const items = numeric.map(({ name, k }) => ({ label: name, description: vscode.l10n.t('column {0}', k + 1), k, picked: numeric.length === 1 || k === numeric[numeric.length - 1].k }));
    const picks = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Sequence Lab: Fit HMM — numeric columns (Gaussian emissions, one dimension per column)'),
      canPickMany: true,
    });
    if (!picks || picks.length === 0) return undefined;
    return { input: { kind: 'csv', columns: picks.map((p) => p.k) }, label: picks.map((p) => `"${p.label}"`).join(', ') };
  }
  if (looksTagged(text)) return { input: { kind: 'tagged' }, label: "the tagged file's tokens (tags ignored)" };
  const pick = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Characters'), description: vscode.l10n.t('every non-whitespace character is one symbol'), split: 'chars' as const },
      { label: vscode.l10n.t('Whitespace words'), description: vscode.l10n.t('symbols separated by spaces and line breaks'), split: 'whitespace' as const },
    ],
    { title: vscode.l10n.t('Sequence Lab: Fit HMM — the symbols are…') },
  );
  return pick && { input: { kind: 'symbols', split: pick.split }, label: pick.split === 'chars' ? 'characters' : 'whitespace words' };
}

async function askWhole(title: string, prompt: string, value: number, lo: number, hi: number, what: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Sequence Lab: Fit HMM — {0}', title),
    prompt,
    value: String(value),
    validateInput: (t) => checkWhole(t, lo, hi, what),
  });
  return text === undefined ? undefined : Number(text.trim());
}

async function askOptions(): Promise<HmmFitOptions | undefined> {
  const { maxStates, maxRestarts, maxIterations, minStates } = FIT_LIMITS;
  const states = await askWhole('states', `Number of hidden states (${minStates}–${maxStates})`, FIT_DEFAULTS.states, minStates, maxStates, 'The number of states');
  if (states === undefined) return undefined;
  const restarts = await askWhole('restarts', 'Random restarts (the best log-likelihood wins)', FIT_DEFAULTS.restarts, 1, maxRestarts, 'Restarts');
  if (restarts === undefined) return undefined;
  const seed = await askWhole('seed', 'Seed of the random starting models', FIT_DEFAULTS.seed, 0, 2 ** 31 - 1, 'The seed');
  if (seed === undefined) return undefined;
  const iterations = await askWhole('iterations', `Most EM iterations per restart (it stops earlier once the log-likelihood gains under ${FIT_DEFAULTS.tolerance} nats per symbol)`, FIT_DEFAULTS.maxIterations, 1, maxIterations, 'Iterations');
  if (iterations === undefined) return undefined;
  return { states, restarts, seed, maxIterations: iterations, tolerance: FIT_DEFAULTS.tolerance };
}
