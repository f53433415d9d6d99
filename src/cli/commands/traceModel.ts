// `sequence-lab trace MODEL DATA --out FILE.json [--start N] [--length N (64)] [--no-jacobian]`: the traces of
// src/engine/traces.ts for one window of DATA (tagged files: sequence number --start), as JSON: every typed array
// becomes { "shape": [...], "data": [...] }.
import { EngineInputError } from '../../engine/errors';
import { parseSeries, parseTagged, type SequenceData } from '../../engine/sequenceData';
import { traceData, type SequenceTrace } from '../../engine/traces';
import { guarded, numberOption, parseArgs, UsageError, type CliIo } from './cliIo';
import { encodeTokens, tokensOf, type ModelMetadata } from '../../engine/modelFile';
import { decodeModel } from './readModel';

export const TRACE_USAGE = 'Usage: sequence-lab trace MODEL DATA --out FILE.json [--start N (0)] [--length N (64)] [--no-jacobian]\n';

function dataOf(meta: ModelMetadata, text: string): SequenceData {
  if (meta.task === 'lm') return { kind: 'next-token', ids: encodeTokens(tokensOf(text, meta.tokens ?? 'chars'), meta.vocabulary), vocabularySize: meta.inputSize };
  if (meta.task === 'tag') {
    const { data, tokens, tags } = parseTagged(text);
    return {
      kind: 'tagging', vocabularySize: meta.inputSize, tagCount: meta.outputSize,
      sequences: data.sequences.map((s) => ({ ids: encodeTokens(tokens.decode(s.ids), meta.vocabulary), tags: encodeTokens(tags.decode(s.tags), meta.tags ?? []) })),
    };
  }
  const { data } = parseSeries(text);
  if (data.features !== meta.inputSize) throw new EngineInputError(`The series has ${data.features} columns; the model reads ${meta.inputSize}.`);
  return data;
}

/** The trace with typed arrays as plain arrays (JSON.stringify would write typed arrays as objects). */
function toJson(trace: SequenceTrace): unknown {
  return JSON.parse(JSON.stringify(trace, (_key, value: unknown) => (ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value)));
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  return guarded(io, 'trace', async () => {
    const args = parseArgs(argv, ['--out', '--start', '--length'], ['--no-jacobian']);
    if (args.positional.length !== 2) throw new UsageError('trace needs MODEL and DATA');
    const out = args.options.get('--out');
    if (!out) throw new UsageError('trace needs --out FILE.json');
    const { stack, meta } = decodeModel(await io.readFile(args.positional[0]), 1);
    const data = dataOf(meta, new TextDecoder('utf-8').decode(await io.readFile(args.positional[1])));
    const trace = traceData(stack, data, numberOption(args, '--start', 'whole', 0) ?? 0, numberOption(args, '--length', 'whole') ?? 64, {
      jacobian: !args.flags.has('--no-jacobian'),
    });
    const tokens = trace.inputIds ? Array.from(trace.inputIds, (id) => meta.vocabulary[id]) : null;
    await io.writeFile(out, JSON.stringify({ model: meta.model, task: meta.task, tokens, trace: toJson(trace) }) + '\n');
    io.stdout(`wrote ${out} (${trace.steps} steps, loss ${trace.loss?.toFixed(4) ?? 'n/a'})\n`);
    return 0;
  });
}
