// The kernels of the pinned products (wasmMatvec.ts), as WebAssembly function bodies assembled from their opcodes:
// g, the matrix-vector product on a pinned M; t, the transposition of a strip of W at a pin; p, the batched product
// of S streams on a packed M; and the module that holds them with wasmLstmSteps.ts's LSTM steps. What each computes,
// in which order it sums and why, is said above each body and in wasmMatvec.ts's header.
import { F32, FunctionBuilder, moduleBytes, op, simd, uleb, type Lanes } from './wasmAssembler';
import { lstmBackBody, lstmStepBody, rnnBackBody, rnnStepBody } from './wasmLstmSteps';

/** Rows of M per pass of the inner loop, and v128 sums per register block. */
export const ROWS = 4;
const BLOCK = 8;

/** The body of g(m, x, y, K, N): byte addresses m (K × N), x (K), y (N); K a multiple of ROWS, N of the lanes. */
function kernelBody(t: Lanes): number[] {
  const f = new FunctionBuilder(5);
  const [Mp, X, Y, K, N] = [0, 1, 2, 3, 4];
  const stride = f.i32(), strideRows = f.i32(), xEnd = f.i32(), nBytes = f.i32(), cb = f.i32(), xi = f.i32();
  const rows = Array.from({ length: ROWS }, () => f.i32()); // rows[r]: row k + r of M at the block's columns
  const acc = Array.from({ length: BLOCK }, () => f.v128());
  const xs = Array.from({ length: ROWS }, () => f.v128());
  const { emit, get, set, konst, simdOp } = f;
  const size = 1 << t.shift;

  /** One block of `width` v128 sums at output byte offset cb: acc_a = Σ_k x_k M[k, cb/size + a·lanes …]. */
  const block = (width: number): void => {
    for (let a = 0; a < width; a++) {
      emit(...t.zero);
      simdOp(t.splat);
      set(acc[a]);
    }
    // rows[0] = M + cb: row 0 of the block's columns
    get(Mp); get(cb); emit(op.i32Add); set(rows[0]);
    f.loop(xi, xEnd, ROWS * size, () => {
      // x_k … x_{k+ROWS−1} splat (xi = k·size); rows k … k+ROWS−1 of M
      for (let r = 0; r < ROWS; r++) {
        get(X); get(xi); emit(op.i32Add);
        simdOp(t.loadSplat, t.shift, ...uleb(r * size));
        set(xs[r]);
      }
      for (let r = 1; r < ROWS; r++) {
        get(rows[r - 1]); get(stride); emit(op.i32Add); set(rows[r]);
      }
      // acc_a += x_k M[k, ·] for k, k+1, … in turn: each sum adds in the order of k.
      for (let r = 0; r < ROWS; r++) {
        for (let a = 0; a < width; a++) {
          get(acc[a]);
          get(xs[r]);
          get(rows[r]);
          simdOp(simd.v128Load, 4, ...uleb(a * 16));
          simdOp(t.vMul);
          simdOp(t.vAdd);
          set(acc[a]);
        }
      }
      get(rows[0]); get(strideRows); emit(op.i32Add); set(rows[0]);
    });
    for (let a = 0; a < width; a++) {
      get(Y); get(cb); emit(op.i32Add);
      get(acc[a]);
      simdOp(simd.v128Store, 4, ...uleb(a * 16));
    }
  };

  // stride = N·size (bytes per row of M), strideRows = ROWS rows, xEnd = K·size, nBytes = N·size
  get(N); konst(t.shift); emit(op.i32Shl); set(stride);
  get(stride); konst(ROWS); emit(op.i32Mul); set(strideRows);
  get(K); konst(t.shift); emit(op.i32Shl); set(xEnd);
  get(stride); set(nBytes);
  konst(0); set(cb);
  // Whole blocks: while (cb + 8·16 ≤ nBytes) { block(8); cb += 8·16 }
  emit(op.block, 0x40, op.loop, 0x40);
  get(cb); konst(BLOCK * 16); emit(op.i32Add); get(nBytes); emit(op.i32GtU, op.brIf, 1);
  block(BLOCK);
  get(cb); konst(BLOCK * 16); emit(op.i32Add); set(cb);
  emit(op.br, 0, op.end, op.end);
  // The rest, one v128 at a time: while (cb < nBytes) { block(1); cb += 16 }
  emit(op.block, 0x40, op.loop, 0x40);
  get(cb); get(nBytes); emit(op.i32GeU, op.brIf, 1);
  block(1);
  get(cb); konst(16); emit(op.i32Add); set(cb);
  emit(op.br, 0, op.end, op.end);
  return f.encode();
}

/**
 * The body of t(s, d, R, C, N): d[k·N + r] = s[r·C + k] for r < R, k < C (byte addresses s, d): a strip of R rows of
 * W, copied in as it is, written transposed into M = Wᵀ (row stride N). Column k of the strip is read down its R
 * rows and written as one run of M's row k; the strip is short (16 rows) so its rows stay in the cache.
 */
function transposeBody(t: Lanes): number[] {
  const f = new FunctionBuilder(5);
  const [S, D, R, C, N] = [0, 1, 2, 3, 4];
  const rowBytes = f.i32(), dStride = f.i32(), rEnd = f.i32(), kb = f.i32(), rb = f.i32(), sp = f.i32(), dp = f.i32();
  const { emit, get, set, konst } = f;
  const size = 1 << t.shift;
  get(C); konst(t.shift); emit(op.i32Shl); set(rowBytes);
  get(N); konst(t.shift); emit(op.i32Shl); set(dStride);
  get(R); konst(t.shift); emit(op.i32Shl); set(rEnd);
  get(D); set(dp);
  f.loop(kb, rowBytes, size, () => {
    get(S); get(kb); emit(op.i32Add); set(sp);
    f.loop(rb, rEnd, size, () => {
      get(dp); get(rb); emit(op.i32Add);
      get(sp); emit(t.load, t.shift, 0);
      emit(t.store, t.shift, 0);
      get(sp); get(rowBytes); emit(op.i32Add); set(sp);
    });
    get(dp); get(dStride); emit(op.i32Add); set(dp);
  });
  return f.encode();
}

/** Panel width of the batched product: two v128 of outputs (8 float32). */
export const PANEL_BYTES = 32;

/**
 * The body of p(m, x, y, K, P, S): y[s, j] = Σ_{k<K} x[s, k] M[k, j] for S streams (S a multiple of 4) at once,
 * M packed as P panels of PANEL_BYTES columns, panel p a contiguous K × (two v128) block (pinLstmSteps packs W_hhᵀ so).
 * x is S rows of K, y S rows of P panels. A register block of 4 streams × 2 v128 sums runs down one panel: per k, the
 * panel's two v128 and the 4 streams' x_k (splat) are loaded once for 8 multiply-adds. The panel (K·32 bytes) stays
 * in the cache while every block of streams runs down it. Each output is summed as g sums it (0 + x_0 M_0j, then
 * + x_1 M_1j, …, each product rounded then added), so a stream's outputs are bit-identical to g's.
 */
function batchBody(t: Lanes): number[] {
  const f = new FunctionBuilder(6);
  const [Mp, X, Y, K, P, S] = [0, 1, 2, 3, 4, 5];
  const kb = f.i32(), yRow = f.i32(), panel = f.i32(), pi = f.i32(), si = f.i32(), kk = f.i32(), mk = f.i32(), yAt = f.i32();
  const xr = [f.i32(), f.i32(), f.i32(), f.i32()];
  const acc = Array.from({ length: 8 }, () => f.v128());
  const m0 = f.v128(), m1 = f.v128(), xs = f.v128();
  const { emit, get, set, konst, simdOp } = f;
  // kb = K·size (bytes of an x row), yRow = P·32 (bytes of a y row), panel = K·32 (bytes of a panel)
  get(K); konst(t.shift); emit(op.i32Shl); set(kb);
  get(P); konst(5); emit(op.i32Shl); set(yRow);
  get(K); konst(5); emit(op.i32Shl); set(panel);
  f.loop(pi, P, 1, () => {
    f.loop(si, S, 4, () => {
      // x_r = X + (si + r)·kb
      get(X); get(si); get(kb); emit(op.i32Mul, op.i32Add); set(xr[0]);
      for (let r = 1; r < 4; r++) {
        get(xr[r - 1]); get(kb); emit(op.i32Add); set(xr[r]);
      }
      for (const a of acc) {
        emit(...t.zero);
        simdOp(t.splat);
        set(a);
      }
      // mk = Mp + pi·panel: row k of the panel at mk + k·32
      get(Mp); get(pi); get(panel); emit(op.i32Mul, op.i32Add); set(mk);
      f.loop(kk, kb, 1 << t.shift, () => {
        get(mk); simdOp(simd.v128Load, 4, 0); set(m0);
        get(mk); simdOp(simd.v128Load, 4, 16); set(m1);
        for (let r = 0; r < 4; r++) {
          get(xr[r]); get(kk); emit(op.i32Add);
          simdOp(t.loadSplat, t.shift, 0);
          set(xs);
          for (const [a, m] of [[acc[2 * r], m0], [acc[2 * r + 1], m1]]) {
            get(a); get(xs); get(m); simdOp(t.vMul); simdOp(t.vAdd); set(a);
          }
        }
        get(mk); konst(PANEL_BYTES); emit(op.i32Add); set(mk);
      });
      // y rows si … si + 3 at panel pi
      get(Y); get(si); get(yRow); emit(op.i32Mul, op.i32Add); get(pi); konst(5); emit(op.i32Shl, op.i32Add); set(yAt);
      for (let r = 0; r < 4; r++) {
        for (let h = 0; h < 2; h++) {
          get(yAt); get(acc[2 * r + h]);
          simdOp(simd.v128Store, 4, ...uleb(16 * h));
        }
        if (r < 3) {
          get(yAt); get(yRow); emit(op.i32Add); set(yAt);
        }
      }
    });
  });
  return f.encode();
}

/** The module of the kernels for one element type: g, the product, and t, the transposition of a pin; float32 also l, the LSTM step. */
export function matvecModuleBytes(t: Lanes): Uint8Array {
  return moduleBytes([
    { name: 'g', params: 5, body: kernelBody(t) }, { name: 't', params: 5, body: transposeBody(t) },
    ...(t === F32 ? [
      { name: 'l', params: 9, body: lstmStepBody() }, { name: 'b', params: 11, body: lstmBackBody() },
      { name: 'p', params: 6, body: batchBody(t) },
      { name: 'r', params: 7, body: rnnStepBody(false) }, { name: 'u', params: 7, body: rnnStepBody(true) },
      { name: 'rb', params: 8, body: rnnBackBody(false) }, { name: 'ub', params: 8, body: rnnBackBody(true) },
    ] : []),
  ]);
}
