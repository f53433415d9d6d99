// Pure (no vscode): which image exports a panel was asked for and has not answered yet (src/base/panelExport.ts).
// "Export as PNG" then "Export as SVG" in quick succession are two requests in flight; the page answers the SVG
// first (it is text) and the PNG later (drawn on a canvas), so each answer, an image or an error, is matched by its own
// format (an error naming none, which this project's pages never send, only to a lone request). Unit-tested in
// test/host/exportedImage.test.ts.
import { parseExportedImageMessage, type ImageFormat } from '../shared/protocol/exportImage';

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
    if (type !== 'exportedImage' && type !== 'exportImageFailed') return undefined;
    const format = this.settledBy(type, m?.format);
    if (!format) return undefined;
    this.formats.delete(format);
    const message = parseExportedImageMessage(raw);
    if (message?.type !== type || (message.format ?? format) !== format) return { kind: 'invalid', format };
    return message.type === 'exportedImage' ? { kind: 'image', format, bytes: message.bytes } : { kind: 'failed', format, error: message.error };
  }

  /** The request an answer settles: the one of the format it names; for a failure naming none, the only one in flight. */
  private settledBy(type: 'exportedImage' | 'exportImageFailed', named: unknown): ImageFormat | undefined {
    if (named === 'png' || named === 'svg') return this.formats.has(named) ? named : undefined;
    if (type === 'exportImageFailed' && named === undefined && this.formats.size === 1) return [...this.formats][0];
    return undefined;
  }
}
