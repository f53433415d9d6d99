// An experiment as a `sequence-lab train …` command line (the experiment file's CodeLens "Copy Command Line"): every
// option written out, each word quoted for the user's shell (POSIX, PowerShell or cmd.exe), or refused when no
// quoting passes it unchanged. Pure: no vscode, no node APIs.
import { EXPERIMENT_FILE_SUFFIX, type Experiment } from './experimentFile';
import { defaultDtype } from './trainingConfig';

/** The shell a command line is written for (the user's terminal: bash/zsh…, PowerShell, or Windows' cmd.exe). */
export type CommandShell = 'posix' | 'powershell' | 'cmd';

/** A word that cannot be written safely for cmd.exe (quotes, %, !, line breaks): the command is not offered. */
export class UnquotableError extends Error {
  override name = 'UnquotableError';
}

/** The shell of a terminal program path: pwsh/powershell, cmd, else POSIX. */
export function shellOf(program: string | undefined): CommandShell {
  const name = (program ?? '').split(/[\\/]/).pop()!.toLowerCase().replace(/\.exe$/, '');
  return name === 'pwsh' || name === 'powershell' ? 'powershell' : name === 'cmd' ? 'cmd' : 'posix';
}

/**
 * One word quoted for `shell`: bare when it holds only characters no shell interprets, else POSIX single quotes
 * (' as '\''), PowerShell single quotes (every kind of single quote doubled: PowerShell also reads ‘ ’ ‚ ‛ as
 * quotes), or cmd.exe double quotes (a word with ", %, !, ^ or a line break cannot be quoted safely there: refused).
 * On Windows the word then goes through the program's C runtime, which reads backslashes before a closing quote as
 * escaping it: for cmd.exe they are doubled. PowerShell hands the value on by rules that changed between versions
 * (7.3 escapes for the C runtime; Windows PowerShell 5.1 only wraps a value with blanks in quotes, and keeps doing so
 * for npm's sequence-lab.cmd shim, which cmd.exe reads again): a word that would come out differently, or reach
 * cmd.exe as code, in any of them is refused (see powershellProblem).
 */
export function shellWord(word: string, shell: CommandShell = 'posix'): string {
  if ((shell === 'posix' ? /^[A-Za-z0-9_./:=,@%+-]+$/ : /^[A-Za-z0-9_./:=+-]+$/).test(word)) return word;
  if (shell === 'powershell') {
    const problem = powershellProblem(word);
    if (problem) throw new UnquotableError(`cannot be passed safely from PowerShell (${problem}): ${JSON.stringify(word.slice(0, 60))}`);
    return `'${word.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
  }
  if (shell === 'cmd') {
    // eslint-disable-next-line no-control-regex -- a NUL cannot be passed in a command line
    if (/["%!^\r\n\u0000]/.test(word)) throw new UnquotableError(`cannot be written safely for cmd.exe: ${JSON.stringify(word.slice(0, 60))}`);
    // "C:\dir\" would end in \" (an escaped quote to the C runtime): the trailing backslashes doubled stay backslashes.
    return `"${word.replace(/(\\+)$/, '$1$1')}"`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Why a word cannot go from PowerShell to sequence-lab unchanged under every way PowerShell passes arguments to a
 * program (undefined: it can). Windows PowerShell 5.1 (legacy passing) drops an empty word, wraps a word with blanks
 * in double quotes without escaping anything (so a " inside, or a trailing backslash, changes what the program
 * reads) and leaves other words bare, which npm's .cmd shim hands to cmd.exe: there & | < > ^ ( ) outside quotes
 * and % or ! anywhere are code or expansions.
 */
function powershellProblem(word: string): string | undefined {
  if (word === '') return 'an empty word is dropped';
  // eslint-disable-next-line no-control-regex -- a NUL cannot be passed in a command line
  if (/[\r\n\u0000]/.test(word)) return 'a line break';
  if (word.includes('"')) return 'a double quote';
  const expands = /[%!]/.exec(word);
  if (expands) return `${expands[0]}, which cmd.exe expands`;
  const blank = /[ \t]/.test(word);
  const meta = /[&|<>^()]/.exec(word);
  if (!blank && meta) return `${meta[0]} outside quotes, which cmd.exe runs`;
  if (blank && word.endsWith('\\')) return 'a backslash before the closing quote';
  return undefined;
}

/**
 * The `sequence-lab train …` command line that trains the same model on the same data (run it in the experiment
 * file's folder; with a checkout of the project, `node dist/cli.js` instead of `sequence-lab`). Every option is
 * written out, so the command does not depend on the CLI's own defaults (which differ from the editor's).
 */
export function experimentCommandLine(experiment: Experiment, outDir: string, program = 'sequence-lab', shell: CommandShell = 'posix'): string {
  const { data, model, training } = experiment;
  const task =
    data.kind === 'tagged' ? ['--task', 'tag']
    : data.kind === 'series' ? ['--task', 'series']
    : data.kind === 'sequence-to-one' ? ['--task', 'sequence-to-one']
    : ['--task', 'lm', '--tokens', data.kind === 'words' ? 'words' : 'chars'];
  const words = [
    ...program.split(' '),
    'train',
    data.path,
    '--out',
    outDir,
    ...task,
    '--model',
    model.cell,
    ...(model.nonlinearity ? ['--nonlinearity', model.nonlinearity] : []),
    '--layers',
    String(model.layers),
    '--hidden',
    String(model.hiddenSize),
    ...(model.bidirectional ? ['--bidirectional'] : []),
    ...(model.embedding !== undefined ? ['--embedding', String(model.embedding)] : []),
    ...(model.init !== undefined && model.init !== 'pytorch' ? ['--init', model.init] : []),
    ...(model.spectralRadius !== undefined ? ['--spectral-radius', String(model.spectralRadius)] : []),
    ...(training.truncate !== undefined ? ['--truncate', `${training.seqLength},${training.truncate}`] : ['--seq', String(training.seqLength)]),
    '--batch',
    String(training.batch),
    '--optimizer',
    training.optimizer,
    '--lr',
    String(training.learningRate),
    ...(training.momentum !== undefined ? ['--momentum', String(training.momentum)] : []),
    '--clip',
    String(training.clip),
    '--steps',
    String(training.steps),
    '--seed',
    String(training.seed),
    '--dtype',
    training.dtype ?? defaultDtype(data.kind),
    // The editor holds out 10% of the data (src/engine/heldOut.ts); so does this command, so the losses agree.
    '--held-out',
    '0.1',
  ];
  return words.map((w) => shellWord(w, shell)).join(' ');
}

/** The output folder the command line writes to: runs/<experiment name without .seqlab.json>. */
export function experimentOutDir(experimentFileName: string): string {
  const base = experimentFileName.replace(/^.*[\\/]/, '');
  const name = base.toLowerCase().endsWith(EXPERIMENT_FILE_SUFFIX) ? base.slice(0, -EXPERIMENT_FILE_SUFFIX.length) : base;
  return `runs/${name || 'experiment'}`;
}
