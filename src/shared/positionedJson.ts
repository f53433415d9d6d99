// A strict JSON parser (RFC 8259) that remembers where every value and key is in the text, so a problem found in
// a value can be underlined in the editor. Syntax errors are reported with their offset instead of thrown.
// Pure: used by the host (diagnostics on *.seqlab.json) and by node tests.

export type JsonNode =
  | { type: 'object'; offset: number; length: number; properties: JsonProperty[] }
  | { type: 'array'; offset: number; length: number; items: JsonNode[] }
  | { type: 'string'; offset: number; length: number; value: string }
  | { type: 'number'; offset: number; length: number; value: number }
  | { type: 'boolean'; offset: number; length: number; value: boolean }
  | { type: 'null'; offset: number; length: number; value: null };

export interface JsonProperty {
  key: string;
  keyOffset: number;
  keyLength: number;
  value: JsonNode;
}

export interface JsonSyntaxError {
  message: string;
  offset: number;
  length: number;
}

export type JsonParseResult = { ok: true; root: JsonNode } | { ok: false; error: JsonSyntaxError };

class SyntaxFault extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length = 1,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters (U+0000–U+001F) in strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
/** Nesting deeper than this is refused (a stack overflow would be a crash, not a message). */
const MAX_DEPTH = 64;

export function parsePositionedJson(text: string): JsonParseResult {
  let pos = 0;
  const skipSpace = () => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\n' || text[pos] === '\r')) pos++;
  };
  const describe = (at: number) => (at >= text.length ? 'the end of the file' : JSON.stringify(text[at]));
  const expect = (what: string): never => {
    throw new SyntaxFault(`expected ${what}, found ${describe(pos)}`, Math.min(pos, text.length), pos < text.length ? 1 : 0);
  };

  const parseString = (): { value: string; offset: number; length: number } => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) {
      // Find why: an unterminated string, a raw control character or a bad escape.
      let i = pos + 1;
      while (i < text.length && text[i] !== '"') {
        if (text.charCodeAt(i) < 0x20) throw new SyntaxFault('a string must not contain a line break or control character (write \\n)', i);
        if (text[i] === '\\') {
          if (!/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) throw new SyntaxFault('invalid escape in a string', i, 2);
          i++;
        }
        i++;
      }
      throw new SyntaxFault('unterminated string', pos, Math.max(1, i - pos));
    }
    const offset = pos;
    pos += m[0].length;
    return { value: JSON.parse(m[0]) as string, offset, length: m[0].length };
  };

  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) throw new SyntaxFault(`nesting deeper than ${MAX_DEPTH} levels`, pos);
    skipSpace();
    const start = pos;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const properties: JsonProperty[] = [];
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return { type: 'object', offset: start, length: pos - start, properties };
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') expect(properties.length === 0 ? 'a property name in double quotes or "}"' : 'a property name in double quotes');
        const key = parseString();
        skipSpace();
        if (text[pos] !== ':') expect('":" after the property name');
        pos++;
        const value = parseValue(depth + 1);
        properties.push({ key: key.value, keyOffset: key.offset, keyLength: key.length, value });
        skipSpace();
        if (text[pos] === ',') {
          const comma = pos++;
          skipSpace();
          if (text[pos] === '}') throw new SyntaxFault('trailing comma before "}"', comma);
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return { type: 'object', offset: start, length: pos - start, properties };
        }
        expect('"," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return { type: 'array', offset: start, length: pos - start, items };
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipSpace();
        if (text[pos] === ',') {
          const comma = pos++;
          skipSpace();
          if (text[pos] === ']') throw new SyntaxFault('trailing comma before "]"', comma);
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return { type: 'array', offset: start, length: pos - start, items };
        }
        expect('"," or "]"');
      }
    }
    if (c === '"') {
      const s = parseString();
      return { type: 'string', offset: s.offset, length: s.length, value: s.value };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value === null ? { type: 'null', offset: start, length: word.length, value } : { type: 'boolean', offset: start, length: word.length, value };
      }
    }
    NUMBER.lastIndex = pos;
    const m = c === '-' || (c !== undefined && c >= '0' && c <= '9') ? NUMBER.exec(text) : null;
    if (m) {
      pos += m[0].length;
      return { type: 'number', offset: start, length: m[0].length, value: Number(m[0]) };
    }
    return expect('a value (object, array, string, number, true, false or null)');
  };

  try {
    const root = parseValue(0);
    skipSpace();
    if (pos < text.length) throw new SyntaxFault(`unexpected ${describe(pos)} after the end of the JSON value`, pos);
    return { ok: true, root };
  } catch (error) {
    if (!(error instanceof SyntaxFault)) throw error;
    // The underlined range never reaches past the end of the text (e.g. a lone backslash at the very end).
    const offset = Math.min(error.offset, text.length);
    return { ok: false, error: { message: error.message, offset, length: Math.min(error.length, text.length - offset) } };
  }
}

/** 1-based line and column of `offset` in `text` (for messages). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
