// Coalescing helpers: many messages a frame → one redraw; many changes a second → one saved state.

/** Returns a function that schedules `draw` for the next animation frame; repeated calls before then are merged. */
export function coalesceToFrame(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}

/** Returns a function that runs `action` at most once per `ms`, always including the last call (trailing). */
export function throttle(action: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  return () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      action();
    }, wait);
  };
}
