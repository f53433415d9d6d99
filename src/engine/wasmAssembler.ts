// The one WebAssembly assembler of the engine: opcodes, LEB128, a function builder and the module frame shared by
// the SIMD kernels (wasmGemm.ts: C = A Bᵀ; wasmMatvec.ts: the pinned matrix-vector products of the recurrence, with
// wasmLstmSteps.ts's float32 LSTM steps). The modules are assembled here from their opcodes (no toolchain, no binary
// file, nothing fetched): each kernel file's generator is its source. Every module has the same shape: one function
// "g" taking i32 parameters (byte addresses and sizes) and returning nothing, and one memory "m" of at least one
// 64 KiB page that the caller grows.

export const I32 = 0x7f;
const V128 = 0x7b;

/** Core opcodes used by the kernels. */
export const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45, i32LtU: 0x49, i32GtU: 0x4b, i32GeU: 0x4f, i32Add: 0x6a, i32Mul: 0x6c, i32Shl: 0x74,
  simd: 0xfd,
};

/** SIMD sub-opcodes (after 0xfd, as unsigned LEB128) shared by both element types. */
export const simd = { v128Load: 0x00, v128Store: 0x0b };

/** The opcodes of one element type: log2 of its size in bytes, lanes per v128, scalar and vector instructions. */
export interface Lanes {
  shift: number; lanes: number; zero: number[]; load: number; store: number; add: number;
  splat: number; extract: number; vAdd: number; vMul: number; valueType: number;
  /** v128.loadN_splat: one element from memory into every lane. */
  loadSplat: number;
}
export const F64: Lanes = { shift: 3, lanes: 2, zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0], load: 0x2b, store: 0x39, add: 0xa0, splat: 0x14, extract: 0x21, vAdd: 0xf0, vMul: 0xf2, valueType: 0x7c, loadSplat: 0x0a };
export const F32: Lanes = { shift: 2, lanes: 4, zero: [0x43, 0, 0, 0, 0], load: 0x2a, store: 0x38, add: 0x92, splat: 0x13, extract: 0x1f, vAdd: 0xe4, vMul: 0xe6, valueType: 0x7d, loadSplat: 0x09 };

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
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

/**
 * The body of one function with `params` i32 parameters: locals are numbered after them, all i32 locals before
 * all v128 locals (they are declared as two groups).
 */
export class FunctionBuilder {
  readonly code: number[] = [];
  private next: number;
  private i32Count = 0;
  private v128Count = 0;

  constructor(params: number) {
    this.next = params;
  }

  i32(): number {
    if (this.v128Count > 0) throw new Error('i32 locals come before v128 locals');
    this.i32Count++;
    return this.next++;
  }

  v128(): number {
    this.v128Count++;
    return this.next++;
  }

  // Arrow properties, so that a kernel can take them apart: const { emit, get, set } = f.
  readonly emit = (...bytes: number[]): void => {
    this.code.push(...bytes);
  };

  readonly get = (l: number): void => this.emit(op.localGet, ...uleb(l));

  readonly set = (l: number): void => this.emit(op.localSet, ...uleb(l));

  readonly konst = (v: number): void => this.emit(op.i32Const, ...sleb(v));

  readonly simdOp = (o: number, ...imm: number[]): void => this.emit(op.simd, ...uleb(o), ...imm);

  /** for (v = 0; v < limit; v += step) { body } with v, limit locals (limit > 0 assumed: the body runs once first). */
  readonly loop = (v: number, limit: number, step: number, body: () => void): void => {
    this.konst(0);
    this.set(v);
    this.emit(op.block, 0x40, op.loop, 0x40);
    body();
    this.get(v);
    this.konst(step);
    this.emit(op.i32Add);
    this.emit(op.localTee, ...uleb(v));
    this.get(limit);
    this.emit(op.i32LtU, op.brIf, 0, op.end, op.end);
  };

  /** The encoded body (size, locals, code, end). */
  encode(): number[] {
    const locals = [...uleb(2), ...uleb(this.i32Count), I32, ...uleb(this.v128Count), V128];
    const body = [...locals, ...this.code, op.end];
    return [...uleb(body.length), ...body];
  }
}

function section(id: number, bytes: number[]): number[] {
  return [id, ...uleb(bytes.length), ...bytes];
}

/** One exported function of a module: its name, its i32 parameters (it returns nothing) and its encoded body. */
export interface ModuleFunction {
  name: string;
  params: number;
  body: number[];
}

/**
 * A module exporting memory "m" (at least 1 page) and the given functions, function i of type i: (i32 × params) → ().
 * A body alone is function "g".
 */
export function moduleBytes(params: number, body: number[]): Uint8Array;
export function moduleBytes(functions: ModuleFunction[]): Uint8Array;
export function moduleBytes(a: number | ModuleFunction[], body?: number[]): Uint8Array {
  const fns = typeof a === 'number' ? [{ name: 'g', params: a, body: body! }] : a;
  const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(fns.map((f) => [0x60, f.params, ...Array<number>(f.params).fill(I32), 0]))), // types
    ...section(3, vec(fns.map((_, i) => uleb(i)))), // function i has type i
    ...section(5, [1, 0x00, 1]), // one memory, at least 1 page
    ...section(7, vec([[...name('m'), 0x02, 0], ...fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])), // exports
    ...section(10, vec(fns.map((f) => f.body))),
  ]);
}

/** The part of the WebAssembly API used here (the engine's compiler settings include no DOM or wasm typings). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/**
 * The module's exported functions (by name) and memory, or null where it cannot be compiled (no WebAssembly, or no
 * SIMD). `api` is the runtime's WebAssembly unless a test gives another.
 */
export function instantiateModule<G>(
  bytes: Uint8Array, api: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly,
): { g: G; exports: Record<string, unknown>; memory: WasmMemory } | null {
  if (api === undefined) return null;
  try {
    const instance = new api.Instance(new api.Module(bytes));
    return { g: instance.exports.g as G, exports: instance.exports, memory: instance.exports.m as WasmMemory };
  } catch {
    return null; // no WebAssembly SIMD here
  }
}
