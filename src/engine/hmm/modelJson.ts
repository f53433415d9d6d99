// The model file of a discrete HMM:
//   {"states": [...], "symbols": [...], "start": [...], "transition": [[...]], "emission": [[...]]}
// start has N entries, transition is N×N (row i = P(next state | state i)), emission is N×M (row i = P(symbol |
// state i)). Every entry must be a finite number ≥ 0 and start and every row must sum to 1 within 1e-6.
// Every problem is an EngineInputError whose message names the place (row numbers are 1-based, with the name).
// A Gaussian-emission model has "means" and "variances" (one row of D numbers per state, or one number per state
// when D = 1) instead of "symbols" and "emission"; variances must be > 0.
import { EngineInputError } from '../errors';
import { previewJson } from '../preview';
import { createDiscreteHmm, type DiscreteHmm } from './discreteHmm';
import { createGaussianHmm, type GaussianHmm } from './gaussianHmm';

export const ROW_SUM_TOLERANCE = 1e-6;

function fail(message: string): never {
  throw new EngineInputError(`Invalid model: ${oneLine(message)}`);
}

/** A name or value as JSON (quoted, control characters escaped), shortened so a message stays one readable line. */
function q(value: unknown): string {
  return previewJson(value, 40);
}

/** Escapes line breaks and other control characters (e.g. quoted by a JSON.parse message). */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The message of a JSON.parse error, shortened (V8 quotes part of the text). */
function jsonError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 120 ? `${m.slice(0, 119)}…` : m;
}

/** A number as people would write it: at most 12 significant digits, no trailing noise. */
function show(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function names(value: unknown, field: 'states' | 'symbols'): string[] {
  const what = field === 'states' ? 'state' : 'symbol';
  if (value === undefined) fail(`there is no "${field}" list.`);
  if (!Array.isArray(value)) fail(`"${field}" must be a list of names.`);
  if (value.length === 0) fail(`"${field}" is empty: a model needs at least one ${what}.`);
  const seen = new Map<string, number>();
  value.forEach((name, k) => {
    if (typeof name !== 'string' || name === '') fail(`${what} ${k + 1} in "${field}" is ${q(name)}, not a non-empty name.`);
    if (field === 'symbols' && /\s/.test(name)) {
      fail(`the symbol ${q(name)} contains whitespace (observation files separate symbols by whitespace).`);
    }
    const first = seen.get(name);
    if (first !== undefined) fail(`the ${what} name ${q(name)} appears twice in "${field}" (positions ${first + 1} and ${k + 1}).`);
    seen.set(name, k);
  });
  return value as string[];
}

/** Checks one probability row; `where` is e.g. `"transition" row 2 ("L")`, `columns` names the entries. */
function row(value: unknown, where: string, length: number, lengthWhat: string, columns: readonly string[], columnWhat: string): number[] {
  if (!Array.isArray(value)) fail(`${where} must be a list of ${length} numbers.`);
  if (value.length !== length) fail(`${where} has ${value.length} entries but there are ${length} ${lengthWhat}.`);
  value.forEach((x, k) => {
    const at = `${where}, entry ${k + 1} (${columnWhat} ${q(columns[k])})`;
    if (typeof x !== 'number' || Number.isNaN(x)) fail(`${at} is ${x === undefined ? 'missing' : typeof x === 'number' ? 'NaN' : q(x)}, not a number.`);
    if (!Number.isFinite(x)) fail(`${at} is ${x}, not a finite number.`);
    if (x < 0) fail(`${at} is ${show(x)}: probabilities cannot be negative.`);
  });
  const sum = (value as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) fail(`${where} sums to ${show(sum)}, not 1 (tolerance ${ROW_SUM_TOLERANCE}).`);
  return value as number[];
}

function matrix(value: unknown, field: 'transition' | 'emission', states: string[], columns: string[], columnWhat: string): number[][] {
  const n = states.length;
  if (value === undefined) fail(`there is no "${field}" matrix.`);
  if (!Array.isArray(value)) fail(`"${field}" must be a list of rows (one per state).`);
  if (value.length !== n) fail(`"${field}" has ${value.length} rows but there are ${n} states.`);
  const lengthWhat = columnWhat === 'state' ? 'states' : 'symbols';
  return value.map((r, i) => row(r, `"${field}" row ${i + 1} (${q(states[i])})`, columns.length, lengthWhat, columns, columnWhat));
}

/** Validates a parsed model object (e.g. from JSON.parse) and builds the model. */
export function validateDiscreteHmm(value: unknown): DiscreteHmm {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('the file must hold one JSON object with "states", "symbols", "start", "transition" and "emission".');
  }
  const o = value as Record<string, unknown>;
  const states = names(o.states, 'states');
  const symbols = names(o.symbols, 'symbols');
  if (o.start === undefined) fail('there is no "start" list.');
  const start = row(o.start, '"start"', states.length, 'states', states, 'state');
  const transition = matrix(o.transition, 'transition', states, states, 'state');
  const emission = matrix(o.emission, 'emission', states, symbols, 'symbol');
  return createDiscreteHmm({ states, symbols, start, transition, emission });
}

/** Parses and validates the text of a model file. */
export function parseDiscreteHmm(text: string): DiscreteHmm {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`the file is not JSON (${jsonError(e)}).`);
  }
  return validateDiscreteHmm(value);
}

/** The model as the plain object of the file format. */
export function discreteHmmToJson(model: DiscreteHmm): {
  states: string[];
  symbols: string[];
  start: number[];
  transition: number[][];
  emission: number[][];
} {
  const { n, m } = model;
  return {
    states: [...model.states],
    symbols: [...model.symbols],
    start: Array.from(model.start),
    transition: Array.from({ length: n }, (_, i) => Array.from(model.transition.subarray(i * n, i * n + n))),
    emission: Array.from({ length: n }, (_, i) => Array.from(model.emission.subarray(i * m, i * m + m))),
  };
}

/** The file text: one line per row, so a person can read and edit it. */
export function stringifyDiscreteHmm(model: DiscreteHmm): string {
  const j = discreteHmmToJson(model);
  const rows = (r: number[][]): string => `[\n${r.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
  return (
    `{\n  "states": ${JSON.stringify(j.states)},\n  "symbols": ${JSON.stringify(j.symbols)},\n` +
    `  "start": ${JSON.stringify(j.start)},\n  "transition": ${rows(j.transition)},\n  "emission": ${rows(j.emission)}\n}\n`
  );
}

/** Means or variances: N rows of D finite numbers (a flat list of N numbers is read as D = 1). */
function gaussianRows(value: unknown, field: 'means' | 'variances', states: string[]): number[][] {
  const n = states.length;
  if (value === undefined) fail(`there is no "${field}" list.`);
  if (!Array.isArray(value)) fail(`"${field}" must be a list with one entry per state.`);
  if (value.length !== n) fail(`"${field}" has ${value.length} rows but there are ${n} states.`);
  const rows = value.map((r) => (Array.isArray(r) ? r : [r]) as unknown[]);
  const dimension = rows[0].length;
  rows.forEach((r, i) => {
    const where = `"${field}" row ${i + 1} (${q(states[i])})`;
    if (r.length !== dimension || dimension === 0) fail(`${where} has ${r.length} numbers but row 1 has ${dimension}.`);
    r.forEach((x, d) => {
      const at = dimension === 1 ? where : `${where}, entry ${d + 1}`;
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${at} is ${x === undefined ? 'missing' : q(x)}, not a finite number.`);
      if (field === 'variances' && !(x > 0)) fail(`${at} is ${show(x)}: variances must be above 0.`);
    });
  });
  return rows as number[][];
}

/** True when the parsed object looks like a Gaussian model (it has "means"). */
export function isGaussianModelObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'means' in value;
}

export function validateGaussianHmm(value: unknown): GaussianHmm {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('the file must hold one JSON object with "states", "start", "transition", "means" and "variances".');
  }
  const o = value as Record<string, unknown>;
  const states = names(o.states, 'states');
  if (o.start === undefined) fail('there is no "start" list.');
  const start = row(o.start, '"start"', states.length, 'states', states, 'state');
  const transition = matrix(o.transition, 'transition', states, states, 'state');
  const means = gaussianRows(o.means, 'means', states);
  const variances = gaussianRows(o.variances, 'variances', states);
  if (means[0].length !== variances[0].length) {
    fail(`"means" rows have ${means[0].length} numbers but "variances" rows have ${variances[0].length}.`);
  }
  return createGaussianHmm({ states, start, transition, means, variances });
}

/** Parses either kind of model file. */
export function parseHmm(text: string): { kind: 'discrete'; model: DiscreteHmm } | { kind: 'gaussian'; model: GaussianHmm } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`the file is not JSON (${jsonError(e)}).`);
  }
  return isGaussianModelObject(value)
    ? { kind: 'gaussian', model: validateGaussianHmm(value) }
    : { kind: 'discrete', model: validateDiscreteHmm(value) };
}

export function stringifyGaussianHmm(model: GaussianHmm): string {
  const { n, dimension: dim } = model;
  const rows = (x: Float64Array, width: number): string =>
    `[\n${Array.from({ length: n }, (_, i) => `    ${JSON.stringify(Array.from(x.subarray(i * width, i * width + width)))}`).join(',\n')}\n  ]`;
  return (
    `{\n  "states": ${JSON.stringify(model.states)},\n  "start": ${JSON.stringify(Array.from(model.start))},\n` +
    `  "transition": ${rows(model.transition, n)},\n  "means": ${rows(model.means, dim)},\n  "variances": ${rows(model.variances, dim)}\n}\n`
  );
}
