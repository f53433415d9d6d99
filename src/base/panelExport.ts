// "Sequence Lab: Export Panel as PNG…/SVG…" for every panel (initPanel tracks each one here). The command asks the
// active panel for an image (webview/common/exportImage.ts draws it); the answer is validated by
// parseExportedImageMessage (format, size, PNG signature or SVG root) and saved where the user picks. A panel's
// answer is accepted only while this host is waiting for one of that format from that panel (pendingExports.ts): a
// page cannot write files on its own.
import * as vscode from 'vscode';
import type { TraceFormat } from '../shared/traceExport';
import type { ExportImageRequest, ImageFormat } from '../shared/protocol/exportImage';
import { PendingExports } from './pendingExports';

export const EXPORT_PANEL_PNG_COMMAND = 'sequenceLab.exportPanelPng';
export const EXPORT_PANEL_SVG_COMMAND = 'sequenceLab.exportPanelSvg';
export const EXPORT_TRACE_CSV_COMMAND = 'sequenceLab.exportTraceCsv';
export const EXPORT_TRACE_JSON_COMMAND = 'sequenceLab.exportTraceJson';

/** The trace a panel shows, as files (src/shared/traceExport.ts formats it; src/panels/panelTraceExport.ts builds them). */
export interface TraceFiles {
  csv(): string;
  json(): string;
}
/** What "Export Trace" gets from a panel: its trace, or why it has none (a sentence for the user; undefined: not yet). */
export type TraceExport = TraceFiles | { unavailable: string } | undefined;

interface TrackedPanel {
  panel: vscode.WebviewPanel;
  /** The formats asked for and not answered yet. */
  pending: PendingExports;
  /** Panels with a trace (Gates, Gradient Flow): the trace shown now, if any. */
  trace?: () => TraceExport;
}

const tracked = new Set<TrackedPanel>();

/** "Sequence Lab: Gates" + "verse.txt" → "sequence-lab-gates-verse.png": a file name from the panel's title. */
export function defaultImageName(title: string, format: ImageFormat | TraceFormat): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `${slug || 'sequence-lab-panel'}.${format}`;
}

/** Called by initPanel for every new or revived panel: it can now be exported. */
export function trackPanelForExport(panel: vscode.WebviewPanel): void {
  const entry: TrackedPanel = { panel, pending: new PendingExports() };
  tracked.add(entry);
  const subscriptions = [
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const type = (raw as { type?: unknown } | null)?.type;
      if (type !== 'exportedImage' && type !== 'exportImageFailed') return;
      const answer = entry.pending.answer(raw);
      if (!answer) return; // not asked for: ignored
      const format = answer.format;
      if (answer.kind === 'invalid') {
        void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: the panel sent an image that is not a valid {0} file; nothing was saved.', format.toUpperCase()));
      } else if (answer.kind === 'failed') {
        void vscode.window.showErrorMessage(exportFailedMessage(format, answer.error));
      } else {
        void saveFile(panel.title, format, answer.bytes);
      }
    }),
  ];
  panel.onDidDispose(() => {
    tracked.delete(entry);
    for (const s of subscriptions) s.dispose();
  });
}

/**
 * Why the panel could not be drawn as `format` (the format its answer names, validated) and what to try instead. The
 * PNG is the SVG drawn on a canvas: when only the canvas step fails, the SVG still works.
 */
export function exportFailedMessage(format: ImageFormat, error: string): string {
  return format === 'png'
    ? vscode.l10n.t('Sequence Lab: could not export the panel as PNG ({0}). Try "Export Panel as SVG…": it saves the same picture without drawing it on a canvas.', error)
    : vscode.l10n.t('Sequence Lab: could not export the panel as SVG ({0}). Close and reopen the panel, then export it again.', error);
}

/** Lets "Export Trace as CSV…/JSON…" save the trace `panel` shows (call after initPanel). */
export function provideTraceExport(panel: vscode.WebviewPanel, trace: () => TraceExport): void {
  for (const entry of tracked) if (entry.panel === panel) entry.trace = trace;
}

const FILTERS: Record<ImageFormat | TraceFormat, () => string> = {
  png: () => vscode.l10n.t('PNG image'), svg: () => vscode.l10n.t('SVG image'), csv: () => vscode.l10n.t('CSV table'), json: () => vscode.l10n.t('JSON'),
};

async function saveFile(title: string, format: ImageFormat | TraceFormat, bytes: Uint8Array): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = defaultImageName(title, format);
  const target = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export {0} as {1}', title, format.toUpperCase()),
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: { [FILTERS[format]()]: [format] },
    saveLabel: vscode.l10n.t('Export'),
  });
  if (!target) return;
  try {
    await vscode.workspace.fs.writeFile(target, bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(vscode.l10n.t('Sequence Lab: could not save {0}: {1}', target.fsPath, reason));
    return;
  }
  const reveal = vscode.l10n.t('Reveal');
  const base = target.path.split('/').pop() ?? target.path;
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Saved {0}', base), reveal);
  if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', target);
}

/** The Sequence Lab panel the user is looking at: the active one, else the only visible one. */
function targetPanel(): TrackedPanel | undefined {
  const all = [...tracked];
  const active = all.find((t) => t.panel.active);
  if (active) return active;
  const visible = all.filter((t) => t.panel.visible);
  return visible.length === 1 ? visible[0] : undefined;
}

function requestImage(format: ImageFormat): void {
  const target = targetPanel();
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: click into a Sequence Lab panel first, then export it.'));
    return;
  }
  target.pending.ask(format);
  const request: ExportImageRequest = { type: 'exportImage', format };
  void target.panel.webview.postMessage(request);
}

function exportTrace(format: TraceFormat): void {
  const target = targetPanel();
  if (!target?.trace) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Sequence Lab: click into a Gates or Gradient Flow panel first, then export its trace.'));
    return;
  }
  const files = target.trace();
  if (!files || 'unavailable' in files) {
    void vscode.window.showInformationMessage(files?.unavailable ?? vscode.l10n.t('Sequence Lab: the panel has no trace yet; wait for it to draw one.'));
    return;
  }
  const text = format === 'csv' ? files.csv() : files.json();
  void saveFile(`${target.panel.title} trace`, format, new TextEncoder().encode(text));
}

export function registerPanelExport(): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(EXPORT_PANEL_PNG_COMMAND, () => requestImage('png')),
    vscode.commands.registerCommand(EXPORT_PANEL_SVG_COMMAND, () => requestImage('svg')),
    vscode.commands.registerCommand(EXPORT_TRACE_CSV_COMMAND, () => exportTrace('csv')),
    vscode.commands.registerCommand(EXPORT_TRACE_JSON_COMMAND, () => exportTrace('json')),
  ];
}
