// The @tensorflow/tfjs peer of the benchmark: the same char LSTM / tanh RNN (one-hot input times W_ih (the wasm backend has no gradient for gather),
// linear head, mean softmax cross-entropy, global-norm clipping, Adam), unrolled with tf ops over B streams and T
// steps, state carried between chunks.
// tfjs is ~280 MB installed, so it is not a dependency of the project (`npm ci` stays light): the benchmark installs
// it on first use into the ignored .tools/bench-peers/ and loads it from there. Its types are therefore not visible
// to the compiler in this file.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Tf = any;
type Tensor = any;
type Variable = any;

const TFJS_VERSION = '4.22.0';
const PEERS = join(dirname(fileURLToPath(import.meta.url)), '..', '.tools', 'bench-peers');

/** Installs @tensorflow/tfjs and its wasm backend into .tools/bench-peers once; false when that is impossible. */
function ensureTfjs(): boolean {
  if (existsSync(join(PEERS, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'package.json'))) return true;
  try {
    mkdirSync(PEERS, { recursive: true });
    writeFileSync(join(PEERS, 'package.json'), JSON.stringify({ name: 'sequence-lab-bench-peers', private: true }));
    console.log(`(installing @tensorflow/tfjs@${TFJS_VERSION} for the benchmark into .tools/bench-peers, once)`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', PEERS,
      `@tensorflow/tfjs@${TFJS_VERSION}`, `@tensorflow/tfjs-backend-wasm@${TFJS_VERSION}`], { stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
}

export interface PeerModel {
  /** One training chunk for every stream; returns the characters processed (B·T). */
  train(): number;
  /** Forward only (loss) over one chunk; returns the characters processed. */
  infer(): number;
  dispose(): void;
}

const require = createRequire(join(PEERS, 'package.json'));

/** tfjs with the backend selected ('cpu' or 'wasm'), or null when the packages are missing. */
export async function loadTf(backend: 'cpu' | 'wasm'): Promise<Tf | null> {
  let tf: Tf;
  if (!ensureTfjs()) return null;
  try {
    tf = require('@tensorflow/tfjs') as Tf;
    if (backend === 'wasm') {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (p: string) => void };
      wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    }
  } catch {
    return null;
  }
  if (!(await tf.setBackend(backend))) return null;
  await tf.ready();
  return tf;
}

export function makeTfModel(tf: Tf, cell: 'lstm' | 'rnn', V: number, H: number, B: number, T: number, ids: Int32Array, clip: number): PeerModel {
  const G = cell === 'lstm' ? 4 : 1;
  const u = (shape: number[], bound: number): Variable => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', 1));
  const k = 1 / Math.sqrt(H);
  const Wx = u([V, G * H], k); // onehot(x) W_ih
  const Wh = u([H, G * H], k);
  const b = u([G * H], k);
  const Wy = u([H, V], k);
  const by = u([V], k);
  const vars = [Wx, Wh, b, Wy, by];
  const optimizer = tf.train.adam(0.002);
  let h: Tensor = tf.zeros([B, H]);
  let c: Tensor = tf.zeros([B, H]);
  const S = Math.floor((ids.length - 1) / B);
  let p = 0;

  const chunk = (): { x: Tensor[]; y: Tensor } => {
    if (p + T > S) p = 0;
    const xs: Tensor[] = [];
    const ys = new Int32Array(T * B);
    for (let t = 0; t < T; t++) {
      const row = new Int32Array(B);
      for (let s = 0; s < B; s++) {
        row[s] = ids[s * S + p + t];
        ys[t * B + s] = ids[s * S + p + t + 1];
      }
      xs.push(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(row, 'int32'), V), 'float32')));
    }
    p += T;
    return { x: xs, y: tf.oneHot(tf.tensor1d(ys, 'int32'), V) };
  };

  /** Unrolled forward; returns the mean loss and the final states. */
  const forward = (x: Tensor[], y: Tensor): { loss: Tensor; h: Tensor; c: Tensor } => {
    let hh = h;
    let cc = c;
    const outs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const a = tf.add(tf.add(tf.matMul(x[t], Wx), tf.matMul(hh, Wh)), b);
      if (cell === 'lstm') {
        const [ai, af, ag, ao] = tf.split(a, 4, 1);
        cc = tf.add(tf.mul(tf.sigmoid(af), cc), tf.mul(tf.sigmoid(ai), tf.tanh(ag)));
        hh = tf.mul(tf.sigmoid(ao), tf.tanh(cc));
      } else {
        hh = tf.tanh(a);
      }
      outs.push(hh);
    }
    const logits = tf.add(tf.matMul(tf.concat(outs, 0), Wy), by);
    return { loss: tf.losses.softmaxCrossEntropy(y, logits), h: hh, c: cc };
  };

  return {
    train(): number {
      const { x, y } = chunk();
      let nextH: Tensor | null = null;
      let nextC: Tensor | null = null;
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const r = forward(x, y);
          nextH = tf.keep(r.h);
          nextC = tf.keep(r.c);
          return r.loss;
        }, vars);
        const names = Object.keys(grads);
        const norm = Math.sqrt(names.reduce((s, n) => s + tf.sum(tf.square(grads[n])).dataSync()[0], 0));
        const f = norm > clip ? clip / norm : 1;
        optimizer.applyGradients(names.map((n) => ({ name: n, tensor: tf.mul(grads[n], f) })));
      });
      x.forEach((t) => t.dispose());
      y.dispose();
      h.dispose();
      c.dispose();
      // The new states were computed inside the gradient tape but are plain tensors: no gradient flows from them.
      h = nextH!;
      c = nextC!;
      return B * T;
    },
    infer(): number {
      const { x, y } = chunk();
      const r = tf.tidy(() => {
        const out = forward(x, y);
        return { loss: tf.keep(out.loss), h: tf.keep(out.h), c: tf.keep(out.c) };
      });
      r.loss.dataSync();
      r.loss.dispose();
      x.forEach((t) => t.dispose());
      y.dispose();
      h.dispose();
      c.dispose();
      h = r.h;
      c = r.c;
      return B * T;
    },
    dispose(): void {
      vars.forEach((v) => v.dispose());
      h.dispose();
      c.dispose();
      optimizer.dispose();
    },
  };
}
