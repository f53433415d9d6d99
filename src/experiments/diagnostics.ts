// Problems of *.seqlab.json files in the Problems panel: every mistake parseExperiment finds (syntax, unknown keys
// with "did you mean", wrong types, out-of-range values, contradictions), underlined where it is written, and a
// warning when the data file it names does not exist. Updated when a file opens and, debounced, while it is edited.
import * as vscode from 'vscode';
import { Disposable } from '../base/disposable';
import { findValueRange, isExperimentFileName, parseExperiment } from '../shared/experimentFile';
import { dataFileUri, fileExists } from './experimentDocument';

const DEBOUNCE_MS = 250;

export class ExperimentDiagnostics extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('sequenceLab.experiments'));
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.update(d)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this._register(vscode.workspace.onDidSaveTextDocument((d) => this.update(d)));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => {
      this.cancel(d.uri);
      this.collection.delete(d.uri);
    }));
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isExperimentFileName(document.uri.path)) return;
    this.cancel(document.uri);
    this.timers.set(
      document.uri.toString(),
      setTimeout(() => {
        this.timers.delete(document.uri.toString());
        if (!document.isClosed) this.update(document);
      }, DEBOUNCE_MS),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  /** Parses the document now and replaces its diagnostics. */
  update(document: vscode.TextDocument): void {
    if (!isExperimentFileName(document.uri.path)) return;
    const text = document.getText();
    const version = document.version;
    const result = parseExperiment(text);
    const range = (offset: number, length: number) => new vscode.Range(document.positionAt(offset), document.positionAt(offset + length));
    if (!result.ok) {
      this.collection.set(
        document.uri,
        result.problems.map((p) => {
          const diagnostic = new vscode.Diagnostic(range(p.offset, p.length), p.message, vscode.DiagnosticSeverity.Error);
          diagnostic.source = 'Sequence Lab';
          if (p.path) diagnostic.code = p.path;
          return diagnostic;
        }),
      );
      return;
    }
    this.collection.set(document.uri, []);
    if (document.isUntitled) return;
    const dataPath = result.experiment.data.path;
    const dataUri = dataFileUri(document.uri, dataPath);
    void fileExists(dataUri).then((exists) => {
      if (exists || document.isClosed || document.version !== version) return;
      const where = findValueRange(text, ['data', 'path']) ?? { offset: 0, length: 1 };
      const diagnostic = new vscode.Diagnostic(
        range(where.offset, where.length),
        `data.path: there is no file ${JSON.stringify(dataPath)} next to this experiment file (looked for ${vscode.workspace.asRelativePath(dataUri, false)})`,
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = 'Sequence Lab';
      diagnostic.code = 'data.path';
      this.collection.set(document.uri, [diagnostic]);
    });
  }

  override dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    super.dispose();
  }
}
