// Pure (no vscode): the trace a Gates / Unrolled / Gradient Flow page shows, as the host knows it, for "Export Trace as
// CSV…/JSON…". The export must be what the page draws, never an older trace: it is forgotten when the panel follows
// another run, when a trace fails (the page says "No trace: …"), and a revived panel starts without one (its page
// redraws a trace from its saved state that the host never had). Unit-tested in test/host/shownTrace.test.ts.

/** Why there is no trace to export: the run is gone, its last trace failed, or the first answer is on its way. */
export type MissingTrace = { reason: 'runGone' } | { reason: 'failed'; error: string } | { reason: 'refreshing' };

export class ShownTrace<V> {
  private view: V | undefined;
  private error: string | undefined;

  /** The page now draws `view`. */
  drawn(view: V): V {
    this.view = view;
    this.error = undefined;
    return view;
  }

  /** The page was told the trace failed. */
  failed(error: string): void {
    this.view = undefined;
    this.error = error;
  }

  /** The panel follows another run: what the page still draws is the previous run's until the next answer. */
  forget(): void {
    this.view = undefined;
    this.error = undefined;
  }

  /** The trace to export, or why there is none (`runAlive`: the panel's run is still in this window). */
  exportable(runAlive: boolean): { view: V } | MissingTrace {
    if (this.view !== undefined) return { view: this.view };
    if (!runAlive) return { reason: 'runGone' };
    return this.error !== undefined ? { reason: 'failed', error: this.error } : { reason: 'refreshing' };
  }
}
