// Workspace Trust: in Restricted Mode Sequence Lab still reads, analyses and trains on open documents (the worker
// only computes in memory), but it writes nothing into the workspace. Every such write asks requireTrust first.
import * as vscode from 'vscode';

export const MANAGE_TRUST = 'Manage Workspace Trust';

/** The one-line message shown when `action` is refused in Restricted Mode. */
export function untrustedMessage(action: string): string {
  return vscode.l10n.t('Sequence Lab: {0} writes into the workspace, which is not allowed in Restricted Mode. Trust this workspace to use it.', action);
}

/** True when the workspace is trusted; otherwise shows why `action` is refused, offering "Manage Workspace Trust". */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(untrustedMessage(action), MANAGE_TRUST).then((choice) => {
    if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
