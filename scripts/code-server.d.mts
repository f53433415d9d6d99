// Types for scripts/code-server.mjs (used from the TypeScript e2e tests).
export const CODE_SERVER_VERSION: string;
export const REPO_ROOT: string;
export const TOOLS_DIR: string;
export const CODE_SERVER_PREFIX: string;
export const CODE_SERVER_BIN: string;
export function installedCodeServerVersion(): string | undefined;
/** Installs code-server into .tools/code-server/ when missing; returns the path of its executable. */
export function ensureCodeServer(options?: { quiet?: boolean }): Promise<string>;
