// Gradient pathologies of a run as problems on its data file (Problems panel), with quick fixes. The rules are in
// gradientRules.ts; the evidence is the run's fault (a NaN/Inf paused it), its recent gradient norms, and a gradient
// trace of max(64, N + 1) characters for the vanishing distance N (gradientWindow.ts; the worker's traceGradients, also
// asked for by the Gradient Flow panel: every answer for a watched run is used, unless it is too short to measure N and
// a long enough one is at hand). A run is watched once it colours a document, or when it faults.
//
// Quick fixes: "Enable gradient clipping" and "Lower the learning rate" reconfigure a live run (TrainingService.
// reconfigure, optimiser state kept; a run paused by a fault resumes), or start a new run with the change on the file
// once the run has ended; "Switch to LSTM" starts a new LSTM run on the file with the same settings.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import { checkedDocumentText, documentLabel } from '../base/documentText';
import { utf16Range, utf16Span } from '../panels/gatesView';
import { CONFIG_LIMITS, validateTrainingConfig, type TrainingConfig } from '../shared/trainingConfig';
import type { GradientTrace } from '../shared/protocol/traces';
import type { RunPersistence } from '../training/runPersistence';
import { isActive, type TrainingService } from '../training/trainingService';
import { fixPlan, fixTitle, gradientFindings, type Finding, type Fix } from './gradientRules';
import { vanishingWindow } from './gradientWindow';

export const APPLY_GRADIENT_FIX_COMMAND = 'sequenceLab.applyGradientFix';
const RECENT_STEPS = 200;
const TRACE_EVERY_MS = 10_000;

interface Watched {
  uri: vscode.Uri;
  trace?: GradientTrace;
  findings: Finding[];
  tracedAt: number;
  /** The problems last put in the Problems panel for this run (to leave them alone when nothing changed). */
  shown?: string;
}

export class GradientProblems extends Disposable implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('sequenceLab.gradients');
  private readonly watched = new Map<string, Watched>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly service: TrainingService, private readonly persistence: RunPersistence | undefined) {
    super();
    this.timer = setInterval(() => this.traceTraining(), TRACE_EVERY_MS);
    this._register(this.diagnostics);
    this._register(vscode.languages.registerCodeActionsProvider('*', this, { providedCodeActionKinds: GradientProblems.providedCodeActionKinds }));
    this._register(vscode.commands.registerCommand(APPLY_GRADIENT_FIX_COMMAND, (runId: unknown, fix: unknown) => this.apply(runId, fix)));
    this._register(service.onDidTrace((answer) => {
      const w = this.watched.get(answer.runId);
      if (!w || 'error' in answer) return;
      const N = this.vanishing(w.uri).steps;
      if (answer.trace.jacobianNorm.length < N && w.trace && w.trace.jacobianNorm.length >= N) return;
      w.trace = answer.trace;
      this.update(answer.runId);
    }));
    this._register(service.onDidFault(({ run }) => {
      const uri = this.dataUri(run.info.id);
      if (uri) this.watch(run.info.id, uri);
    }));
    this._register(service.onDidChangeRun((run) => {
      if (this.watched.has(run.info.id)) this.update(run.info.id);
    }));
  }

  /** Follows a run's gradients on its data file from now on. */
  watch(runId: string, uri: vscode.Uri): void {
    // One run per file: the newest watched one.
    for (const [id, w] of this.watched) if (id !== runId && w.uri.toString() === uri.toString()) this.watched.delete(id);
    this.watched.set(runId, this.watched.get(runId) ?? { uri, findings: [], tracedAt: 0 });
    this.update(runId);
    this.requestTrace(runId);
  }

  private dataUri(runId: string): vscode.Uri | undefined {
    const stored = this.persistence?.storedRunOf(runId)?.dataUri;
    if (stored) return vscode.Uri.parse(stored);
    const label = this.service.get(runId)?.info.fileLabel;
    return vscode.workspace.textDocuments.find((d) => documentLabel(d) === label)?.uri;
  }

  private requestTrace(runId: string): void {
    const w = this.watched.get(runId);
    if (w && this.service.traceGradients(runId, this.vanishing(w.uri).window)) w.tracedAt = Date.now();
  }

  private traceTraining(): void {
    for (const [runId, w] of this.watched) {
      const run = this.service.get(runId);
      if (run?.info.status === 'training' && Date.now() - w.tracedAt >= TRACE_EVERY_MS) this.requestTrace(runId);
    }
  }

  private vanishing(uri: vscode.Uri): { steps: number; window: number } {
    return vanishingWindow(vscode.workspace.getConfiguration('sequenceLab', uri).get<unknown>('rnnEditor.vanishingSteps', 50));
  }

  private update(runId: string): void {
    const w = this.watched.get(runId);
    const run = this.service.get(runId);
    if (!w) return;
    if (!run) {
      this.watched.delete(runId);
      this.diagnostics.delete(w.uri);
      return;
    }
    const { config, fault } = run.info;
    const g = run.history.snapshot().gradNorms;
    w.findings = gradientFindings({
      cell: config.cell, clip: config.clip, learningRate: config.learningRate, minLearningRate: CONFIG_LIMITS.learningRate.min,
      ...(run.info.status === 'paused' && fault ? { fault } : {}),
      ...(w.trace ? { trace: { jacobianNorm: w.trace.jacobianNorm, start: w.trace.start, length: w.trace.length, unit: w.trace.tokenStarts ? 'words' : 'characters', ...(w.trace.cellPath ? { cellPath: w.trace.cellPath } : {}) } } : {}),
      truncation: config.truncate ?? config.seqLength,
      recentGradNorms: g.subarray(Math.max(0, g.length - RECENT_STEPS)),
      vanishingSteps: this.vanishing(w.uri).steps,
    });
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === w.uri.toString());
    const text = document?.getText() ?? '';
    const rangeOf = (f: Finding): vscode.Range => {
      if (!document || !f.window) return new vscode.Range(0, 0, 0, 0);
      // A word run's window counts words: the trace says where its first and last word lie in the text.
      const words = w.trace?.tokenStarts && w.trace.tokenEnds && w.trace.tokenStarts.length > 0 ? { starts: w.trace.tokenStarts, ends: w.trace.tokenEnds } : undefined;
      if (words) {
        const span = utf16Range(text, words.starts[0], words.ends[words.ends.length - 1]);
        return new vscode.Range(document.positionAt(span.from), document.positionAt(span.to));
      }
      const from = utf16Span(text, f.window.start).from;
      const to = utf16Span(text, f.window.start + f.window.length).from;
      return new vscode.Range(document.positionAt(from), document.positionAt(to));
    };
    const diagnostics = w.findings.map((f) => {
      const d = new vscode.Diagnostic(rangeOf(f), `${f.message} (${run.info.modelLabel})`, f.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Sequence Lab';
      d.code = `gradient-${f.kind}`;
      return d;
    });
    // Every change of the run (its end, a checkpoint, the store's writes) lands here. Setting the same problems again
    // would make the Problems panel flicker and re-ask the editor's quick fixes for nothing. (A run newly watched on the
    // file has its own entry, with nothing shown yet, so its problems replace the old run's.)
    const shown = JSON.stringify(diagnostics.map((d) => [d.code, d.message, d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]));
    if (shown === w.shown) return;
    w.shown = shown;
    this.diagnostics.set(w.uri, diagnostics);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const [runId, w] of this.watched) {
      if (w.uri.toString() !== document.uri.toString()) continue;
      const lr = this.service.get(runId)?.info.config.learningRate ?? 0;
      // One action per fix of the run: a NaN and an exploding gradient on the same spot both offer clipping, which
      // is one change to the run, listed once (for both problems).
      const byFix = new Map<Fix, vscode.CodeAction>();
      for (const diagnostic of context.diagnostics) {
        if (diagnostic.source !== 'Sequence Lab') continue;
        const finding = w.findings.find((f) => diagnostic.code === `gradient-${f.kind}`);
        finding?.fixes.forEach((fix, i) => {
          const known = byFix.get(fix);
          if (known) {
            known.diagnostics!.push(diagnostic);
            return;
          }
          const action = new vscode.CodeAction(fixTitle(fix, lr), vscode.CodeActionKind.QuickFix);
          action.diagnostics = [diagnostic];
          action.isPreferred = byFix.size === 0 && i === 0;
          action.command = { command: APPLY_GRADIENT_FIX_COMMAND, title: action.title, arguments: [runId, fix] };
          byFix.set(fix, action);
          actions.push(action);
        });
      }
    }
    return actions;
  }

  private async apply(runId: unknown, fix: unknown): Promise<void> {
    const run = typeof runId === 'string' ? this.service.get(runId) : undefined;
    if (!run || (fix !== 'enableClipping' && fix !== 'lowerLearningRate' && fix !== 'switchToLstm')) return;
    const f = fix as Fix;
    const config = run.info.config;
    const plan = fixPlan(f, config.learningRate, isActive(run.info), run.info.status === 'paused' && run.info.fault !== undefined);
    if (plan.kind === 'reconfigure') {
      const problems = this.service.reconfigure(run.info.id, plan.change);
      if (problems.length > 0) void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0}.', problems.join('; ')));
      else {
        if (plan.resume) this.service.resume(run.info.id);
        void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: {0} on {1}: done.', fixTitle(f, config.learningRate), run.info.modelLabel));
      }
      return;
    }
    // A new run on the file with the change.
    const w = this.watched.get(run.info.id);
    const uri = w?.uri ?? this.dataUri(run.info.id);
    if (!uri) return;
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch (error) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: cannot open the run\'s data file: {0}', error instanceof Error ? error.message : String(error)));
      return;
    }
    const label = documentLabel(document);
    const text = checkedDocumentText(document, label);
    if (text === undefined) return;
    const next: TrainingConfig = { ...config, ...plan.change };
    const problems = validateTrainingConfig(next);
    if (problems.length > 0) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: {0}.', problems.join('; ')));
      return;
    }
    if (plan.stopOld) this.service.stop(run.info.id);
    const start = () => this.service.start(text, label, next);
    const started = this.persistence ? this.persistence.startTracked({ uri, label, text }, start) : start();
    this.watch(started.info.id, uri);
    void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: started {0} on {1}; colour the text again once it has trained a little.', started.info.modelLabel, label));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearInterval(this.timer);
    super.dispose();
  }
}
