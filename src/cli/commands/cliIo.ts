// What a command module needs from the outside world, injected so tests can run commands in memory. The lead's
// wiring in src/cli.ts passes process.stdout/stderr writers and node:fs (writeFile must create parent directories).
import { parseArgs as parseNodeArgs } from 'node:util';
import { EngineInputError, NumericFaultError } from '../../engine/errors';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<Uint8Array>;
  writeFile: (path: string, data: Uint8Array | string) => Promise<void>;
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
