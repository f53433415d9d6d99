// A message a webview view's page must receive exactly once (the Model view's "Duplicate with Changes…" prefill).
// A webview view that is not retained while hidden drops what is posted to it and, when shown again, reloads from
// its saved state; so the message waits until a page that has said `ready` is showing, and is then sent once.
// No vscode import: the host wires it to the view (src/sidebar/modelView.ts), tests drive it directly.

export class PageDelivery<T> {
  private pending: T | undefined;
  /** True between the page's `ready` and the moment it is hidden (its document discarded) or replaced. */
  private listening = false;

  constructor(private readonly send: (message: T) => void) {}

  /** Sends `message` now if a ready page is showing, otherwise when the next page says `ready`; a newer message replaces an unsent one. */
  offer(message: T, visible: boolean): void {
    this.pending = message;
    if (visible && this.listening) this.flush();
  }

  /** The page said `ready`: it listens now, so the waiting message (if any) goes to it. */
  pageReady(): void {
    this.listening = true;
    this.flush();
  }

  /** The view was hidden (a non-retained page is discarded) or a new page is loading. */
  pageGone(): void {
    this.listening = false;
  }

  private flush(): void {
    if (this.pending === undefined) return;
    const message = this.pending;
    this.pending = undefined;
    this.send(message);
  }
}
