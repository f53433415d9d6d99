// `sequence-lab export-pytorch RUN_DIR --out DIR [--force]`: turns a `train --out` run directory into a
// self-contained PyTorch project (text from src/shared/pytorchProject.ts) plus copies of model.safetensors and of
// the training data, after checking the data file still has the SHA-256 recorded in run.json.
import { createHash } from 'node:crypto';
import { basename, isAbsolute, join } from 'node:path';
import { EngineInputError } from '../../engine/errors';
import { MAX_MODEL_FILE_BYTES, ModelMetadataError } from '../../shared/modelMetadata';
import { checkExportedRun, projectDataFileName, pytorchProject, type ExportedRun } from '../../shared/pytorchProject';
import { isJsonObject, renameKeys } from '../../shared/renamedKeys';
import { DEFAULT_MAX_TRAINING_MB, fileLabelOf, trainingSizeMessage } from '../../shared/textChecks';
import { FileTooLargeError, guarded, NotRegularFileError, parseArgs, UsageError, type CliIo } from './cliIo';
import { decodeModel } from './readModel';

export const EXPORT_PYTORCH_USAGE = `Usage: sequence-lab export-pytorch RUN_DIR --out DIR [--force]
  Writes DIR/train.py (the model as a torch.nn.Module with the same state_dict names, training that continues the
  run — also under torchrun with DistributedDataParallel — and --eval), safetensors_io.py, README.md,
  requirements.txt, metrics.jsonl (empty: train.py's history), model.safetensors and data/<the training file>.
  --force: write into a non-empty DIR.
`;

/** CliIo plus listing a directory (null when it does not exist) and bounded reads. */
export interface ExportIo extends CliIo {
  listDir: (path: string) => Promise<string[] | null>;
  /** The file when it is a regular file of at most maxBytes (readRegularFileAtMost on disk); else it throws. */
  readFileAtMost: (path: string, maxBytes: number) => Promise<Uint8Array>;
}

/** The most of a run.json export-pytorch reads (`train --out` writes a few hundred bytes). */
const MAX_RUN_JSON_BYTES = 1_000_000;

/**
 * A file of the run, bounded: null when it is not there; a FIFO or device, or a file over `maxBytes`, is refused in
 * one line (`tooLarge` words the size refusal) before anything is allocated for it.
 */
async function readOrNull(io: ExportIo, path: string, maxBytes: number, tooLarge: (size: number) => string): Promise<Uint8Array | null> {
  try {
    return await io.readFileAtMost(path, maxBytes);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    if (e instanceof NotRegularFileError) throw new EngineInputError(`${e.message}.`);
    if (e instanceof FileTooLargeError) throw new EngineInputError(tooLarge(e.size));
    throw e;
  }
}

const overBound = (path: string, maxBytes: number) => (size: number): string =>
  `${path} is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${(maxBytes / 1024 / 1024).toFixed(0)} MB such a file can reach; it was not written by \`sequence-lab train --out\`.`;

/**
 * Config keys a run.json written by `train --out` before the engine's config took the experiment file's names holds,
 * and their names today. export-pytorch is the one reader of that file, so this is the one place they are read.
 */
export const RENAMED_RUN_KEYS: Readonly<Record<string, string>> = {
  model: 'cell', embeddingDim: 'embedding', backpropSteps: 'truncate', batchSize: 'batch', clipNorm: 'clip',
};

/** A run.json's parsed JSON with its config's old keys under today's names (a key already under its new name wins). */
export function migrateRunJson(run: unknown): unknown {
  if (!isJsonObject(run) || !isJsonObject(run.config)) return run;
  return { ...run, config: renameKeys(run.config, RENAMED_RUN_KEYS) };
}

function parseRun(bytes: Uint8Array, where: string): ExportedRun {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new EngineInputError(`${where} is not valid JSON.`);
  }
  const run = migrateRunJson(parsed) as ExportedRun;
  const ok = typeof run === 'object' && run !== null && typeof run.config === 'object' && run.config !== null &&
    typeof run.data === 'object' && run.data !== null && typeof run.data.file === 'string' && /^[0-9a-f]{64}$/.test(String(run.data.sha256)) &&
    Number.isInteger(run.steps) && Number.isInteger(run.config.seqLength) && Number.isInteger(run.config.batch) &&
    typeof run.config.optimizer === 'object' && run.config.optimizer !== null;
  if (!ok) throw new EngineInputError(`${where} is not a Sequence Lab run (written by \`sequence-lab train --out\`).`);
  return run;
}

export async function run(argv: string[], io: ExportIo): Promise<number> {
  return guarded(io, 'export-pytorch', async () => {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(EXPORT_PYTORCH_USAGE);
      return 0;
    }
    const args = parseArgs(argv, ['--out'], ['--force']);
    if (args.positional.length !== 1) throw new UsageError('export-pytorch needs exactly one RUN_DIR');
    const out = args.options.get('--out');
    if (!out) throw new UsageError('export-pytorch needs --out DIR');
    const runDir = args.positional[0];
    if ((await io.listDir(runDir)) === null) throw new EngineInputError(`${runDir} is not a directory (expected a run directory written by \`sequence-lab train --out\`).`);
    const runBytes = await readOrNull(io, join(runDir, 'run.json'), MAX_RUN_JSON_BYTES, overBound(join(runDir, 'run.json'), MAX_RUN_JSON_BYTES));
    if (runBytes === null) throw new EngineInputError(`${runDir} has no run.json: it is not a run directory written by \`sequence-lab train --out\`.`);
    const runJson = parseRun(runBytes, join(runDir, 'run.json'));
    try {
      checkExportedRun(runJson);
    } catch (e) {
      if (e instanceof ModelMetadataError) throw new EngineInputError(`${join(runDir, 'run.json')}: ${e.message}`);
      throw e;
    }
    const modelBytes = await readOrNull(io, join(runDir, 'model.safetensors'), MAX_MODEL_FILE_BYTES, overBound(join(runDir, 'model.safetensors'), MAX_MODEL_FILE_BYTES));
    if (modelBytes === null) throw new EngineInputError(`${runDir} has no model.safetensors.`);
    const { meta } = decodeModel(modelBytes);

    // The data file as recorded (relative to where train ran), else relative to the run directory.
    const recorded = runJson.data.file;
    const candidates = isAbsolute(recorded) ? [recorded] : [recorded, join(runDir, recorded)];
    let data: Uint8Array | null = null;
    // Bounded by the training limit, with the words the extension and `train` use for a file over it.
    const maxData = DEFAULT_MAX_TRAINING_MB * 1024 * 1024;
    for (const c of candidates) {
      data = await readOrNull(io, c, maxData, (size) => trainingSizeMessage(size, fileLabelOf(c), maxData, null)!);
      if (data !== null) break;
    }
    if (data === null) throw new EngineInputError(`The training data ${recorded} (from run.json) is missing; looked at ${candidates.join(' and ')}.`);
    const sha = createHash('sha256').update(data).digest('hex');
    if (sha !== runJson.data.sha256) {
      throw new EngineInputError(`The training data ${recorded} has changed since training (SHA-256 ${sha.slice(0, 12)}…, run.json says ${runJson.data.sha256.slice(0, 12)}…).`);
    }

    const existing = await io.listDir(out);
    if (existing !== null && existing.length > 0 && !args.flags.has('--force')) {
      throw new EngineInputError(`${out} is not empty; pass --force to write into it anyway.`);
    }
    // The copy's name in safe characters (as the extension's export): README.md's commands and train.py name it.
    const dataFile = `data/${projectDataFileName(basename(recorded))}`;
    for (const f of pytorchProject(runJson, meta, dataFile)) await io.writeFile(join(out, f.path), f.contents);
    await io.writeFile(join(out, 'model.safetensors'), modelBytes);
    await io.writeFile(join(out, dataFile), data);
    io.stdout(`wrote a PyTorch project to ${out}: train.py, safetensors_io.py, README.md, requirements.txt, metrics.jsonl, model.safetensors, ${dataFile}\n`);
    return 0;
  });
}
