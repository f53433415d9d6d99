export function l10nMessages(source: string): string[];
export function bundle(root?: string): Record<string, string>;
