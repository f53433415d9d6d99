// What a command module needs from the outside world, injected so tests can run commands in memory. The lead's
// wiring in src/cli.ts passes process.stdout/stderr writers and node:fs (writeFile must create parent directories).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { EngineInputError, NumericFaultError } from '../../engine/errors';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<Uint8Array>;
  writeFile: (path: string, data: Uint8Array | string) => Promise<void>;
}

/** A file longer than a bounded read allows: `size` bytes, found before anything was allocated for it. */
export class FileTooLargeError extends Error {
  constructor(readonly path: string, readonly size: number) {
    super(`${path} is ${(size / 1024 / 1024).toFixed(1)} MB`);
  }
}

/** A FIFO, device, folder or socket where a file was expected: refused before it is read (a FIFO would block). */
export class NotRegularFileError extends Error {
  constructor(readonly path: string, readonly what: string) {
    super(`${path} is ${what}, not a regular file`);
  }
}

/**
 * Reads `path` when it is a regular file of at most `maxBytes`, checked on the opened file before the buffer is
 * allocated (O_NONBLOCK: opening a FIFO does not wait for a writer; it is then refused by its kind). Throws
 * FileTooLargeError, NotRegularFileError, or the system's error (ENOENT…).
 */
export async function readRegularFileAtMost(path: string, maxBytes: number): Promise<Uint8Array> {
  const file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await file.stat();
    if (!info.isFile()) {
      throw new NotRegularFileError(path, info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file');
    }
    if (info.size > maxBytes) throw new FileTooLargeError(path, info.size);
    const bytes = new Uint8Array(info.size);
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead } = await file.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) break; // shrank since the stat: what is there
      at += bytesRead;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } finally {
    await file.close();
  }
}

/** A mistake in the command line: reported as one line and exit code 2. */
export class UsageError extends Error {}

/** Parsed `--name value` options, `--flag` switches and positional arguments. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/** Splits argv by the known value options and switches; anything else starting with - is a UsageError. */
export function parseArgs(argv: string[], valueOptions: readonly string[], switches: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (valueOptions.includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      out.options.set(a, v);
    } else if (switches.includes(a)) out.flags.add(a);
    else if (a.startsWith('--') || (a.startsWith('-') && a.length > 1 && Number.isNaN(Number(a)))) throw new UsageError(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

/** The number of an option (undefined when absent); checks it is a whole number ≥ min or any finite number. */
export function numberOption(args: ParsedArgs, name: string, kind: 'whole' | 'number', min = kind === 'whole' ? 1 : -Infinity): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (kind === 'whole' && !Number.isInteger(v)) || v < min) {
    throw new UsageError(`${name} needs ${kind === 'whole' ? `a whole number ≥ ${min}` : `a number ≥ ${min}`} (got ${JSON.stringify(raw)})`);
  }
  return v;
}

/** Runs a command body, turning user mistakes into one line on stderr and an exit code (no stack traces). */
export async function guarded(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n${usage}`);
      return 2;
    }
    if (e instanceof EngineInputError || e instanceof NumericFaultError) {
      io.stderr(`error: ${e.message}\n`);
      return 1;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      io.stderr(`error: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
