// C = A Bᵀ (gemmABt of batchedKernels.ts) as WebAssembly SIMD kernels: two f64 (four f32) lanes per instruction
// along k, a register block of 2 rows of A × 4 rows of B (eight f64x2 / f32x4 sums). The module is assembled here from its opcodes
// (with the engine's one assembler, wasmAssembler.ts: no toolchain, no binary file) and needs WebAssembly SIMD (Node ≥ 16.4, every current browser); where it is
// missing, wasmGemmABt is null and the JavaScript kernel runs.
//
// Operands are copied into the module's memory per call: for the products it is used for (M ≥ 8 rows of A) the
// copies are a few per cent of the M·N·K multiply-adds. Shapes the kernel cannot take (M odd, N not a multiple of 4,
// K not a multiple of the lanes) are padded with zeros in the copies, which leaves every sum unchanged. Summation order: lane l sums the k ≡ l (mod lanes), then the
// lanes are added (0 + 1, then + 2, + 3): a fixed order, so results are reproducible, but not bit-identical to the
// JavaScript kernel. The float32 kernel sums in float32, as PyTorch's float32 matrix products do.

import { F32, F64, FunctionBuilder, instantiateModule, moduleBytes, op, simd, uleb, type Lanes } from './wasmAssembler';

/** The body of g(c, a, m, b, n, k, acc): byte addresses c, a, b; sizes m (even), n (multiple of 4), k (even). */
function kernelBody(t: Lanes): number[] {
  const f = new FunctionBuilder(7);
  const [C, A, M, B, N, K, ACC] = [0, 1, 2, 3, 4, 5, 6];
  const K8 = f.i32(), mi = f.i32(), ni = f.i32(), kk = f.i32(), a0 = f.i32(), a1 = f.i32(), c0 = f.i32(), c1 = f.i32();
  const b0 = f.i32(), b1 = f.i32(), b2 = f.i32(), b3 = f.i32();
  const s = Array.from({ length: 8 }, () => f.v128()); // s[r·4 + j]: row r of A, row j of B
  const x0 = f.v128(), x1 = f.v128();

  const { emit, get, set, konst, simdOp } = f;
  const load = (addr: number, off: number): void => {
    get(addr);
    get(kk);
    emit(op.i32Add);
    simdOp(simd.v128Load, t.shift, ...uleb(off)); // aligned to the element size
  };

  // K8 = K·element size (bytes per row of A and B)
  get(K);
  konst(t.shift);
  emit(op.i32Shl);
  set(K8);
  f.loop(mi, M, 2, () => {
    // a0 = A + mi·K8, a1 = a0 + K8, c0 = C + mi·N·8, c1 = c0 + N·8
    get(A); get(mi); get(K8); emit(op.i32Mul, op.i32Add); set(a0);
    get(a0); get(K8); emit(op.i32Add); set(a1);
    get(C); get(mi); get(N); emit(op.i32Mul); konst(t.shift); emit(op.i32Shl, op.i32Add); set(c0);
    get(c0); get(N); konst(t.shift); emit(op.i32Shl, op.i32Add); set(c1);
    f.loop(ni, N, 4, () => {
      get(B); get(ni); get(K8); emit(op.i32Mul, op.i32Add); set(b0);
      get(b0); get(K8); emit(op.i32Add); set(b1);
      get(b1); get(K8); emit(op.i32Add); set(b2);
      get(b2); get(K8); emit(op.i32Add); set(b3);
      for (const l of s) {
        emit(...t.zero);
        simdOp(t.splat);
        set(l);
      }
      f.loop(kk, K8, 16, () => {
        load(a0, 0); set(x0);
        load(a1, 0); set(x1);
        [b0, b1, b2, b3].forEach((row, j) => {
          for (const [r, x] of [[0, x0], [1, x1]]) {
            const acc = s[r * 4 + j];
            get(acc);
            get(x);
            load(row, 0);
            simdOp(t.vMul);
            simdOp(t.vAdd);
            set(acc);
          }
        });
      });
      // C[c_r + (ni + j)·8] = (acc ? C : 0) + (lane 0 + lane 1)
      for (let r = 0; r < 2; r++) {
        for (let j = 0; j < 4; j++) {
          const base = r === 0 ? c0 : c1;
          // address
          const size = 1 << t.shift;
          get(base); get(ni); konst(t.shift); emit(op.i32Shl, op.i32Add);
          get(s[r * 4 + j]); simdOp(t.extract, 0);
          for (let lane = 1; lane < t.lanes; lane++) {
            get(s[r * 4 + j]); simdOp(t.extract, lane);
            emit(t.add);
          }
          // + (acc ? old C : 0)
          get(ACC);
          emit(op.if, t.valueType);
          get(base); get(ni); konst(t.shift); emit(op.i32Shl, op.i32Add);
          emit(t.load, t.shift, ...uleb(j * size));
          emit(op.else);
          emit(...t.zero);
          emit(op.end);
          emit(t.add);
          emit(t.store, t.shift, ...uleb(j * size));
        }
      }
    });
  });
  return f.encode();
}

/** The module of the kernel for one element type. */
export function gemmModuleBytes(t: Lanes): Uint8Array {
  return moduleBytes(7, kernelBody(t));
}

export type GemmABt<F extends Float64Array | Float32Array> = (
  C: F, cOff: number, A: F, aOff: number, M: number, Bm: F, bOff: number, N: number, K: number, accumulate: boolean,
) => void;

function instantiate<F extends Float64Array | Float32Array>(t: Lanes, View: new (buffer: ArrayBuffer) => F): GemmABt<F> | null {
  const wasm = instantiateModule<(c: number, a: number, m: number, b: number, n: number, k: number, acc: number) => void>(gemmModuleBytes(t));
  if (wasm === null) return null; // no WebAssembly SIMD here
  const { g, memory } = wasm;
  let heap = new View(memory.buffer);
  /** Copies rows × cols of src (row-major from off) into the heap at `at` as rows2 × cols2, zero-padded. */
  const copyIn = (src: F, off: number, rows: number, cols: number, at: number, rows2: number, cols2: number): void => {
    if (cols === cols2) heap.set(src.subarray(off, off + rows * cols), at);
    else for (let r = 0; r < rows; r++) heap.set(src.subarray(off + r * cols, off + (r + 1) * cols), at + r * cols2);
    if (cols !== cols2 || rows !== rows2) {
      for (let r = 0; r < rows; r++) heap.fill(0, at + r * cols2 + cols, at + (r + 1) * cols2);
      heap.fill(0, at + rows * cols2, at + rows2 * cols2);
    }
  };
  return (C, cOff, A, aOff, M, Bm, bOff, N, K, accumulate) => {
    const M2 = M + (M & 1);
    const N2 = (N + 3) & ~3;
    const K2 = Math.ceil(K / t.lanes) * t.lanes;
    const aLen = M2 * K2;
    const bLen = N2 * K2;
    const cAt = aLen + bLen;
    const need = cAt + M2 * N2;
    if (need > heap.length) {
      memory.grow(Math.ceil(((need << t.shift) - memory.buffer.byteLength) / 65536));
      heap = new View(memory.buffer);
    }
    copyIn(A, aOff, M, K, 0, M2, K2);
    copyIn(Bm, bOff, N, K, aLen, N2, K2);
    if (accumulate) copyIn(C, cOff, M, N, cAt, M2, N2);
    g(cAt << t.shift, 0, M2, aLen << t.shift, N2, K2, accumulate ? 1 : 0);
    if (N === N2) C.set(heap.subarray(cAt, cAt + M * N), cOff);
    else for (let r = 0; r < M; r++) C.set(heap.subarray(cAt + r * N2, cAt + r * N2 + N), cOff + r * N);
  };
}

/** The SIMD kernels (any shape; C = A Bᵀ as gemmABt), or null where WebAssembly SIMD is unavailable. */
export const wasmGemmABt64 = instantiate<Float64Array>(F64, Float64Array);
export const wasmGemmABt32 = instantiate<Float32Array>(F32, Float32Array);
