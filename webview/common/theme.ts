// Colours and fonts for canvas drawing, read from the --vscode-* variables VS Code sets on the page, so charts
// follow light, dark and high-contrast themes. CSS-drawn parts use the variables directly in media/webview.css.

export interface ThemeColors {
  foreground: string;
  mutedForeground: string;
  gridLine: string;
  blue: string;
  orange: string;
  purple: string;
  red: string;
  fontFamily: string;
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

/** Reads the current theme's colours (with fallbacks for pages outside VS Code). */
export function readTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  const fontSize = Number.parseFloat(cssVar(style, '--vscode-font-size', '13'));
  return {
    foreground: cssVar(style, '--vscode-foreground', '#cccccc'),
    mutedForeground: cssVar(style, '--vscode-descriptionForeground', '#9d9d9d'),
    gridLine: cssVar(style, '--vscode-panel-border', 'rgba(128, 128, 128, 0.35)'),
    blue: cssVar(style, '--vscode-charts-blue', '#3794ff'),
    orange: cssVar(style, '--vscode-charts-orange', '#d18616'),
    purple: cssVar(style, '--vscode-charts-purple', '#b180d7'),
    red: cssVar(style, '--vscode-charts-red', '#f14c4c'),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
  };
}

/**
 * Calls `callback` when the theme changes: VS Code swaps the body's `vscode-light` / `vscode-dark` /
 * `vscode-high-contrast` class, and rewrites the variables in the <html> element's style between two themes of
 * the same kind. Returns a function that stops watching.
 */
export function onThemeChange(callback: () => void): () => void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
