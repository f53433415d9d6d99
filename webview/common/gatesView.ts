// A GatesView (a window of a trace: every gate's and state's values per step) as the Gates and Unrolled pages read and
// save it (pure, no DOM: tested in Node): one series' block of values, base64 for saving the values with setState,
// and the typed arrays again after setState.
import type { GatesView } from '../../src/shared/protocol/gatesPanel';

/** The T × H block of series s of layer k: block[t·H + j]. */
export function seriesBlock(view: GatesView, layer: number, s: number): Float32Array {
  const T = view.tokens.length;
  const H = view.hiddenSize;
  const at = (layer * view.series.length + s) * T * H;
  return view.values.subarray(at, at + T * H);
}

export function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Float32Array {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new Float32Array(bytes.buffer, 0, bytes.length >> 2);
}

/** A series run's outputs as typed arrays again (setState keeps a typed array as an object of its indices). */
export function typedOutputs(o: GatesView['outputs']): GatesView['outputs'] {
  if (o?.kind !== 'series') return o;
  const numbers = (a: unknown) => Float32Array.from(Object.values(a as Record<string, number>));
  return { ...o, predicted: numbers(o.predicted), actual: numbers(o.actual) };
}
