// Old files under today's names. When the config took the experiment file's vocabulary (one name per concept, issue
// 16), three kinds of file kept their old keys: a run folder's run.json (the extension's run store), a `train --out`
// run.json (the CLI's export-pytorch) and a model.safetensors description. Each reader renames through this one
// function, with its own table, so every reader accepts both spellings and every writer writes today's.

/**
 * `record` with each key that `renames` maps under its new name; where the record already holds the new name, that
 * value wins and the old key is dropped; every other key as it was. The result is a new object whose keys are all
 * defined as data (Object.fromEntries): a `"__proto__"` key from a file stays a plain key and never becomes the
 * result's prototype, so nothing a file holds is read through inheritance.
 */
export function renameKeys(record: Readonly<Record<string, unknown>>, renames: Readonly<Record<string, string>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).flatMap(([key, value]): [string, unknown][] => {
    const renamed = Object.hasOwn(renames, key) ? renames[key] : undefined;
    if (renamed === undefined) return [[key, value]];
    return Object.hasOwn(record, renamed) ? [] : [[renamed, value]];
  }));
}

/** A JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
