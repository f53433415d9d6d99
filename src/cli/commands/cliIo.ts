// What a command module needs from the outside world, injected so tests can run commands in memory. The lead's
// wiring in src/cli.ts passes process.stdout/stderr writers and node:fs (writeFile must create parent directories).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { parseArgs as parseNodeArgs } from 'node:util';
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

/**
 * Splits argv by the known value options (`--name value` or `--name=value`) and switches with node:util's parseArgs
 * (strict: any other option is a UsageError, in one line). A value starting with - is written `--name=-1`.
 */
export function parseArgs(argv: string[], valueOptions: readonly string[], switches: readonly string[]): ParsedArgs {
  const declared: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const name of valueOptions) declared[name.replace(/^--/, '')] = { type: 'string' };
  for (const name of switches) declared[name.replace(/^--/, '')] = { type: 'boolean' };
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: argv, options: declared, strict: true, allowPositionals: true });
  } catch (e) {
    // Node's own messages are several sentences; the option it names is enough.
    const code = (e as { code?: string }).code;
    const name = /'(-{1,2}[^' =]+)/.exec((e as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${name}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (switches.includes(name)) throw new UsageError(`${name} takes no value`);
      throw new UsageError(`${name} needs a value${/ambiguous/.test((e as Error).message) ? ` (for one starting with -, write ${name}=-…)` : ''}`);
    }
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const out: ParsedArgs = { positional: [...parsed.positionals], options: new Map(), flags: new Set() };
  for (const [key, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') out.options.set(`--${key}`, value);
    else if (value === true) out.flags.add(`--${key}`);
  }
  return out;
}

/** The value of a choice option (`fallback` when absent); anything not in `allowed` is a UsageError. */
export function oneOf<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const value = args.options.get(name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
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

/**
 * Runs a command body, turning user mistakes into one line on stderr and an exit code (no stack traces): 2 for a
 * mistake in the command line (pointing to `sequence-lab COMMAND --help`), 1 for data or files that cannot be used.
 */
export async function guarded(io: CliIo, command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message} (see sequence-lab ${command} --help)\n`);
      return 2;
    }
    if (e instanceof NumericFaultError) {
      io.stderr(`error: training stopped. ${e.message}\n`);
      return 1;
    }
    if (e instanceof EngineInputError) {
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
