// C = A Bᵀ in float32 on the batched product of the matvec module (wasmMatvecKernels.ts's p): Bm's rows packed as
// the columns of panels of 8, each panel run down by blocks of 4 rows of A with 4 × 8 register sums. For the
// products whose panel (K·32 bytes) stays in the first-level cache — K ≤ PANEL_MAX_K — and that have many rows of A
// (M ≥ PANEL_MIN_ROWS, so that packing Bm, N·K strided reads, is a small part of the M·N·K multiply-adds): the head's
// O = Y W_headᵀ and the dense input projections over a whole chunk (T·B rows). batchedKernels.ts's gemmABt routes
// them here; the products with long sums (the weight gradients, K = T·B) keep wasmGemm.ts's kernel.
//
// Its own instance of the module, so its memory is never a pinned matrix's (wasmMatvec.ts pins in another instance).
// Each output is summed in the order of k, products rounded, no fused multiply-add (float32 throughout, as PyTorch's
// float32 products): within γ_K Σ_k |a_k b_k| of the exact sum (Higham §3.1), asserted by test/engine/wasmPanelGemm.test.ts.
import { F32, instantiateModule, type WasmApi } from './wasmAssembler';
import { matvecModuleBytes, PANEL_BYTES } from './wasmMatvecKernels';

/** The longest sum routed here: a panel of 512 × 8 float32 is 16 KiB. */
export const PANEL_MAX_K = 512;
/** The fewest rows of A routed here. */
export const PANEL_MIN_ROWS = 64;

/**
 * The most elements one call copies into the module (A, the packed Bm and C together: 256 MiB): a larger product is
 * declined (the call returns false) and gemmABt runs it in its other kernel, which works in place of its rows.
 */
export const PANEL_MAX_ELEMENTS = 64 * 1024 * 1024;

type Batch = (m: number, x: number, y: number, k: number, p: number, s: number) => void;

/** C = A Bmᵀ as gemmABt (see there); false when it declined the product (PANEL_MAX_ELEMENTS, or no memory). */
export type PanelGemm = (
  C: Float32Array, cOff: number, A: Float32Array, aOff: number, M: number, Bm: Float32Array, bOff: number, N: number, K: number, accumulate: boolean,
) => boolean;

/** The kernel, or null where WebAssembly SIMD is unavailable (`api`: see instantiateModule). */
export function createPanelGemm(api?: WasmApi, maxElements = PANEL_MAX_ELEMENTS): PanelGemm | null {
  const wasm = instantiateModule<unknown>(matvecModuleBytes(F32), ...(api ? [api] : []));
  const p = wasm?.exports.p as Batch | undefined;
  if (!wasm || !p) return null;
  const memory = wasm.memory;
  let heap = new Float32Array(memory.buffer);
  const lanes2 = PANEL_BYTES >> 2;
  return (C, cOff, A, aOff, M, Bm, bOff, N, K, accumulate) => {
    const N2 = Math.ceil(N / lanes2) * lanes2;
    const M4 = Math.ceil(M / 4) * 4;
    const xAt = N2 * K;
    const yAt = xAt + M4 * K;
    const need = yAt + M4 * N2;
    if (need > maxElements) return false;
    if (need > heap.length) {
      try {
        memory.grow(Math.ceil((need * 4 - memory.buffer.byteLength) / 65536));
      } catch {
        return false; // the runtime would not give the memory
      }
      heap = new Float32Array(memory.buffer);
    }
    const h = heap;
    // Panel p holds columns 8p … 8p + 7 of Bmᵀ: row k of the panel is Bm[8p + c, k], c < 8 (zero past N).
    if (N2 > N) h.fill(0, (N2 - lanes2) * K, xAt);
    for (let j = 0; j < N; j++) {
      const base = Math.floor(j / lanes2) * K * lanes2 + (j % lanes2);
      const row = bOff + j * K;
      for (let k = 0; k < K; k++) h[base + k * lanes2] = Bm[row + k];
    }
    h.set(A.subarray(aOff, aOff + M * K), xAt);
    h.fill(0, xAt + M * K, xAt + M4 * K);
    p(0, xAt << 2, yAt << 2, K, N2 / lanes2, M4);
    for (let r = 0; r < M; r++) {
      const from = yAt + r * N2;
      const to = cOff + r * N;
      if (accumulate) for (let j = 0; j < N; j++) C[to + j] += h[from + j];
      else if (N === N2) C.set(h.subarray(from, from + N), to);
      else for (let j = 0; j < N; j++) C[to + j] = h[from + j];
    }
    return true;
  };
}

export const wasmPanelGemm32 = createPanelGemm();
