// The one place that registers @vscode/webview-ui-toolkit components: swapping the toolkit (it is deprecated
// upstream) means changing this file. Register only what the panels use, so the bundles stay small.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextField } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Defines <vscode-button>, <vscode-text-field>, <vscode-dropdown>, <vscode-option> and <vscode-checkbox>. Call before creating any of them. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeTextField(), vsCodeDropdown(), vsCodeOption(), vsCodeCheckbox());
}
