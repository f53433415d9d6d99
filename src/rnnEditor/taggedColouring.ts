// "Colour Text by Model" on a tagged run's token<TAB>tag file (ModelColouring hands such runs here): the worker tags
// the sentences in view (src/worker/tagText.ts), and each token is coloured by its predicted tag, shaded by how unsure
// the model is, underlined where the model disagrees with the file (the model's tag written after the file's); the
// hover gives the top-5 tags. What is drawn is decided in taggedText.ts. Read again on scrolling past the tagged
// lines, 300 ms after an edit, and every few seconds while the run trains; one request per document in flight.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import { WorkerShutDown } from '../base/workerClient';
import type { TaggedTextInference } from '../shared/protocol/trainingWorker';
import { isActive, type RunRecord, type TrainingService } from '../training/trainingService';
import { SLOTS, slotColour } from './colourScale';
import {
  agreement, disagreementText, MAX_TAGGED_SLICE, TAG_HUES, taggedHoverMarkdown, taggedLegend, taggedLineWindow, tokenAt, unsurenessLevel,
} from './taggedText';

const EDIT_DEBOUNCE_MS = 300;
const SCROLL_COALESCE_MS = 50;
const TRAINING_REFRESH_MS = 5000;
const REQUEST_TIMEOUT_MS = 30_000;

interface Tagging {
  runId: string;
  runLabel: string;
  modelLabel: string;
  /** The answer and the document offset of its slice. */
  scored?: { version: number; first: number; end: number; base: number; result: TaggedTextInference };
  /** The request in flight (its answer is taken only while this is still the tagging's pending request). */
  pending?: { version: number; first: number; end: number; base: number };
  again: boolean;
  lastRequestAt: number;
}

export class TaggedColouring extends Disposable {
  private readonly taggings = new Map<string, Tagging>();
  private readonly hues: vscode.TextEditorDecorationType[];
  private readonly shades: vscode.TextEditorDecorationType[];
  private readonly disagree: vscode.TextEditorDecorationType;
  private readonly unknownType: vscode.TextEditorDecorationType;
  private readonly status: vscode.StatusBarItem;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly refreshTimer: ReturnType<typeof setInterval>;

  constructor(private readonly service: TrainingService, clearCommand: string) {
    super();
    this.hues = TAG_HUES.map((hue) => vscode.window.createTextEditorDecorationType({ color: new vscode.ThemeColor(hue), fontWeight: '600' }));
    // heat1…heat4: the surprisal shades, one hue, stronger = the model less sure of its tag.
    this.shades = SLOTS.slice(0, 4).map((slot) =>
      vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor(slotColour(slot)), rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed }),
    );
    this.disagree = vscode.window.createTextEditorDecorationType({
      textDecoration: 'underline wavy',
      after: { color: new vscode.ThemeColor('errorForeground'), fontStyle: 'italic' },
    });
    this.unknownType = vscode.window.createTextEditorDecorationType({ border: '0 0 1px 0', borderStyle: 'dotted', borderColor: new vscode.ThemeColor('editorWarning.foreground') });
    this.status = vscode.window.createStatusBarItem('sequenceLab.taggedColouring', vscode.StatusBarAlignment.Left, 48);
    this.status.name = vscode.l10n.t('Sequence Lab Tag Colouring');
    this.status.command = clearCommand;
    this.refreshTimer = setInterval(() => this.refreshWhileTraining(), TRAINING_REFRESH_MS);
    for (const item of this.hues) this._register(item);
    for (const item of this.shades) this._register(item);
    this._register(this.disagree);
    this._register(this.unknownType);
    this._register(this.status);
    this._register(vscode.languages.registerHoverProvider('*', { provideHover: (d, p) => this.hover(d, p) }));
    this._register(vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.schedule(e.textEditor.document, SCROLL_COALESCE_MS)));
    this._register(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.schedule(e.document, SCROLL_COALESCE_MS))));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.refreshStatus()));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.schedule(e.document, EDIT_DEBOUNCE_MS);
    }));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.taggings.delete(d.uri.toString())));
  }

  /** Colours `editor`'s document by the tagged run `run` (the newest run on it, ModelColouring found it). */
  colour(editor: vscode.TextEditor, run: RunRecord, runLabel: string): void {
    this.taggings.set(editor.document.uri.toString(), { runId: run.info.id, runLabel, modelLabel: run.info.modelLabel, again: false, lastRequestAt: 0 });
    this.request(editor);
    this.refreshStatus();
  }

  has(document: vscode.TextDocument): boolean {
    return this.taggings.has(document.uri.toString());
  }

  remove(document: vscode.TextDocument): void {
    this.taggings.delete(document.uri.toString());
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.undecorate(editor);
    this.refreshStatus();
  }

  clear(): void {
    this.taggings.clear();
    for (const editor of vscode.window.visibleTextEditors) this.undecorate(editor);
    this.refreshStatus();
  }

  private visibleLines(editor: vscode.TextEditor): { top: number; bottom: number } {
    const ranges = editor.visibleRanges;
    if (ranges.length === 0) return { top: 0, bottom: 0 };
    return { top: ranges[0].start.line, bottom: ranges[ranges.length - 1].end.line };
  }

  private request(editor: vscode.TextEditor): void {
    const document = editor.document;
    const tagging = this.taggings.get(document.uri.toString());
    if (!tagging) return;
    if (tagging.pending && Date.now() - tagging.lastRequestAt < REQUEST_TIMEOUT_MS) {
      tagging.again = true;
      return;
    }
    const { top, bottom } = this.visibleLines(editor);
    const { first, end } = taggedLineWindow(document.lineCount, top, bottom, (line) => document.lineAt(line).isEmptyOrWhitespace);
    const base = document.offsetAt(new vscode.Position(first, 0));
    let to = document.offsetAt(document.lineAt(end - 1).range.end);
    // A slice over the worker's limit ends at the last line that fits (its last sentence may then be cut).
    if (to - base > MAX_TAGGED_SLICE) to = document.offsetAt(new vscode.Position(document.positionAt(base + MAX_TAGGED_SLICE).line, 0));
    const text = document.getText(new vscode.Range(document.positionAt(base), document.positionAt(to)));
    if (text.length === 0) return;
    tagging.again = false;
    tagging.lastRequestAt = Date.now();
    const answer = this.service.tagText(tagging.runId, text);
    if (!answer) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Sequence Lab: {0} has no model to read the text with yet (it is starting or failed).', tagging.runLabel));
      return;
    }
    const pending = { version: document.version, first, end: document.positionAt(to).line + 1, base };
    tagging.pending = pending;
    const key = document.uri.toString();
    // A tagging cleared meanwhile, or a request given up on (timed out and asked again), drops its answer.
    const current = () => this.taggings.get(key) === tagging && tagging.pending === pending;
    answer.then(
      (result) => {
        if (current()) this.answered(key, tagging, pending, result);
      },
      (error: Error) => {
        // The worker was shut down with the extension: nobody is left to tell.
        if (current() && !(error instanceof WorkerShutDown)) this.failed(key, tagging, error.message);
      },
    );
  }

  private failed(key: string, tagging: Tagging, error: string): void {
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot colour the text by {0}: {1}', tagging.runLabel, error));
    this.taggings.delete(key);
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === key) this.undecorate(editor);
    this.refreshStatus();
  }

  private answered(key: string, tagging: Tagging, pending: NonNullable<Tagging['pending']>, result: TaggedTextInference): void {
    tagging.pending = undefined;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
    if (!editor) return;
    if (editor.document.version === pending.version) {
      tagging.scored = { ...pending, result };
      for (const e of vscode.window.visibleTextEditors) if (e.document === editor.document) this.decorate(e);
      this.refreshStatus();
    } else tagging.again = true;
    if (tagging.again) this.request(editor);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    const key = document.uri.toString();
    if (!this.taggings.has(key)) return;
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        for (const editor of vscode.window.visibleTextEditors) if (editor.document === document) this.decorate(editor);
      }, delay),
    );
  }

  private refreshWhileTraining(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const tagging = this.taggings.get(editor.document.uri.toString());
      const run = tagging && this.service.get(tagging.runId);
      if (run && isActive(run.info) && run.info.status === 'training' && !tagging.pending) this.request(editor);
    }
  }

  private undecorate(editor: vscode.TextEditor): void {
    for (const type of [...this.hues, ...this.shades, this.disagree, this.unknownType]) editor.setDecorations(type, []);
  }

  private decorate(editor: vscode.TextEditor): void {
    const document = editor.document;
    const tagging = this.taggings.get(document.uri.toString());
    if (!tagging) return this.undecorate(editor);
    const scored = tagging.scored;
    const { top, bottom } = this.visibleLines(editor);
    const covered = scored && scored.version === document.version && scored.first <= Math.max(0, top - 1) && scored.end >= Math.min(document.lineCount, bottom + 1);
    if (!covered) this.request(editor);
    if (!scored || scored.version !== document.version) return; // keep what is drawn: VS Code moves it with the edits
    const { result, base } = scored;
    const at = (offset: number) => document.positionAt(base + offset);
    const hues: vscode.Range[][] = this.hues.map(() => []);
    const shades: vscode.Range[][] = this.shades.map(() => []);
    const disagree: vscode.DecorationOptions[] = [];
    const unknown: vscode.Range[] = [];
    for (let n = 0; n < result.count; n++) {
      const token = new vscode.Range(at(result.tokenStarts[n]), at(result.tokenEnds[n]));
      hues[result.predicted[n] % this.hues.length].push(token);
      const level = unsurenessLevel(result.topProbabilities[n * 5]);
      if (level > 0) shades[level - 1].push(token);
      if (result.unknown[n]) unknown.push(token);
      if (result.predicted[n] !== result.gold[n]) {
        const tag = new vscode.Range(at(result.tagStarts[n]), at(result.tagEnds[n]));
        disagree.push({ range: tag, renderOptions: { after: { contentText: disagreementText(result, n) } } });
      }
    }
    this.hues.forEach((type, i) => editor.setDecorations(type, hues[i]));
    this.shades.forEach((type, i) => editor.setDecorations(type, shades[i]));
    editor.setDecorations(this.disagree, disagree);
    editor.setDecorations(this.unknownType, unknown);
    if (editor === vscode.window.activeTextEditor) this.refreshStatus();
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const scored = this.taggings.get(document.uri.toString())?.scored;
    if (!scored || scored.version !== document.version) return undefined;
    const { result, base } = scored;
    const n = tokenAt(result, document.offsetAt(position) - base);
    if (n < 0) return undefined;
    const range = new vscode.Range(document.positionAt(base + result.tokenStarts[n]), document.positionAt(base + result.tagEnds[n]));
    const token = document.getText(new vscode.Range(document.positionAt(base + result.tokenStarts[n]), document.positionAt(base + result.tokenEnds[n])));
    const tag = document.getText(new vscode.Range(document.positionAt(base + result.tagStarts[n]), document.positionAt(base + result.tagEnds[n])));
    const runLabel = this.taggings.get(document.uri.toString())!.runLabel;
    return new vscode.Hover(new vscode.MarkdownString(taggedHoverMarkdown(result, n, token, tag, runLabel)), range);
  }

  private refreshStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const tagging = editor ? this.taggings.get(editor.document.uri.toString()) : undefined;
    if (!editor || !tagging) {
      this.status.hide();
      return;
    }
    const scored = tagging.scored;
    let agree = '';
    if (scored) {
      const { top, bottom } = this.visibleLines(editor);
      const document = editor.document;
      const from = document.offsetAt(new vscode.Position(top, 0)) - scored.base;
      const to = document.offsetAt(document.lineAt(Math.min(bottom, document.lineCount - 1)).range.end) - scored.base;
      const a = agreement(scored.result, from, to + 1);
      if (a.tokens > 0) agree = vscode.l10n.t(' · {0}% of {1} tokens in view tagged as the file', ((100 * a.agree) / a.tokens).toFixed(1), a.tokens);
    }
    this.status.text = `$(symbol-color) ${tagging.modelLabel}: ${vscode.l10n.t('predicted tags')}${agree}`;
    this.status.tooltip = taggedLegend(scored?.result.tags ?? [], tagging.runLabel);
    this.status.show();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearInterval(this.refreshTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    super.dispose();
  }
}
