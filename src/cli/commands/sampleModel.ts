// `sequence-lab sample MODEL [--length N] [--temperature T] [--seed S] [--prime TEXT]`: text from a next-token model,
// token by token at softmax(o_t / T), after running the prime (default: the vocabulary's first token) from a zero
// state. Prints the prime followed by the sampled tokens (words joined by spaces).
import { EngineInputError } from '../../engine/errors';
import { Prng } from '../../engine/prng';
import { guarded, numberOption, parseArgs, UsageError, type CliIo } from './cliIo';
import { encodeTokens, tokensOf } from '../../engine/modelFile';
import { decodeModel } from './readModel';

export const SAMPLE_USAGE = 'Usage: sequence-lab sample MODEL [--length N (200)] [--temperature T (1)] [--seed S (42)] [--prime TEXT]\n';

export async function run(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, 'sample', async () => {
    const args = parseArgs(argv, ['--length', '--temperature', '--seed', '--prime'], []);
    if (args.positional.length !== 1) throw new UsageError('sample needs MODEL');
    const length = numberOption(args, '--length', 'whole', 0) ?? 200;
    const temperature = numberOption(args, '--temperature', 'number', Number.MIN_VALUE) ?? 1;
    const rng = new Prng(numberOption(args, '--seed', 'whole', 0) ?? 42);
    const { stack, meta } = decodeModel(await io.readFile(args.positional[0]), 1);
    if (meta.task !== 'lm') throw new EngineInputError(`This model was trained for ${meta.task === 'tag' ? 'tagging' : 'a numeric series'}: only next-token models can sample text.`);
    const kind = meta.tokens ?? 'chars';
    const prime = args.options.get('--prime');
    const primeTokens = prime !== undefined && prime !== '' ? tokensOf(prime, kind) : [meta.vocabulary[0]];
    const ids = encodeTokens(primeTokens, meta.vocabulary);
    const V = meta.vocabulary.length;
    const h = new Float64Array(stack.hN.length);
    const c = new Float64Array(stack.cN.length);
    const lstm = stack.config.cell === 'lstm';
    const one = new Int32Array(1);
    const probs = new Float64Array(V);
    let o: Float64Array = new Float64Array(0);
    const feed = (id: number): void => {
      one[0] = id;
      o = stack.forward({ ids: one }, h, lstm ? c : undefined);
      h.set(stack.hN);
      if (lstm) c.set(stack.cN);
    };
    for (const id of ids) feed(id);
    const out: string[] = [...primeTokens];
    for (let n = 0; n < length; n++) {
      let max = -Infinity;
      for (let k = 0; k < V; k++) max = Math.max(max, o[k] / temperature);
      for (let k = 0; k < V; k++) probs[k] = Math.exp(o[k] / temperature - max);
      const id = rng.choice(probs);
      out.push(meta.vocabulary[id]);
      feed(id);
    }
    io.stdout(out.join(kind === 'words' ? ' ' : '') + '\n');
    return 0;
  });
}
