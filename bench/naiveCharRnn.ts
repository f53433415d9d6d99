// A deliberately naive peer of CharRnn for the benchmark, in the style of recurrentjs / min-char-rnn ports:
// matrices as arrays of arrays of numbers, new arrays for every time step, every product and every gradient.
// Same maths as src/engine (tanh RNN, softmax cross-entropy, mean over the chunk, global-norm clipping, Adam).

type Mat = number[][];

const zeros = (r: number, c: number): Mat => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const matVec = (m: Mat, v: number[]): number[] => m.map((row) => row.reduce((s, w, j) => s + w * v[j], 0));
const matTVec = (m: Mat, v: number[]): number[] => m[0].map((_, j) => m.reduce((s, row, i) => s + row[j] * v[i], 0));
const add = (a: number[], b: number[]): number[] => a.map((x, i) => x + b[i]);

export class NaiveCharRnn {
  private params: { Wxh: Mat; Whh: Mat; bh: Mat; Why: Mat; by: Mat };
  private m: Mat[];
  private v: Mat[];
  private t = 0;
  private h: number[];

  constructor(
    private readonly V: number,
    private readonly H: number,
    private readonly lr: number,
    private readonly clip: number,
    rand: () => number,
  ) {
    const init = (r: number, c: number): Mat =>
      Array.from({ length: r }, () => Array.from({ length: c }, () => (rand() * 2 - 1) / Math.sqrt(H)));
    this.params = { Wxh: init(H, V), Whh: init(H, H), bh: init(H, 1), Why: init(V, H), by: init(V, 1) };
    const shapes = Object.values(this.params);
    this.m = shapes.map((p) => zeros(p.length, p[0].length));
    this.v = shapes.map((p) => zeros(p.length, p[0].length));
    this.h = new Array<number>(H).fill(0);
  }

  /** One chunk: forward, backward, clip, Adam. Returns the mean loss. */
  step(inputs: number[], targets: number[], resetState: boolean): number {
    const { V, H } = this;
    const { Wxh, Whh, bh, Why, by } = this.params;
    if (resetState) this.h = new Array<number>(H).fill(0);
    const hs: number[][] = [this.h];
    const ps: number[][] = [];
    const xs: number[][] = [];
    let loss = 0;
    for (let t = 0; t < inputs.length; t++) {
      const x = new Array<number>(V).fill(0);
      x[inputs[t]] = 1;
      xs.push(x);
      const a = add(add(matVec(Wxh, x), matVec(Whh, hs[t])), bh.map((r) => r[0]));
      const h = a.map(Math.tanh);
      hs.push(h);
      const y = add(matVec(Why, h), by.map((r) => r[0]));
      const max = Math.max(...y);
      const e = y.map((v) => Math.exp(v - max));
      const sum = e.reduce((s, v) => s + v, 0);
      const p = e.map((v) => v / sum);
      ps.push(p);
      loss -= Math.log(p[targets[t]]);
    }
    const L = inputs.length;
    const dWxh = zeros(H, V), dWhh = zeros(H, H), dbh = zeros(H, 1), dWhy = zeros(V, H), dby = zeros(V, 1);
    let dhNext = new Array<number>(H).fill(0);
    for (let t = L - 1; t >= 0; t--) {
      const dy = ps[t].map((p, k) => (p - (k === targets[t] ? 1 : 0)) / L);
      dy.forEach((d, k) => {
        dby[k][0] += d;
        hs[t + 1].forEach((hv, i) => (dWhy[k][i] += d * hv));
      });
      const dh = add(matTVec(Why, dy), dhNext);
      const da = dh.map((d, i) => (1 - hs[t + 1][i] * hs[t + 1][i]) * d);
      da.forEach((d, i) => {
        dbh[i][0] += d;
        xs[t].forEach((xv, j) => (dWxh[i][j] += d * xv));
        hs[t].forEach((hv, j) => (dWhh[i][j] += d * hv));
      });
      dhNext = matTVec(Whh, da);
    }
    this.h = hs[L];
    const grads = [dWxh, dWhh, dbh, dWhy, dby];
    const norm = Math.sqrt(grads.reduce((s, g) => s + g.reduce((s2, row) => s2 + row.reduce((s3, v) => s3 + v * v, 0), 0), 0));
    const factor = this.clip > 0 && norm > this.clip ? this.clip / norm : 1;
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    Object.values(this.params).forEach((p, n) => {
      p.forEach((row, i) =>
        row.forEach((_, j) => {
          const g = grads[n][i][j] * factor;
          this.m[n][i][j] = 0.9 * this.m[n][i][j] + 0.1 * g;
          this.v[n][i][j] = 0.999 * this.v[n][i][j] + 0.001 * g * g;
          row[j] -= (this.lr * (this.m[n][i][j] / c1)) / (Math.sqrt(this.v[n][i][j] / c2) + 1e-8);
        }),
      );
    });
    return loss / L;
  }
}
