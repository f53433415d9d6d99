// Types for scripts/vscode-harness.mjs (used from the TypeScript e2e tests).
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';

export { ensureCodeServer, REPO_ROOT } from './code-server.mjs';

export const CHROMIUM: string;
export const USER_SETTINGS: Record<string, unknown>;
export function seconds(start: number): string;

export function readManifest(root?: string): { name: string; publisher: string; version: string; [key: string]: unknown };
export function buildExtension(options?: { root?: string; production?: boolean }): void;
export const VSIX_SOURCES: string[];
export function freshVsix(root?: string): string | undefined;
export function packageVsix(options?: { root?: string; reuseFresh?: boolean; build?: boolean }): string;

export function freePort(options?: { preferred?: number; host?: string; tries?: number }): Promise<number>;

export interface ProfileDirs {
  root: string;
  /** True for a scratch profile that stop() deletes. */
  scratch: boolean;
  userDataDir: string;
  extensionsDir: string;
  xdgConfigHome: string;
  xdgDataHome: string;
}
export function makeProfile(options?: { root?: string; userDataDir?: string; extensionsDir?: string; settings?: Record<string, unknown> }): ProfileDirs;
export function installVsix(vsixPath: string, dirs: ProfileDirs): Promise<string>;
export function installVsixCached(vsixPath: string, dirs: ProfileDirs): Promise<void>;
export function listExtensions(dirs: ProfileDirs): Promise<string[]>;

export type Payload = [string, string][];
export interface CodeServer {
  url: string;
  port: number;
  host: string;
  dirs: ProfileDirs;
  pid: number;
  logPath: string;
  log(): string;
  exited: Promise<number | string | null>;
  folderUrl(folder: string, payload?: Payload): string;
  stop(): Promise<void>;
}
export function startCodeServer(options?: {
  workspace?: string;
  port?: number;
  host?: string;
  dirs?: ProfileDirs;
  extensionsDir?: string;
  userDataDir?: string;
  logFile?: string;
  healthTimeoutMs?: number;
  /** Workspace Trust as a user has it (else code-server runs with --disable-workspace-trust). */
  workspaceTrust?: boolean;
}): Promise<CodeServer>;
export function workbenchUrl(url: string, folder: string, payload?: Payload): string;
export function extensionTestPayload(url: string, paths: { extensionDevelopmentPath: string; extensionTestsPath: string }): Payload;

export interface BrowserSession {
  context: BrowserContext;
  page: Page & { consoleLines: string[] };
  close(): Promise<void>;
}
export function launchBrowser(options?: { headless?: boolean; viewport?: { width: number; height: number } }): Promise<BrowserSession>;
export function openWorkbench(page: Page, url: string, folder?: string, options?: { payload?: Payload; timeout?: number }): Promise<string>;
export function runCommand(page: Page, title: string, options?: { timeout?: number }): Promise<void>;
export function openFile(page: Page, relPath: string, options?: { timeout?: number }): Promise<void>;
export function webviewFrame(page: Page, options?: { selector?: string; timeout?: number }): Promise<FrameLocator>;
export function notifications(page: Page): Promise<string[]>;
export function dialogs(page: Page): Promise<string[]>;
/** Answers the simple open/save file dialog with `file`, once the box holds it (the dialog fills its folder in late). */
export function answerFileDialog(page: Page, file: string, options?: { timeout?: number }): Promise<void>;
/** Ctrl+G, the line typed once the box is open, Enter once it holds it; resolves when the box has closed. */
export function goToLine(page: Page, line: number, options?: { timeout?: number }): Promise<void>;
export function chooseFromContextMenu(page: Page, target: Locator, label: string, options?: { timeout?: number }): Promise<void>;
export function webviewCspViolations(page: Page, selector: string): Promise<string[] | null | undefined>;

/** The first number shown in `selector` of a webview frame, or NaN while it shows none. */
export function numberIn(frame: FrameLocator, selector: string): Promise<number>;
/** Accepts a quick input's prefilled value once the one titled with `titlePart` shows, and waits for it to go. */
export function acceptDefault(page: Page, titlePart: string): Promise<void>;
/** User settings that run Sequence Lab only in code-server's web worker extension host (its browser entry). */
export const WEB_WORKER_SETTINGS: Readonly<Record<string, unknown>>;
/** Waits until the Training panel in `frame` shows a loss below `below` × its first loss; returns the two. */
export function waitForLossToFall(page: Page, frame: FrameLocator, options?: { timeout?: number; below?: number }): Promise<{ first: number; loss: number }>;
