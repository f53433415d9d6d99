// The float32 LSTM's steps as WebAssembly f32x4 kernels, functions of the matvec module (wasmMatvec.ts: pinLstmStep
// and pinLstmBackStep run them on the product's input and output in its memory). Forward, (L1)–(L2) of
// cells/cellEquations.ts after Q_t = W_hh h_{t−1}: the 4H σ and tanh that cost as much as the product in JavaScript.
// Backward, (L3)–(L5) before ∂L/∂h_{t−1} = W_hhᵀ δa_t. Float32 only: the float64 chain keeps its JavaScript steps.
import { F32, FunctionBuilder, op, simd } from './wasmAssembler';

/** f32x4 opcodes of the LSTM step (after 0xfd), beyond the product's add and mul. */
const v = {
  i32x4Splat: 0x11, and: 0x4e, or: 0x50, xor: 0x51, nearest: 0x6a, i32x4Shl: 0xab, i32x4Add: 0xae,
  gt: 0x44, abs: 0xe0, sub: 0xe5, div: 0xe7, min: 0xe8, max: 0xe9, pmax: 0xeb, truncSat: 0xf8,
};

/** f32 bytes of a constant (little-endian), for f32.const. */
function f32Bytes(x: number): number[] {
  return Array.from(new Uint8Array(Float32Array.of(x).buffer));
}

/** local = value in every f32 lane. */
function splatF32(f: FunctionBuilder, local: number, value: number): void {
  f.emit(0x43, ...f32Bytes(value));
  f.simdOp(F32.splat);
  f.set(local);
}

/** Pushes base + offset (two i32 locals): the address of a step body's current element. */
function addressOf(f: FunctionBuilder, base: number, offset: number): void {
  f.get(base);
  f.get(offset);
  f.emit(op.i32Add);
}

/**
 * The float32 σ and tanh of the steps (see lstmStepBody for the method and its accuracy): allocates their constants
 * and scratch as v128 locals of f (so f's i32 locals must all be allocated before), sets the constants, and returns
 * x, the local they read, and sigmoidOf(out) / tanhOf(out), which write σ(x) / tanh(x) into the local out.
 */
function nonlinearities(f: FunctionBuilder): { x: number; sigmoidOf: (out: number) => void; tanhOf: (out: number) => void } {
  const k = {
    lo: f.v128(), hi: f.v128(), log2e: f.v128(), c1: f.v128(), c2: f.v128(), one: f.v128(), two: f.v128(),
    p: Array.from({ length: 6 }, () => f.v128()), bias: f.v128(), sign: f.v128(),
  };
  const y = f.v128(), n = f.v128(), r = f.v128(), pm = f.v128(), s2 = f.v128(), x = f.v128();
  const { emit, get, set, konst, simdOp } = f;
  const splat = (local: number, value: number): void => {
    emit(0x43, ...f32Bytes(value));
    simdOp(F32.splat);
    set(local);
  };
  splat(k.lo, -87); splat(k.hi, 88); splat(k.log2e, Math.LOG2E); splat(k.c1, 0.693359375); splat(k.c2, -2.12194440e-4);
  splat(k.one, 1); splat(k.two, 2);
  [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1].forEach((c, i) => splat(k.p[i], c));
  konst(127); simdOp(v.i32x4Splat); set(k.bias);
  konst(-0x80000000); simdOp(v.i32x4Splat); set(k.sign);
  /** −(top of the stack), exactly: its sign bit flipped. */
  const negate = (): void => {
    get(k.sign);
    simdOp(v.xor);
  };
  /** From y: pm = e^r − 1 and s2 = 2ⁿ (see above). */
  const expParts = (): void => {
    get(y); get(k.hi); simdOp(v.min); get(k.lo); simdOp(v.max); set(y);
    get(y); get(k.log2e); simdOp(F32.vMul); simdOp(v.nearest); set(n);
    get(y); get(n); get(k.c1); simdOp(F32.vMul); simdOp(v.sub); get(n); get(k.c2); simdOp(F32.vMul); simdOp(v.sub); set(r);
    get(k.p[0]);
    for (let i = 1; i < 6; i++) {
      get(r); simdOp(F32.vMul); get(k.p[i]); simdOp(F32.vAdd);
    }
    get(r); simdOp(F32.vMul); get(r); simdOp(F32.vMul); get(r); simdOp(F32.vAdd); set(pm);
    get(n); simdOp(v.truncSat); get(k.bias); simdOp(v.i32x4Add); konst(23); simdOp(v.i32x4Shl); set(s2);
  };
  /** out = σ(x) = 1 / (1 + e^{−x}), e^{−x} = 2ⁿ + 2ⁿ·pm. */
  const sigmoidOf = (out: number): void => {
    get(x); negate(); set(y);
    expParts();
    get(k.one);
    get(k.one); get(s2); get(pm); simdOp(F32.vMul); get(s2); simdOp(F32.vAdd); simdOp(F32.vAdd);
    simdOp(v.div); set(out);
  };
  /** out = tanh(x) = sign(x) · (−m) / (2 + m),  m = e^{−2|x|} − 1 = 2ⁿ·pm + (2ⁿ − 1). */
  const tanhOf = (out: number): void => {
    get(x); simdOp(v.abs); get(k.two); simdOp(F32.vMul); negate(); set(y);
    expParts();
    get(s2); get(pm); simdOp(F32.vMul); get(s2); get(k.one); simdOp(v.sub); simdOp(F32.vAdd); set(pm);
    get(pm); negate(); get(k.two); get(pm); simdOp(F32.vAdd); simdOp(v.div);
    get(x); get(k.sign); simdOp(v.and); simdOp(v.or); set(out);
  };
  return { x, sigmoidOf, tanhOf };
}

/**
 * The body of l(Bias, A, Q, C, Z, TC, Ht, Hb, S): one float32 LSTM step of S streams, cellEquations.ts (L1)–(L2),
 * with the gates' σ and tanh in f32x4 arithmetic. Byte addresses, each of S rows (stream s at row s), Hb = H·4 bytes,
 * H a multiple of 4:
 *   Bias  b_hh (4H, one row for every stream)     Q   the product W_hh h_{t−1} (4H a row)
 *   A     P_t in, a = P_t + Q_t + b_hh out (4H)     C   c_{t−1} in, c_t out (H)
 *   Z     [i f g o] out (4H)                        TC  tanh(c_t) out (H)          Ht  h_t out (H) The exponential, as Cephes' expf (Moshier): for y clamped to [−87, 88],
 *   n = round(y / ln 2),  r = (y − n·C1) − n·C2  (C1 + C2 = ln 2, C1 exact in few bits: r is exact),
 *   e^r − 1 = r + r²·p(r)  (p its degree-5 minimax polynomial, |r| ≤ ln 2 / 2),  2ⁿ from the exponent bits,
 *   e^y = 2ⁿ + 2ⁿ (e^r − 1),   e^y − 1 = 2ⁿ (e^r − 1) + (2ⁿ − 1)   (2ⁿ − 1 exact: no cancellation near y = 0)
 * and then σ(a) = 1 / (1 + e^{−a}),  tanh(x) = sign(x) · (−m) / (2 + m) with m = e^{−2|x|} − 1 ∈ (−1, 0], which
 * keeps tanh's relative accuracy at small |x| where 1 − 2/(e^{2x} + 1) would lose it. Each is within a few float32
 * ulps of the exact value (test/engine/wasmMatvec.test.ts sweeps them); past the clamp σ(a) = 1/(1 + e^{87}) ≈ 1.6e−38
 * for a < −87 (exact: smaller still, all below float32's normal range) and tanh = ±1 within an ulp.
 */
export function lstmStepBody(): number[] {
  const f = new FunctionBuilder(9);
  const [Bias, A, Q, C, Z, TC, Ht, Hb, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const jb = f.i32(), si = f.i32(), rowG = f.i32();
  // Block g of b_hh, of P/a, of Q and of Z; c, tanh(c), h.
  const bAt = [f.i32(), f.i32(), f.i32(), f.i32()], aAt = [f.i32(), f.i32(), f.i32(), f.i32()];
  const qAt = [f.i32(), f.i32(), f.i32(), f.i32()], zAt = [f.i32(), f.i32(), f.i32(), f.i32()];
  const cAt = f.i32(), tAt = f.i32(), hAt = f.i32();
  const { x, sigmoidOf, tanhOf } = nonlinearities(f);
  const gate = [f.v128(), f.v128(), f.v128(), f.v128()], cv = f.v128();
  const { emit, get, set, konst, simdOp } = f;
  /** local = base + m·Hb */
  const address = (local: number, base: number, m: number): void => {
    get(base); get(Hb); konst(m); emit(op.i32Mul); emit(op.i32Add); set(local);
  };
  for (let g = 0; g < 4; g++) address(bAt[g], Bias, g);
  get(Hb); konst(4); emit(op.i32Mul); set(rowG);
  const load = (base: number): void => {
    get(base); get(jb); emit(op.i32Add);
    simdOp(simd.v128Load, 4, 0);
  };
  /** Stores the v128 in `local` at base + jb. */
  const store = (base: number, local: number): void => {
    get(base); get(jb); emit(op.i32Add);
    get(local);
    simdOp(simd.v128Store, 4, 0);
  };
  // Stream by stream (si counts them): the addresses of its rows, its H units, then the next rows.
  f.loop(si, S, 1, () => {
    for (let g = 0; g < 4; g++) {
      address(aAt[g], A, g); address(qAt[g], Q, g); address(zAt[g], Z, g);
    }
    get(C); set(cAt); get(TC); set(tAt); get(Ht); set(hAt);
    f.loop(jb, Hb, 16, () => {
      for (let g = 0; g < 4; g++) {
        // (L1) a = (P + Q) + b_hh of block g, over P; i, f, o = σ(a), g = tanh(a)
        load(aAt[g]); load(qAt[g]); simdOp(F32.vAdd); load(bAt[g]); simdOp(F32.vAdd); set(x);
        store(aAt[g], x);
        if (g === 2) tanhOf(gate[g]);
        else sigmoidOf(gate[g]);
        store(zAt[g], gate[g]);
      }
      // (L2) c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
      get(gate[1]); load(cAt); simdOp(F32.vMul); get(gate[0]); get(gate[2]); simdOp(F32.vMul); simdOp(F32.vAdd); set(cv);
      store(cAt, cv);
      get(cv); set(x);
      tanhOf(cv);
      store(tAt, cv);
      get(gate[3]); get(cv); simdOp(F32.vMul); set(x);
      store(hAt, x);
    });
    for (const [base, bytes] of [[A, rowG], [Q, rowG], [Z, rowG], [C, Hb], [TC, Hb], [Ht, Hb]]) {
      get(base); get(bytes); emit(op.i32Add); set(base);
    }
  });
  return f.encode();
}

/**
 * The body of b(Zs, Cs, TCs, DY, DC, Ns, X, Y, Hb, Yb, S): the float32 LSTM's backward step of S streams,
 * cellEquations.ts (L3)–(L5), before the transposed product. Byte addresses, each of S rows (stream s at row s):
 *   Zs   [i f g o] of step t (4H a row)          Cs   c_{t−1} (H)        TCs  tanh(c_t) (H)
 *   DY   dY, ∂L/∂h_t from above (H)              DC   dc: ∂L/∂c_t in, ∂L/∂c_{t−1} out (H)
 *   Ns   four partial sums of Σ_j d_j² (4 a row; d = dh + dY, the whole ∂L/∂h_t: CellChain.gradNorms' h)
 *   Y    ∂L/∂h_t arriving from step t + 1, the last product's output (a row every Yb bytes)
 *   X    δa_t = δP_t = δQ_t out (4H a row, the product's input)
 * with Hb = H·4 bytes, H a multiple of 4; the products are those of lstmBackwardStep, in its order, in float32.
 */
export function lstmBackBody(): number[] {
  const f = new FunctionBuilder(11);
  const [Zs, Cs, TCs, DY, DC, Ns, X, Y, Hb, Yb, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const jb = f.i32(), si = f.i32(), rowG = f.i32();
  const zAt = [f.i32(), f.i32(), f.i32(), f.i32()], xAt = [f.i32(), f.i32(), f.i32(), f.i32()];
  const one = f.v128(), norm = f.v128(), d = f.v128(), dcj = f.v128(), th = f.v128();
  const gate = [f.v128(), f.v128(), f.v128(), f.v128()];
  const { emit, get, set, konst, simdOp } = f;
  emit(0x43, ...f32Bytes(1));
  simdOp(F32.splat);
  set(one);
  get(Hb); konst(4); emit(op.i32Mul); set(rowG);
  const address = (local: number, base: number, m: number): void => {
    get(base); get(Hb); konst(m); emit(op.i32Mul); emit(op.i32Add); set(local);
  };
  const [cAt, tAt, dyAt, dcAt] = [Cs, TCs, DY, DC];
  const at = (base: number): void => {
    get(base); get(jb); emit(op.i32Add);
  };
  const load = (base: number): void => {
    at(base);
    simdOp(simd.v128Load, 4, 0);
  };
  /** (1 − v) of the top of the stack, kept in place: one − v. */
  const oneMinus = (local: number): void => {
    get(one); get(local); simdOp(v.sub);
  };
  // Stream by stream (si counts them): its rows' addresses, its H units, its norm's partial sums, then the next rows.
  f.loop(si, S, 1, () => {
    for (let g = 0; g < 4; g++) {
      address(zAt[g], Zs, g);
      address(xAt[g], X, g);
    }
    emit(...F32.zero);
    simdOp(F32.splat);
    set(norm);
    f.loop(jb, Hb, 16, () => {
      for (let g = 0; g < 4; g++) {
        load(zAt[g]);
        set(gate[g]);
      }
      const [i, fg, g, o] = gate;
      // d = dh + dY; Σ d²
      load(Y); load(dyAt); simdOp(F32.vAdd); set(d);
      get(norm); get(d); get(d); simdOp(F32.vMul); simdOp(F32.vAdd); set(norm);
      // (L3) dcj = dc + d·o·(1 − th²)
      load(tAt); set(th);
      load(dcAt); get(d); get(o); simdOp(F32.vMul); get(one); get(th); get(th); simdOp(F32.vMul); simdOp(v.sub); simdOp(F32.vMul);
      simdOp(F32.vAdd); set(dcj);
      // (L4) δa_i = dcj·g·i·(1 − i), δa_f = dcj·c_{t−1}·f·(1 − f), δa_g = dcj·i·(1 − g²), δa_o = d·th·o·(1 − o)
      at(xAt[0]); get(dcj); get(g); simdOp(F32.vMul); get(i); simdOp(F32.vMul); oneMinus(i); simdOp(F32.vMul);
      simdOp(simd.v128Store, 4, 0);
      at(xAt[1]); get(dcj); load(cAt); simdOp(F32.vMul); get(fg); simdOp(F32.vMul); oneMinus(fg); simdOp(F32.vMul);
      simdOp(simd.v128Store, 4, 0);
      at(xAt[2]); get(dcj); get(i); simdOp(F32.vMul); get(one); get(g); get(g); simdOp(F32.vMul); simdOp(v.sub); simdOp(F32.vMul);
      simdOp(simd.v128Store, 4, 0);
      at(xAt[3]); get(d); get(th); simdOp(F32.vMul); get(o); simdOp(F32.vMul); oneMinus(o); simdOp(F32.vMul);
      simdOp(simd.v128Store, 4, 0);
      // (L5) ∂L/∂c_{t−1} = dcj·f
      at(dcAt); get(dcj); get(fg); simdOp(F32.vMul);
      simdOp(simd.v128Store, 4, 0);
    });
    get(Ns); get(norm);
    simdOp(simd.v128Store, 4, 0);
    for (const [base, bytes] of [[Zs, rowG], [X, rowG], [Cs, Hb], [TCs, Hb], [DY, Hb], [DC, Hb], [Y, Yb]]) {
      get(base); get(bytes); emit(op.i32Add); set(base);
    }
    get(Ns); konst(16); emit(op.i32Add); set(Ns);
  });
  return f.encode();
}

/**
 * The body of r(Bias, A, Q, Ht, Hb, Qb, S) (relu false: tanh) or u(…) (relu true): one float32 RNN step of S streams,
 * cellEquations.ts (R1) after Q_t = W_hh h_{t−1}: a = (P_t + Q_t) + b_hh over P, h_t = tanh(a) (or max(a, 0), 0 for
 * a NaN as in rnnForwardStep) — in rnnForwardStep's order, with tanh as lstmStepBody's. Byte addresses, S rows each:
 * Bias b_hh (H, one row for every stream), A P_t in, a out (H a row), Q the product (a row every Qb bytes: the batched
 * product's padded rows), Ht h_t out (H a row); Hb = H·4 bytes, H a multiple of 4.
 */
export function rnnStepBody(relu: boolean): number[] {
  const f = new FunctionBuilder(7);
  const [Bias, A, Q, Ht, Hb, Qb, S] = [0, 1, 2, 3, 4, 5, 6];
  const jb = f.i32(), si = f.i32();
  const { x, tanhOf } = nonlinearities(f);
  const out = f.v128(), zero = f.v128();
  const { emit, get, set, simdOp } = f;
  splatF32(f, zero, 0);
  const at = (base: number): void => addressOf(f, base, jb);
  f.loop(si, S, 1, () => {
    f.loop(jb, Hb, 16, () => {
      at(A); simdOp(simd.v128Load, 4, 0); at(Q); simdOp(simd.v128Load, 4, 0); simdOp(F32.vAdd);
      at(Bias); simdOp(simd.v128Load, 4, 0); simdOp(F32.vAdd); set(x);
      at(A); get(x); simdOp(simd.v128Store, 4, 0);
      if (relu) {
        get(zero); get(x); simdOp(v.pmax); set(out);
      } else tanhOf(out);
      at(Ht); get(out); simdOp(simd.v128Store, 4, 0);
    });
    for (const [base, bytes] of [[A, Hb], [Q, Qb], [Ht, Hb]]) {
      get(base); get(bytes); emit(op.i32Add); set(base);
    }
  });
  return f.encode();
}

/**
 * The body of rb(Hs, DY, Ns, X, Y, Hb, Yb, S) (relu false: tanh) or ub(…) (relu true): the float32 RNN's backward
 * step of S streams, cellEquations.ts (R2), before the transposed product: d = dh + dY, δP = (1 − h_t²)·d (ReLU:
 * d where h_t > 0, else 0), in rnnBackwardStep's order. Byte addresses, S rows each: Hs h_t (H a row), DY ∂L/∂h_t
 * from above (H), Ns four partial sums of Σ_j d_j² (4 a row), Y ∂L/∂h_t from step t + 1 (a row every Yb bytes), X
 * δP_t out (H); Hb = H·4 bytes, H a multiple of 4.
 */
export function rnnBackBody(relu: boolean): number[] {
  const f = new FunctionBuilder(8);
  const [Hs, DY, Ns, X, Y, Hb, Yb, S] = [0, 1, 2, 3, 4, 5, 6, 7];
  const jb = f.i32(), si = f.i32();
  const one = f.v128(), zero = f.v128(), norm = f.v128(), d = f.v128(), h = f.v128();
  const { emit, get, set, konst, simdOp } = f;
  splatF32(f, one, 1);
  splatF32(f, zero, 0);
  const at = (base: number): void => addressOf(f, base, jb);
  f.loop(si, S, 1, () => {
    get(zero); set(norm);
    f.loop(jb, Hb, 16, () => {
      at(Y); simdOp(simd.v128Load, 4, 0); at(DY); simdOp(simd.v128Load, 4, 0); simdOp(F32.vAdd); set(d);
      get(norm); get(d); get(d); simdOp(F32.vMul); simdOp(F32.vAdd); set(norm);
      at(Hs); simdOp(simd.v128Load, 4, 0); set(h);
      at(X);
      if (relu) {
        get(d); get(h); get(zero); simdOp(v.gt); simdOp(v.and);
      } else {
        get(one); get(h); get(h); simdOp(F32.vMul); simdOp(v.sub); get(d); simdOp(F32.vMul);
      }
      simdOp(simd.v128Store, 4, 0);
    });
    get(Ns); get(norm); simdOp(simd.v128Store, 4, 0);
    for (const [base, bytes] of [[Hs, Hb], [DY, Hb], [X, Hb], [Y, Yb]]) {
      get(base); get(bytes); emit(op.i32Add); set(base);
    }
    get(Ns); konst(16); emit(op.i32Add); set(Ns);
  });
  return f.encode();
}
