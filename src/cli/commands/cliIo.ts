// What a command module needs from the outside world, injected so tests can run commands in memory. The lead's
// wiring in src/cli.ts passes process.stdout/stderr writers and node:fs (writeFile must create parent directories).
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
