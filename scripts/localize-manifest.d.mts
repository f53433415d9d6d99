export interface ManifestString {
  path: (string | number)[];
  key: string;
  value: string;
}
export function userVisibleStrings(manifest: unknown): ManifestString[];
export function literalStrings(manifest: unknown): ManifestString[];
export function localizeManifest(manifestText: string, nls: Record<string, string>): { text: string; nls: Record<string, string>; converted: number };
