// Named matrices laid out one after another in one flat Float64Array (each row-major), so that whole-model
// operations (the optimiser, gradient clipping, finiteness checks) are single loops over one buffer.

export interface TensorInfo {
  name: string;
  /** Index of entry (0, 0) in the flat buffer. */
  offset: number;
  rows: number;
  /** 1 for a vector. Entry (r, c) is at offset + r·cols + c. */
  cols: number;
}

/** Assigns consecutive offsets to the given shapes; returns the list and the total length. */
export function layoutTensors(shapes: { name: string; rows: number; cols: number }[]): {
  tensors: TensorInfo[];
  length: number;
} {
  let offset = 0;
  const tensors = shapes.map((s) => {
    const t = { name: s.name, offset, rows: s.rows, cols: s.cols };
    offset += s.rows * s.cols;
    return t;
  });
  return { tensors, length: offset };
}

/** The view of one tensor inside a flat buffer (shares memory). */
export function tensorView(buffer: Float64Array, t: TensorInfo): Float64Array {
  return buffer.subarray(t.offset, t.offset + t.rows * t.cols);
}

/** The first tensor holding a NaN or ±Infinity, with that value; undefined when every entry is finite. */
export function findNonFinite(buffer: Float64Array, tensors: readonly TensorInfo[]): { tensor: string; value: number } | undefined {
  for (const t of tensors) {
    const end = t.offset + t.rows * t.cols;
    for (let i = t.offset; i < end; i++) {
      const v = buffer[i];
      // v - v is 0 for finite v and NaN for NaN or ±Infinity.
      if (v - v !== 0) return { tensor: t.name, value: v };
    }
  }
  return undefined;
}
