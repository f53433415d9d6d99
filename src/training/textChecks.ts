// Pure (no vscode import), so it is unit-tested with the engine.
// First look at a document before it is sent to the worker: the cases a user must hear about in words
// (empty, binary, too large) are caught here, on the cheap, before any run is created.

export interface TextVerdict {
  ok: boolean;
  /** Why the text cannot be trained on, addressed to the user. */
  message?: string;
}

export function checkTrainingText(text: string, fileLabel: string, maxBytes: number): TextVerdict {
  // UTF-16 length ≥ characters, ≤ 3 × UTF-8 bytes: a cheap upper bound before the exact count.
  const bytes = text.length > maxBytes / 3 ? Buffer.byteLength(text, 'utf8') : text.length;
  if (bytes > maxBytes) {
    const [size, limit] = sizes(bytes, maxBytes);
    return {
      ok: false,
      message: `${fileLabel} is ${size}, over the ${limit} limit for training. Raise "sequenceLab.limits.maxFileSizeMB" or train on a smaller file.`,
    };
  }
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
