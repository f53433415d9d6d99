// The one base of every Sequence Lab webview panel controller (Training, Gates, Unrolled, Gradient Flow, Gradient Lab,
// Compare Runs, HMM Fit, Trellis, Markov Orders, Tagger Comparison). What each controller used to repeat lives here:
//   - creating the panel in the column of the other Sequence Lab panels, with the strict-CSP page of its bundle
//     (webviewPanels.ts, panelHtml.ts) and "Export Panel as PNG…/SVG…" (panelExport.ts);
//   - the one message handler: every message the page sends is checked by the channel's validator first, and only a
//     message that passes reaches the controller's dispatcher (one function per `type`, src/shared/messages.ts);
//   - the open panels, one per key (one per window for most, one per kind for Gates/Unrolled), and the serializer
//     that revives a panel after a window reload, replacing any panel of its key;
//   - disposal: closing the tab or disposing the controller releases every listener, timer and worker registered
//     with `_register` once, newest first, then the panel; nothing is posted to a closed panel (its webview throws).
// The Model view is a WebviewView, not a panel: it uses the same page and message check (initWebview,
// receiveValidated) and the same Disposable.
import * as vscode from 'vscode';
import type { Tagged } from '../shared/messages';
import { Disposable, toDisposable, type IDisposable } from './disposable';
import { initPanel, panelColumn, panelOptions } from './webviewPanels';

/** What a controller tells the base about its panel. */
export interface PanelKind<In extends Tagged> {
  viewType: string;
  /** The page's bundle: webview/<bundle>/main.ts, built to dist/webview/<bundle>.js. */
  bundle: string;
  title: string;
  /** The channel's validator (src/shared/): the message when it is well-formed, undefined otherwise. */
  parse(raw: unknown): In | undefined;
}

/**
 * Checks every message `webview` receives with `parse` and hands only the valid ones to `handle` (a rejection of an
 * async handler is logged, never left unhandled); `refused` hears about the others (default: ignored).
 */
export function receiveValidated<In extends Tagged>(
  webview: Pick<vscode.Webview, 'onDidReceiveMessage'>,
  parse: (raw: unknown) => In | undefined,
  handle: (message: In) => void | Promise<void>,
  refused: (raw: unknown) => void = () => undefined,
): IDisposable {
  return webview.onDidReceiveMessage((raw: unknown) => {
    const message = parse(raw);
    if (!message) {
      refused(raw);
      return;
    }
    // Dispatched at once (a handler's synchronous effects happen before the next message); an async handler's
    // failure is logged instead of escaping as an unhandled rejection.
    const done = handle(message);
    if (done) done.catch((error: unknown) => console.error(error));
  });
}

/** A new panel of `kind`, as a tab of the group that holds Sequence Lab panels (beside the editor when none is open). */
export function createPanel(kind: Pick<PanelKind<Tagged>, 'viewType' | 'title'>, extensionUri: vscode.Uri, preserveFocus = true): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(kind.viewType, kind.title, { viewColumn: panelColumn(), preserveFocus }, panelOptions(extensionUri));
}

/** After a window reload VS Code hands back each panel of `viewType` with the state its page saved. */
export function registerPanelSerializer(viewType: string, revive: (panel: vscode.WebviewPanel, state: unknown) => void): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      revive(panel, state);
    },
  });
}

/**
 * A webview panel's controller. Subclasses give the panel kind, their dispatcher (`handle`) and what they post; they
 * register their own listeners and timers with `_register`.
 */
export abstract class PanelBase<In extends Tagged, Out> extends Disposable {
  /** Handles one message that passed the channel's validator (createDispatcher in the subclass). */
  protected abstract readonly handle: (message: In) => void | Promise<void>;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    kind: PanelKind<In>,
  ) {
    super();
    // Registered first, so released last: the listeners go before the panel they listen to.
    this._register(panel);
    initPanel(panel, extensionUri, kind.bundle, kind.title);
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(receiveValidated(panel.webview, (raw) => kind.parse(raw), (message) => this.handle(message), (raw) => this.refused(raw)));
  }

  /** A message the validator refused (not dispatched). Ignored unless a panel says more. */
  protected refused(_raw: unknown): void {}

  /** Runs `release` when this controller is disposed (the tab closed, or a revived panel replaced it). */
  whenDisposed(release: () => void): void {
    this._register(toDisposable(release));
  }

  /** Brings the panel to the front (without taking the focus unless asked). */
  revealPanel(preserveFocus = true): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /** Posts to the page; nothing once the panel is closed (a closed panel's webview throws). */
  protected post(message: Out): void {
    if (this.isDisposed) return;
    void this.panel.webview.postMessage(message);
  }
}

/** The key of a controller that has one panel per window. */
export const ONE_PER_WINDOW = '';

/**
 * The open panels of one controller class, one per key: `show` reveals the open one or creates it, `revive` puts the
 * panel VS Code restored after a reload in its place. A disposed panel leaves the map by itself.
 */
export interface OpenPanel extends IDisposable {
  revealPanel(preserveFocus?: boolean): void;
  whenDisposed(release: () => void): void;
}

export class OpenPanels<P extends OpenPanel> {
  private readonly byKey = new Map<string, P>();

  get(key: string = ONE_PER_WINDOW): P | undefined {
    return this.byKey.get(key);
  }

  values(): IterableIterator<P> {
    return this.byKey.values();
  }

  /** The open panel of `key`, revealed, or a new one from `create`; `created` says which. */
  show(key: string, create: () => P, preserveFocus = true): { panel: P; created: boolean } {
    const open = this.byKey.get(key);
    if (open) {
      open.revealPanel(preserveFocus);
      return { panel: open, created: false };
    }
    return { panel: this.add(key, create()), created: true };
  }

  /** A panel restored after a window reload: it replaces (and disposes) any open panel of `key`. */
  revive(key: string, create: () => P): P {
    this.byKey.get(key)?.dispose();
    return this.add(key, create());
  }

  private add(key: string, panel: P): P {
    this.byKey.set(key, panel);
    panel.whenDisposed(() => {
      if (this.byKey.get(key) === panel) this.byKey.delete(key);
    });
    return panel;
  }
}
