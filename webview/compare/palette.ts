// One colour per compared run, from the theme's chart colours (--vscode-charts-*), so light, dark and high-contrast
// themes each get their own. Six hues; runs 7–12 reuse them dashed.

const HUES: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

export interface RunStyle {
  color: string;
  dashed: boolean;
}

/** The palette of the current theme (read again after a theme change). */
export function readPalette(): string[] {
  const style = getComputedStyle(document.body);
  return HUES.map(([name, fallback]) => style.getPropertyValue(name).trim() || fallback);
}

/** The colour and dash of run i. */
export function runStyle(palette: readonly string[], i: number): RunStyle {
  return { color: palette[i % palette.length], dashed: i >= palette.length };
}
