// Channel: the host ↔ every panel, for "Export as PNG…/SVG…". The host (src/panels/pendingExports.ts) sends
// exportImage; the page (webview/common/exportImage.ts) answers with the image bytes or why there are none, and the
// host checks the answer (parseExportedImageMessage) before src/panels/panelExport.ts saves it where the user picks.
import { custom, FAIL, lazy, literal, object, optional, parser, picklist, string, transform, variant, type Infer } from './schema';

const imageFormatSchema = /* @__PURE__ */ picklist(['png', 'svg']);
export type ImageFormat = Infer<typeof imageFormatSchema>;
/** Host → any panel: draw yourself as an image of this format. */
export interface ExportImageRequest {
  type: 'exportImage';
  format: ImageFormat;
}
/** The largest image a panel may send: far above any panel at 2× (a 1280×800 page is ~1 MB as PNG). */
export const MAX_EXPORTED_IMAGE_BYTES = 20 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** An SVG document: optional XML declaration, comments or doctype, then the <svg> root element. */
const SVG_ROOT = /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>]/;

/** Elements that run or load a document of their own; a panel's copy never has them. */
const ACTIVE_ELEMENTS = /^(script|iframe|frame|frameset|object|embed|handler|listener|base)$/i;
/** A start tag with its attributes (quoted values may hold '>'); `y` flag: must match where a tag starts. */
const START_TAG = /<([A-Za-z][^\s/>]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/y;
const ATTRIBUTE = /([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g;
const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An attribute value as a browser reads it: character references decoded, then spaces and control characters dropped. */
function attributeValueAsRead(raw: string): string {
  const unquoted = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
  return unquoted
    .replace(/&#x([0-9a-f]+);?|&#(\d+);?|&(\w+);/gi, (whole, hex?: string, dec?: string, name?: string) => {
      const code = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : NaN;
      if (Number.isFinite(code)) return code <= 0x10ffff ? String.fromCodePoint(code) : '';
      return XML_ENTITIES[(name ?? '').toLowerCase()] ?? whole;
    })
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0020\u007f-\u00a0]/g, '')
    .toLowerCase();
}

/**
 * Whether an exported SVG has markup that could run script when the saved file is opened in a browser: a <script>
 * (or another active element), an entity declaration (it can expand to markup), a style sheet processing
 * instruction, an on… event attribute, a javascript:/vbscript: URL in an attribute followed as a URL (href, src, …,
 * animation values, style), or a start tag that does not parse. Text the page copies is escaped (a raw '<' always starts markup), so a panel showing e.g. "one = 1" or
 * "javascript:" as text is still exported.
 */
/** Attributes whose value a browser follows as a URL, or an animation writes into one (local names). */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'data', 'to', 'from', 'by', 'values', 'style']);

function svgCouldRunScript(text: string): boolean {
  if (/<script|<!ENTITY|<\?xml-stylesheet/i.test(text)) return true;
  for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
    if (!/[A-Za-z]/.test(text.charAt(at + 1))) continue; // </end>, <!-- -->, <?xml ?>
    START_TAG.lastIndex = at;
    const tag = START_TAG.exec(text);
    if (!tag) return true;
    if (ACTIVE_ELEMENTS.test(tag[1].split(':').pop() ?? '')) return true;
    for (const [, name, value] of tag[2].matchAll(ATTRIBUTE)) {
      const local = (name.split(':').pop() ?? '').toLowerCase();
      if (local.startsWith('on') || local === 'srcdoc') return true;
      const read = value === undefined ? '' : attributeValueAsRead(value);
      // Only where a value is followed as a URL or set by an animation: a label or title may quote the data.
      if (URL_ATTRIBUTES.has(local) && (read.includes('javascript:') || read.includes('vbscript:'))) return true;
      if (local === 'attributename' && read.startsWith('on')) return true; // <set attributeName="onclick" …>
    }
    at = START_TAG.lastIndex - 1; // on past the tag: a '<' inside a quoted value is not a tag
  }
  return false;
}

/** The bytes as a Uint8Array (a page may post an ArrayBuffer), non-empty and at most MAX_EXPORTED_IMAGE_BYTES. */
const imageBytesSchema = /* @__PURE__ */ custom<Uint8Array>('Uint8Array or ArrayBuffer of 1…MAX_EXPORTED_IMAGE_BYTES bytes', (v) => {
  const bytes = v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : undefined;
  return bytes && bytes.length > 0 && bytes.length <= MAX_EXPORTED_IMAGE_BYTES ? bytes : FAIL;
});

/** Whether the bytes are what the format claims: the PNG signature; or UTF-8 with an <svg> root and nothing active. */
function isImageOf(format: ImageFormat, bytes: Uint8Array): boolean {
  if (format === 'png') return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return SVG_ROOT.test(text.slice(0, 4096)) && /<\/svg>\s*$/.test(text) && !svgCouldRunScript(text);
}

/** Shown to the user as is: one line of at most 500 characters, nothing that reads as a path. */
const failureReasonSchema = /* @__PURE__ */ transform(/* @__PURE__ */ string({ max: 10_000 }), 'one line, no path separators, ≤ 500 characters', (error) =>
  // An empty reason is still a failure of that format (not an invalid image): said as such.
  error.replace(/[\\/:]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 500) || 'no reason given');

const exportedImageMessageSchema = /* @__PURE__ */ lazy(() => variant('type', [
  transform(
    object({ type: literal('exportedImage'), format: imageFormatSchema, bytes: imageBytesSchema }, { unknownKeys: 'strip' }),
    'the bytes are an image of the format (isImageOf)',
    (m) => (isImageOf(m.format, m.bytes) ? m : FAIL),
  ),
  /**
   * `format`: the request it answers (an SVG and a PNG asked for together can both fail). This project's pages always
   * send it; without it the host can place the failure only when one request is in flight.
   */
  object({ type: literal('exportImageFailed'), format: optional(imageFormatSchema), error: failureReasonSchema }),
]));

/** Any panel → host: the image bytes (PNG, or SVG as UTF-8), or why there are none. */
export type ExportedImageMessage = Infer<typeof exportedImageMessageSchema>;

/**
 * Returns the message if it is a well-formed exportedImage: a known format, a non-empty byte array of at most
 * MAX_EXPORTED_IMAGE_BYTES that is what it claims (PNG signature; valid UTF-8 with an <svg> root element and no
 * markup that could run script: svgCouldRunScript); or exportImageFailed with a known format (or none) and a one-line
 * error of at most 500 characters. Otherwise undefined.
 */
export const parseExportedImageMessage = /* @__PURE__ */ parser(exportedImageMessageSchema);
