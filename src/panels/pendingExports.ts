// Pure (no vscode): which image exports a panel was asked for and has not answered yet (src/panels/panelExport.ts).
// "Export as PNG" then "Export as SVG" in quick succession are two requests in flight; the page answers the SVG
// first (it is text) and the PNG later (drawn on a canvas), so each answer is matched by its own format. An error
// answer names no format: it answers the oldest request. Unit-tested in test/host/exportedImage.test.ts.
import { parseExportedImageMessage, type ImageFormat } from '../shared/webviewProtocol';

/** What to do with one answer of the panel. */
export type ExportAnswer =
  | { kind: 'image'; format: ImageFormat; bytes: Uint8Array }
  | { kind: 'failed'; format: ImageFormat; error: string }
  /** Claims to be the asked-for format but is not a valid file of it (or not a well-formed answer). */
  | { kind: 'invalid'; format: ImageFormat };

export class PendingExports {
  /** Formats asked for, oldest first; asking again for one already in flight waits for the same answer. */
  private readonly formats = new Set<ImageFormat>();

  ask(format: ImageFormat): void {
    this.formats.add(format);
  }

  /** The answer to a request in flight (which it settles), or undefined for a message nobody asked for (ignored). */
  answer(raw: unknown): ExportAnswer | undefined {
    const m = raw as { type?: unknown; format?: unknown } | null;
    const type = m?.type;
    if (type === 'exportedImage') {
      const format = m?.format;
      if ((format !== 'png' && format !== 'svg') || !this.formats.delete(format)) return undefined;
      const message = parseExportedImageMessage(raw);
      return message?.type === 'exportedImage' && message.format === format ? { kind: 'image', format, bytes: message.bytes } : { kind: 'invalid', format };
    }
    if (type !== 'exportImageFailed') return undefined;
    const oldest = this.formats.values().next();
    if (oldest.done) return undefined;
    const format = oldest.value;
    this.formats.delete(format);
    const message = parseExportedImageMessage(raw);
    return message?.type === 'exportImageFailed' ? { kind: 'failed', format, error: message.error } : { kind: 'invalid', format };
  }
}
