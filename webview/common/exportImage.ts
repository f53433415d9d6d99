// "Export as PNG…/SVG…" for every panel: the host posts {type:'exportImage', format}; this module turns what the panel
// shows into a standalone image and posts the bytes back ({type:'exportedImage', format, bytes}, or
// {type:'exportImageFailed', format, error} naming the request it answers). The host validates
// them, asks where to save and writes the file: the page never names a path.
//
// SVG: one <foreignObject> holding a copy of the page in which every element carries its own computed style (so the
// theme's colours and fonts are baked in as plain values, no var(--vscode-*) left), every <canvas> (Chart.js) is an
// <img> of its pixels as a data: URL, and inline <svg> elements are copied with their resolved presentation styles.
// PNG: that SVG drawn on an offscreen canvas at max(2, devicePixelRatio) pixels per CSS pixel.
// The page's CSP already allows data: images (img-src … data:); nothing else is loaded.
import type { ExportedImageMessage, ImageFormat } from '../../src/shared/protocol/exportImage';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Inherited properties: written only where they differ from the parent's (the copy inherits the rest). */
const INHERITED = [
  'color', 'font-family', 'font-size', 'font-weight', 'font-style', 'font-variant-numeric', 'line-height',
  'letter-spacing', 'word-spacing', 'text-align', 'text-transform', 'text-indent', 'white-space', 'word-break',
  'overflow-wrap', 'visibility', 'border-collapse', 'border-spacing', 'tab-size', 'list-style-type',
  'list-style-position', 'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray',
  'stroke-linecap', 'stroke-linejoin', 'text-anchor', 'dominant-baseline', 'paint-order',
];

/** Non-inherited properties and their initial values: written only where they differ from these. */
const NOT_INHERITED: Record<string, string> = {
  display: 'inline', position: 'static', top: 'auto', right: 'auto', bottom: 'auto', left: 'auto', 'z-index': 'auto',
  float: 'none', clear: 'none', 'box-sizing': 'content-box', width: 'auto', height: 'auto', 'min-width': 'auto',
  'min-height': 'auto', 'max-width': 'none', 'max-height': 'none',
  'margin-top': '0px', 'margin-right': '0px', 'margin-bottom': '0px', 'margin-left': '0px',
  'padding-top': '0px', 'padding-right': '0px', 'padding-bottom': '0px', 'padding-left': '0px',
  'border-top-width': '0px', 'border-right-width': '0px', 'border-bottom-width': '0px', 'border-left-width': '0px',
  'border-top-style': 'none', 'border-right-style': 'none', 'border-bottom-style': 'none', 'border-left-style': 'none',
  'border-top-color': '', 'border-right-color': '', 'border-bottom-color': '', 'border-left-color': '',
  'border-top-left-radius': '0px', 'border-top-right-radius': '0px', 'border-bottom-left-radius': '0px',
  'border-bottom-right-radius': '0px', 'outline-style': 'none', 'outline-width': '0px', 'outline-color': '',
  'outline-offset': '0px', 'overflow-x': 'visible', 'overflow-y': 'visible', 'background-color': 'rgba(0, 0, 0, 0)',
  'background-image': 'none', opacity: '1', 'box-shadow': 'none', 'text-decoration-line': 'none',
  'text-decoration-color': '', 'text-decoration-style': 'solid', 'text-overflow': 'clip', 'vertical-align': 'baseline',
  'flex-direction': 'row', 'flex-wrap': 'nowrap', 'justify-content': 'normal', 'align-items': 'normal',
  'align-content': 'normal', 'align-self': 'auto', 'flex-grow': '0', 'flex-shrink': '1', 'flex-basis': 'auto',
  order: '0', 'row-gap': 'normal', 'column-gap': 'normal', 'grid-template-columns': 'none',
  'grid-template-rows': 'none', 'grid-column-start': 'auto', 'grid-column-end': 'auto', 'grid-row-start': 'auto',
  'grid-row-end': 'auto', 'grid-auto-flow': 'row', 'grid-auto-columns': 'auto', 'grid-auto-rows': 'auto',
  'table-layout': 'auto', transform: 'none', 'transform-origin': '', 'object-fit': 'fill', 'aspect-ratio': 'auto',
  'text-decoration-thickness': 'auto',
};

/** HTML elements copied as themselves (with every box property written): form controls, images, tables. */
const KEPT = new Set(['IMG', 'INPUT', 'SELECT', 'OPTION', 'BUTTON', 'TEXTAREA', 'TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TD', 'TH', 'COL', 'COLGROUP', 'CAPTION']);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'LINK', 'META', 'TEMPLATE', 'NOSCRIPT', 'TITLE']);

function styleOf(source: Element, parent: CSSStyleDeclaration | undefined, everything = false): string {
  const own = getComputedStyle(source);
  const parts: string[] = [];
  for (const name of INHERITED) {
    const value = own.getPropertyValue(name);
    if (value && (!parent || parent.getPropertyValue(name) !== value)) parts.push(`${name}:${value}`);
  }
  for (const [name, initial] of Object.entries(NOT_INHERITED)) {
    const value = own.getPropertyValue(name);
    // A border or outline colour matters only with a style; '' initial means "always write when it is drawn".
    if (!value || (value === initial && !everything)) continue;
    if (initial === '' && name.startsWith('border-') && own.getPropertyValue(name.replace('color', 'style')) === 'none') continue;
    if (initial === '' && name.startsWith('outline-') && own.getPropertyValue('outline-style') === 'none') continue;
    if (initial === '' && name === 'text-decoration-color' && own.getPropertyValue('text-decoration-line') === 'none') continue;
    if (initial === '' && name === 'transform-origin' && own.getPropertyValue('transform') === 'none') continue;
    parts.push(`${name}:${value}`);
  }
  return parts.join(';');
}

/** Text for XML content and double-quoted attributes; characters XML 1.0 forbids are dropped. */
function xml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function tagText(name: string, attributes: [string, string][], children: string | undefined): string {
  const attrs = attributes.map(([k, v]) => ` ${k}="${xml(v)}"`).join('');
  return children === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/**
 * `source` and its subtree as XML text, every element with its computed style inline (the copy is text, never DOM of
 * this page: a style attribute set on this page's elements would be refused by its CSP); '' when not drawn.
 */
function copyNode(source: Node, parent: CSSStyleDeclaration | undefined): string {
  if (source.nodeType === Node.TEXT_NODE) return xml(source.textContent ?? '');
  if (!(source instanceof Element) || SKIPPED.has(source.tagName.toUpperCase())) return '';
  const computed = getComputedStyle(source);
  if (computed.display === 'none') return '';
  const keep = KEPT.has(source.tagName.toUpperCase());
  const style = styleOf(source, parent, keep);
  const xmlns: [string, string][] = [];
  if (source instanceof HTMLCanvasElement) {
    // A chart: its pixels, at the canvas's own resolution, in the box the canvas takes on the page.
    return tagText('img', [['src', canvasDataUrl(source)], ['style', style]], undefined);
  }
  const isSvg = source instanceof SVGElement;
  if (isSvg && !(source.parentElement instanceof SVGElement)) xmlns.push(['xmlns', SVG_NS]);
  // Custom elements (the webview toolkit's) draw in a shadow root this copy cannot carry: a span/div with the host's
  // box and its light-DOM text keeps the layout and the label.
  const custom = !isSvg && source.tagName.includes('-');
  // Other HTML elements become spans and divs: the viewer's default styles (list padding, heading margins…) would
  // otherwise apply wherever the page's computed value equals the initial value, which this copy leaves out.
  const name = isSvg ? source.tagName : keep ? source.tagName.toLowerCase() : computed.display === 'inline' ? 'span' : 'div';
  const attributes: [string, string][] = [...xmlns];
  if (isSvg) {
    for (const attr of Array.from(source.attributes)) {
      if (!attr.name.startsWith('on') && !['class', 'style', 'xmlns'].includes(attr.name) && !attr.name.includes(':')) attributes.push([attr.name, attr.value]);
    }
  } else {
    for (const attr of ['colspan', 'rowspan', 'alt', 'src', 'type', 'checked', 'disabled', 'start']) {
      const value = source.getAttribute(attr);
      // Images: only what the page itself drew (data: URLs); anything else would be fetched by the viewer.
      if (value !== null && !(attr === 'src' && !value.startsWith('data:'))) attributes.push([attr, value]);
    }
    if (source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement) attributes.push(['value', source.value]);
    if (source instanceof HTMLOptionElement && source.selected) attributes.push(['selected', 'selected']);
  }
  if (style) attributes.push(['style', style]);
  if (custom && source.shadowRoot) {
    const label = ((source as HTMLElement).innerText ?? source.textContent ?? '').trim();
    return tagText(name, attributes, xml(label));
  }
  const children = Array.from(source.childNodes).map((child) => copyNode(child, computed)).join('');
  const empty = children === '' && !isSvg && VOID.has(name);
  return tagText(name, attributes, empty ? undefined : children);
}

const VOID = new Set(['img', 'br', 'hr', 'input', 'wbr', 'col']);

function canvasDataUrl(canvas: HTMLCanvasElement): string {
  try {
    return canvas.width > 0 && canvas.height > 0 ? canvas.toDataURL('image/png') : '';
  } catch {
    return '';
  }
}

/** The first opaque background from the body up, else the editor background of the theme. */
function pageBackground(): string {
  for (const e of [document.body, document.documentElement]) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
  }
  const editor = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim();
  return editor || '#ffffff';
}

export interface PanelSvg {
  svg: string;
  /** CSS pixels: the whole scrollable page, not only the part in view. */
  width: number;
  height: number;
}

/** The page as a standalone SVG document (UTF-8 text). */
export function panelAsSvg(): PanelSvg {
  const body = document.body;
  const width = Math.max(1, Math.ceil(Math.max(document.documentElement.scrollWidth, body.scrollWidth)));
  const height = Math.max(1, Math.ceil(Math.max(document.documentElement.scrollHeight, body.scrollHeight)));
  // The body becomes a div of the page's size, carrying the html element's inherited style too.
  const html = getComputedStyle(document.documentElement);
  const own = `${styleOf(document.documentElement, undefined)};${styleOf(body, html)}`;
  const inner = Array.from(body.childNodes).map((child) => copyNode(child, getComputedStyle(body))).join('');
  const page = tagText('div', [
    ['xmlns', XHTML_NS], ['style', `${own};margin:0;width:${width}px;min-height:${height}px;box-sizing:border-box`],
  ], inner);
  const svg = tagText('svg', [['xmlns', SVG_NS], ['width', String(width)], ['height', String(height)], ['viewBox', `0 0 ${width} ${height}`]], [
    tagText('title', [], xml(document.title)),
    tagText('rect', [['width', '100%'], ['height', '100%'], ['fill', pageBackground()]], undefined),
    tagText('foreignObject', [['x', '0'], ['y', '0'], ['width', String(width)], ['height', String(height)]], page),
  ].join(''));
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`, width, height };
}

/** Canvas limits of Chromium: at most 16384 pixels a side and 2^28 pixels in all. */
function rasterRatio(width: number, height: number): number {
  let ratio = Math.max(2, window.devicePixelRatio || 1);
  while (ratio > 1 && (width * ratio > 16384 || height * ratio > 16384 || width * height * ratio * ratio > 2 ** 28)) ratio /= 2;
  return ratio;
}

/** The page as PNG bytes, rasterised from panelAsSvg at max(2, devicePixelRatio) (less only for huge pages). */
export async function panelAsPng(): Promise<Uint8Array> {
  const { svg, width, height } = panelAsSvg();
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const ratio = rasterRatio(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas context');
  context.scale(ratio, ratio);
  context.drawImage(image, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the canvas gave no PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

export async function exportPanelImage(format: ImageFormat): Promise<ExportedImageMessage> {
  try {
    const bytes = format === 'svg' ? new TextEncoder().encode(panelAsSvg().svg) : await panelAsPng();
    return { type: 'exportedImage', format, bytes };
  } catch (error) {
    return { type: 'exportImageFailed', format, error: error instanceof Error ? error.message : String(error) };
  }
}

let installed = false;

/** Answers the host's exportImage requests on this page (once per page; vscodeApi.ts calls it). */
export function installImageExport(post: (message: ExportedImageMessage) => void): void {
  if (installed) return;
  installed = true;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data as { type?: unknown; format?: unknown } | null;
    if (m?.type !== 'exportImage' || (m.format !== 'png' && m.format !== 'svg')) return;
    // One line per answer; the host matches it to the request it made.
    void exportPanelImage(m.format).then(post);
  });
}
