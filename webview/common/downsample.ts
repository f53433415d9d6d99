// Keeps a long series (100k+ training steps) as at most `maxPoints` bucket averages, appended in O(1) amortised
// time: when there are too many buckets, neighbouring pairs are merged and the bucket size doubles. Sums and counts
// are kept, so every point is the exact mean of the steps it covers. Pure: no DOM, unit-tested in node.

export interface Point {
  x: number;
  y: number;
}

/** The compact, JSON-able form of a BucketSeries (for the webview's saved state). */
export interface SavedBuckets {
  bucketSize: number;
  /** Per bucket: its count, mean x, then the mean of every channel. */
  rows: number[][];
}

export class BucketSeries {
  private bucketSize = 1;
  private counts: number[] = [];
  private sumX: number[] = [];
  private sums: number[][];

  /** `channels` y values are kept per x (e.g. loss, gradient norm, clipped). */
  constructor(
    readonly channels: number,
    readonly maxPoints = 2000,
  ) {
    if (maxPoints < 2) throw new Error('maxPoints must be at least 2');
    this.sums = Array.from({ length: channels }, () => []);
  }

  /** Number of points (buckets) currently kept. */
  get length(): number {
    return this.counts.length;
  }

  /** Number of raw values appended so far. */
  get total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  /** Appends one x with one value per channel. */
  push(x: number, values: ArrayLike<number>): void {
    let last = this.counts.length - 1;
    if (last < 0 || this.counts[last] >= this.bucketSize) {
      if (this.counts.length >= this.maxPoints) {
        this.mergePairs();
        last = this.counts.length - 1;
      }
      if (last < 0 || this.counts[last] >= this.bucketSize) {
        this.counts.push(0);
        this.sumX.push(0);
        for (const s of this.sums) s.push(0);
        last = this.counts.length - 1;
      }
    }
    this.counts[last] += 1;
    this.sumX[last] += x;
    for (let c = 0; c < this.channels; c++) this.sums[c][last] += values[c];
  }

  /** Mean x of bucket i. */
  x(i: number): number {
    return this.sumX[i] / this.counts[i];
  }

  /** Mean of channel c in bucket i. */
  y(c: number, i: number): number {
    return this.sums[c][i] / this.counts[i];
  }

  /**
   * Writes channel c as points into `target`, reusing its objects (no allocation once the array has grown), so a
   * chart's data array can be refreshed every frame cheaply. Points where `keep` says false are skipped.
   */
  fillPoints(c: number, target: Point[], keep?: (i: number) => boolean): Point[] {
    let n = 0;
    for (let i = 0; i < this.counts.length; i++) {
      if (keep && !keep(i)) continue;
      const point = target[n] ?? (target[n] = { x: 0, y: 0 });
      point.x = this.x(i);
      point.y = this.y(c, i);
      n++;
    }
    target.length = n;
    return target;
  }

  clear(): void {
    this.bucketSize = 1;
    this.counts = [];
    this.sumX = [];
    this.sums = Array.from({ length: this.channels }, () => []);
  }

  save(significantDigits = 6): SavedBuckets {
    const round = (v: number): number => Number(v.toPrecision(significantDigits));
    const rows = this.counts.map((count, i) => [
      count,
      round(this.x(i)),
      ...this.sums.map((s) => round(s[i] / count)),
    ]);
    return { bucketSize: this.bucketSize, rows };
  }

  /** Replaces the contents with a saved copy; returns false (and stays empty) if it is malformed. */
  restore(saved: SavedBuckets | undefined): boolean {
    this.clear();
    if (!saved || !Number.isInteger(saved.bucketSize) || saved.bucketSize < 1 || !Array.isArray(saved.rows)) {
      return false;
    }
    const width = 2 + this.channels;
    const valid = saved.rows.every(
      (r) => Array.isArray(r) && r.length === width && r.every((v) => typeof v === 'number' && Number.isFinite(v)),
    );
    if (!valid || saved.rows.length > this.maxPoints) return false;
    this.bucketSize = saved.bucketSize;
    for (const [count, meanX, ...means] of saved.rows) {
      this.counts.push(count);
      this.sumX.push(meanX * count);
      means.forEach((m, c) => this.sums[c].push(m * count));
    }
    return true;
  }

  private mergePairs(): void {
    const merge = (a: number[]): number[] => {
      const out: number[] = [];
      for (let i = 0; i < a.length; i += 2) out.push(a[i] + (a[i + 1] ?? 0));
      return out;
    };
    this.counts = merge(this.counts);
    this.sumX = merge(this.sumX);
    this.sums = this.sums.map(merge);
    this.bucketSize *= 2;
  }
}
