// Pieces several webview channels share: the run id a page may name, the seed bound, the `detached` notice.
import { integer, string } from './schema';

/** A stored run's id as a page may name it: a folder name of the run store, never a path. */
export const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const runIdSchema = /* @__PURE__ */ string({ min: 1, max: 64, pattern: RUN_ID });

/** Largest seed a panel may send. */
export const MAX_PANEL_SEED = 2 ** 31 - 1;
export const panelSeedSchema = /* @__PURE__ */ integer(0, MAX_PANEL_SEED);

/** The host no longer has what the page shows (e.g. after a window reload): the page keeps its drawing. */
export interface DetachedMessage {
  type: 'detached';
  message: string;
}
