// The one first look at a text before anything trains on it, shared by the extension (every command that sends a
// document to the worker) and the command line (`sequence-lab train`, with or without --out): the cases a user must
// hear about in words (empty, whitespace only, binary, a single character, too large) are caught here, on the cheap,
// before any run is created, with the same message on both sides. A leaf: no vscode, no Node APIs.

export interface TextVerdict {
  ok: boolean;
  /** Why the text cannot be trained on, addressed to the user. */
  message?: string;
}

/** The largest file trained on, in MB: the default of sequenceLab.limits.maxFileSizeMB, and the command line's limit. */
export const DEFAULT_MAX_TRAINING_MB = 20;

/** The name a message calls a file by: the last segment of its path. */
export function fileLabelOf(filePath: string): string {
  return filePath.split(/[\\/]/).filter(Boolean).pop() ?? filePath;
}

/** What the over-size message tells the user to raise (the extension's setting; the CLI has none to raise). */
export const SIZE_LIMIT_SETTING = '"sequenceLab.limits.maxFileSizeMB"';

/**
 * The over-size message for a file of `bytes` bytes, or undefined when it is within `maxBytes`: the words of
 * checkTrainingText, for a reader that checks a file's size before reading it (the CLI's export-pytorch).
 */
export function trainingSizeMessage(bytes: number, fileLabel: string, maxBytes: number, raise: string | null = SIZE_LIMIT_SETTING): string | undefined {
  if (bytes <= maxBytes) return undefined;
  const [size, limit] = sizes(bytes, maxBytes);
  return `${fileLabel} is ${size}, over the ${limit} limit for training. ${raise ? `Raise ${raise} or train` : 'Train'} on a smaller file.`;
}

export function checkTrainingText(text: string, fileLabel: string, maxBytes: number, raise: string | null = SIZE_LIMIT_SETTING): TextVerdict {
  // UTF-16 length ≤ 3 × UTF-8 bytes of the same text: a cheap bound before the exact count.
  const bytes = text.length > maxBytes / 3 ? utf8Length(text) : text.length;
  const tooLarge = trainingSizeMessage(bytes, fileLabel, maxBytes, raise);
  if (tooLarge !== undefined) return { ok: false, message: tooLarge };
  if (text.trim().length === 0) {
    const what = text.length === 0 ? 'is empty' : 'is empty apart from whitespace';
    return { ok: false, message: `${fileLabel} ${what}: there is nothing to learn from. Open a file with some text in it.` };
  }
  if (text.includes('\u0000')) {
    return {
      ok: false,
      message: `${fileLabel} looks like a binary file (it contains NUL bytes). Sequence Lab trains on text; open a text file.`,
    };
  }
  if (countCodePoints(text, 2) < 2) {
    return { ok: false, message: `${fileLabel} has a single character: a model needs at least two to predict one from another.` };
  }
  const only = singleDistinct(text);
  if (only !== undefined) {
    const shown = JSON.stringify(only);
    return {
      ok: false,
      message: `${fileLabel} repeats one character (${shown}) and nothing else: every next character is certain, so a model would learn nothing (its loss falls to 0). Open a file with at least two different characters.`,
    };
  }
  return { ok: true };
}

/** The one code point `text` repeats, or undefined when it has two different ones (stops at the second). */
function singleDistinct(text: string): string | undefined {
  const first = text.codePointAt(0);
  if (first === undefined) return undefined;
  const width = first > 0xffff ? 2 : 1;
  for (let i = width; i < text.length; i += width) {
    if (text.codePointAt(i) !== first) return undefined;
  }
  return String.fromCodePoint(first);
}

/** UTF-8 bytes of a string (a lone surrogate counts 3, as TextEncoder writes U+FFFD for it). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function countCodePoints(text: string, stopAt: number): number {
  const iterator = text[Symbol.iterator]();
  let n = 0;
  while (n < stopAt && !iterator.next().done) n++;
  return n;
}

/**
 * The size and the limit in MB with one decimal, or more decimals when one would print them the same (20.04 MB over
 * a 20 MB limit is "20.04 MB, over the 20.00 MB limit", never "20.0 MB, over the 20.0 MB limit"), or in bytes.
 */
function sizes(bytes: number, maxBytes: number): [string, string] {
  const mb = (n: number, digits: number) => `${(n / 1024 / 1024).toFixed(digits)} MB`;
  for (let digits = 1; digits <= 4; digits++) {
    if (mb(bytes, digits) !== mb(maxBytes, digits)) return [mb(bytes, digits), mb(maxBytes, digits)];
  }
  return [`${bytes} bytes`, `${maxBytes}-byte`];
}
