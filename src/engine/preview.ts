// A value from a file, written for an error message: JSON-like, cut at a budget of characters, one line. It walks the
// value only as far as the budget reaches (each level costs at least one character), so a deeply nested or huge
// value costs no more than a short one: JSON.stringify of it would overflow the stack or build megabytes of text.

/** At most `max` characters of `value` as JSON would write it, with "…" where it was cut. */
export function previewJson(value: unknown, max = 60): string {
  let out = '';
  const room = (): number => max - out.length;
  const put = (s: string): boolean => {
    if (s.length > room()) {
      out += s.slice(0, Math.max(0, room()));
      return false;
    }
    out += s;
    return true;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (room() <= 0 || depth > max) return false;
    if (v === undefined) return put('nothing');
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return put(String(v));
    if (typeof v === 'string') return put(quoteString(v.length > max ? v.slice(0, max) : v)) && v.length <= max;
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if ((i > 0 && !put(',')) || !walk(v[i], depth + 1)) return false;
      }
      return put(']');
    }
    if (typeof v === 'object') {
      if (!put('{')) return false;
      let first = true;
      for (const k in v as Record<string, unknown>) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        if ((!first && !put(',')) || !put(`${quoteString(k.length > max ? k.slice(0, max) : k)}:`) || !walk((v as Record<string, unknown>)[k], depth + 1)) return false;
        first = false;
      }
      return put('}');
    }
    return put(typeof v);
  };
  const whole = walk(value, 0);
  return whole ? out : `${out.slice(0, Math.max(0, max - 1))}…`;
}

/** A string in double quotes with JSON's escapes and line separators escaped too. */
function quoteString(s: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  return `"${s.replace(/[\u0000-\u001f\u007f\u2028\u2029"\\]/g, (c) => SHORT_ESCAPES[c] ?? (c === '"' || c === '\\' ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

/** JSON's short escapes, which read better in a message than \u000a. */
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
