// Small DOM helpers every panel uses: adopt the panel's own stylesheet (bundled as text; constructable sheets are
// allowed by the strict CSP) and build elements, plain or of the toolkit, whose content is always text, never HTML.

export function adoptStyles(css: string): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A toolkit element (registered by registerToolkit) with text content only. */
export function toolkitElement(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement & { value: string } {
  const e = document.createElement(tag) as unknown as HTMLElement & { value: string };
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
