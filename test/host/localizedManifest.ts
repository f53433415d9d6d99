// package.json as VS Code shows it: every %key% placeholder replaced by its English text from package.nls.json
// (scripts/localize-manifest.mjs moves the manifest's user-visible strings there). Tests that check titles or
// descriptions read the manifest through this, so they hold before and after the conversion.
import { existsSync, readFileSync } from 'node:fs';

export const PLACEHOLDER = /^%([^%\s]+)%$/;

export function readNls(): Record<string, string> {
  return existsSync('package.nls.json') ? (JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>) : {};
}

/** The manifest with its %key% strings resolved (a key missing from package.nls.json stays as it is). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readLocalizedManifest(): any {
  const nls = readNls();
  return JSON.parse(readFileSync('package.json', 'utf8'), (_key, value: unknown) => {
    const m = typeof value === 'string' ? PLACEHOLDER.exec(value) : null;
    return m && nls[m[1]] !== undefined ? nls[m[1]] : value;
  });
}
