// C = A Bᵀ (gemmABt of batchedKernels.ts) as WebAssembly SIMD kernels: two f64 (four f32) lanes per instruction
// along k, a register block of 2 rows of A × 4 rows of B (eight f64x2 / f32x4 sums). The module is assembled here from its opcodes
// (no toolchain, no binary file) and needs WebAssembly SIMD (Node ≥ 16.4, every current browser); where it is
// missing, wasmGemmABt is null and the JavaScript kernel runs.
//
// Operands are copied into the module's memory per call: for the products it is used for (M ≥ 8 rows of A) the
// copies are a few per cent of the M·N·K multiply-adds. Shapes the kernel cannot take (M odd, N not a multiple of 4,
// K not a multiple of the lanes) are padded with zeros in the copies, which leaves every sum unchanged. Summation order: lane l sums the k ≡ l (mod lanes), then the
// lanes are added (0 + 1, then + 2, + 3): a fixed order, so results are reproducible, but not bit-identical to the
// JavaScript kernel. The float32 kernel sums in float32, as PyTorch's float32 matrix products do.

const I32 = 0x7f;
const op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f64Load: 0x2b, f64Store: 0x39, i32Const: 0x41, f64Const: 0x44,
  i32Eqz: 0x45, i32LtU: 0x49, i32Add: 0x6a, i32Mul: 0x6c, i32Shl: 0x74, f64Add: 0xa0,
  simd: 0xfd,
};
// SIMD sub-opcodes (after 0xfd, as unsigned LEB128).
interface Lanes {
  /** log2 of the element size in bytes, lanes per v128, and the opcodes of this element type. */
  shift: number; lanes: number; zero: number[]; load: number; store: number; add: number;
  splat: number; extract: number; vAdd: number; vMul: number; valueType: number;
}
const F64: Lanes = { shift: 3, lanes: 2, zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0], load: 0x2b, store: 0x39, add: 0xa0, splat: 0x14, extract: 0x21, vAdd: 0xf0, vMul: 0xf2, valueType: 0x7c };
const F32: Lanes = { shift: 2, lanes: 4, zero: [0x43, 0, 0, 0, 0], load: 0x2a, store: 0x38, add: 0x92, splat: 0x13, extract: 0x1f, vAdd: 0xe4, vMul: 0xe6, valueType: 0x7d };
const V128_LOAD = 0x00;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** The body of g(c, a, m, b, n, k, acc): byte addresses c, a, b; sizes m (even), n (multiple of 4), k (even). */
function kernelBody(t: Lanes): number[] {
  // Parameters 0…6; locals after them.
  const [C, A, M, B, N, K, ACC] = [0, 1, 2, 3, 4, 5, 6];
  let next = 7;
  const i32 = (): number => next++;
  const K8 = i32(), mi = i32(), ni = i32(), kk = i32(), a0 = i32(), a1 = i32(), c0 = i32(), c1 = i32();
  const b0 = i32(), b1 = i32(), b2 = i32(), b3 = i32();
  const firstV128 = next;
  const s = Array.from({ length: 8 }, () => next++); // s[r·4 + j]: row r of A, row j of B
  const x0 = next++, x1 = next++;
  const v128Count = next - firstV128;
  const i32Count = firstV128 - 7;

  const code: number[] = [];
  const emit = (...bytes: number[]): void => void code.push(...bytes);
  const get = (l: number): void => emit(op.localGet, ...uleb(l));
  const set = (l: number): void => emit(op.localSet, ...uleb(l));
  const konst = (v: number): void => emit(op.i32Const, ...sleb(v));
  const simdOp = (o: number, ...imm: number[]): void => emit(op.simd, ...uleb(o), ...imm);
  const load = (addr: number, off: number): void => {
    get(addr);
    get(kk);
    emit(op.i32Add);
    simdOp(V128_LOAD, t.shift, ...uleb(off)); // aligned to the element size
  };
  /** for (v = 0; v < limit; v += step) { body } with v, limit locals (limit > 0 assumed). */
  const loop = (v: number, limit: number, step: number, body: () => void): void => {
    konst(0);
    set(v);
    emit(op.block, 0x40, op.loop, 0x40);
    body();
    get(v);
    konst(step);
    emit(op.i32Add);
    emit(op.localTee, ...uleb(v));
    get(limit);
    emit(op.i32LtU, op.brIf, 0, op.end, op.end);
  };

  // K8 = K·element size (bytes per row of A and B)
  get(K);
  konst(t.shift);
  emit(op.i32Shl);
  set(K8);
  loop(mi, M, 2, () => {
    // a0 = A + mi·K8, a1 = a0 + K8, c0 = C + mi·N·8, c1 = c0 + N·8
    get(A); get(mi); get(K8); emit(op.i32Mul, op.i32Add); set(a0);
    get(a0); get(K8); emit(op.i32Add); set(a1);
    get(C); get(mi); get(N); emit(op.i32Mul); konst(t.shift); emit(op.i32Shl, op.i32Add); set(c0);
    get(c0); get(N); konst(t.shift); emit(op.i32Shl, op.i32Add); set(c1);
    loop(ni, N, 4, () => {
      get(B); get(ni); get(K8); emit(op.i32Mul, op.i32Add); set(b0);
      get(b0); get(K8); emit(op.i32Add); set(b1);
      get(b1); get(K8); emit(op.i32Add); set(b2);
      get(b2); get(K8); emit(op.i32Add); set(b3);
      for (const l of s) {
        emit(...t.zero);
        simdOp(t.splat);
        set(l);
      }
      loop(kk, K8, 16, () => {
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
          emit(0x05); // else
          emit(...t.zero);
          emit(op.end);
          emit(t.add);
          emit(t.store, t.shift, ...uleb(j * size));
        }
      }
    });
  });
  emit(op.end);
  const locals = [...uleb(2), ...uleb(i32Count), I32, ...uleb(v128Count), 0x7b];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

function moduleBytes(t: Lanes): Uint8Array {
  const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0]), // type: (i32 × 7) → ()
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0x00, 1]), // one memory, at least 1 page
    ...section(7, [2, ...name('m'), 0x02, 0, ...name('g'), 0x00, 0]), // export memory "m", function "g"
    ...section(10, [1, ...kernelBody(t)]),
  ]);
}

export type GemmABt<F extends Float64Array | Float32Array> = (
  C: F, cOff: number, A: F, aOff: number, M: number, Bm: F, bOff: number, N: number, K: number, accumulate: boolean,
) => void;

/** The part of the WebAssembly API used here (the engine's compiler settings include no DOM or wasm typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

function instantiate<F extends Float64Array | Float32Array>(t: Lanes, View: new (buffer: ArrayBuffer) => F): GemmABt<F> | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  let g: (c: number, a: number, m: number, b: number, n: number, k: number, acc: number) => void;
  let memory: WasmMemory;
  try {
    const instance = new wasm.Instance(new wasm.Module(moduleBytes(t)));
    g = instance.exports.g as typeof g;
    memory = instance.exports.m as WasmMemory;
  } catch {
    return null; // no WebAssembly SIMD here
  }
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
