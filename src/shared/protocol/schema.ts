// One small validator for every channel's messages: a schema is written once, and both the message's TypeScript
// type (`Infer<typeof schema>`) and its run-time check come from it, so no type and validator are kept in step by
// hand. Every number is finite and bounded, every string and array has a largest length, objects either refuse or
// drop keys they do not name. A check never throws: it returns the (copied, cleaned) value or FAIL.
//
// Builders are marked free of side effects, and a schema that nests builder calls is wrapped in lazy(): esbuild drops
// a call to an imported function only when the call is annotated where it is made, so a bundle that imports only a
// channel's types or constants (a webview) then keeps none of its schemas.

/** What a check returns for a value it refuses. */
export const FAIL: unique symbol = Symbol('fail');
export type Fail = typeof FAIL;

/** What tests read from a schema (src/shared/protocol tests walk it to build valid and mutated messages). */
export type SchemaInfo =
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'picklist'; values: readonly (string | number)[] }
  | { kind: 'string'; min: number; max: number; pattern?: RegExp }
  | { kind: 'number'; min: number; max: number; integer: boolean }
  | { kind: 'boolean' }
  | { kind: 'array'; item: Schema<unknown>; min: number; max: number; unique: boolean }
  | { kind: 'typedArray'; name: string; max: number }
  | { kind: 'object'; shape: Readonly<Record<string, Schema<unknown>>>; unknownKeys: 'reject' | 'strip' }
  | { kind: 'variant'; key: string; options: Readonly<Record<string, Schema<unknown>>> }
  | { kind: 'refined'; inner: Schema<unknown>; note: string }
  | { kind: 'custom'; note: string };

export interface Schema<T> {
  readonly info: SchemaInfo;
  /** The value (a fresh copy for objects and arrays) if it conforms, otherwise FAIL. */
  readonly check: (value: unknown) => T | Fail;
  /** Set by optional(): the key may be absent (or undefined) in an object. */
  readonly optional?: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type InferShape<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

const make = <T>(info: SchemaInfo, check: (value: unknown) => T | Fail): Schema<T> => ({ info, check });

/* @__NO_SIDE_EFFECTS__ */
export function literal<const V extends string | number | boolean>(value: V): Schema<V> {
  return make({ kind: 'literal', value }, (v) => (v === value ? value : FAIL));
}

/** One of a few strings or numbers. */
/* @__NO_SIDE_EFFECTS__ */
export function picklist<const V extends readonly (string | number)[]>(values: V): Schema<V[number]> {
  return make({ kind: 'picklist', values }, (v) => (values.includes(v as V[number]) ? (v as V[number]) : FAIL));
}

/** A string of min…max UTF-16 units (min 0 unless given), matching `pattern` when given. */
/* @__NO_SIDE_EFFECTS__ */
export function string(limits: { max: number; min?: number; pattern?: RegExp }): Schema<string> {
  const min = limits.min ?? 0;
  const { max, pattern } = limits;
  return make({ kind: 'string', min, max, pattern }, (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max && (!pattern || pattern.test(v)) ? v : FAIL,
  );
}

/** A finite number in [min, max]; whole when `integer`. NaN and ±Infinity never pass. */
/* @__NO_SIDE_EFFECTS__ */
export function number(limits: { min: number; max: number; integer?: boolean }): Schema<number> {
  const { min, max } = limits;
  const integer = limits.integer ?? false;
  return make({ kind: 'number', min, max, integer }, (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)) ? v : FAIL,
  );
}

/** A whole number in [min, max]. */
/* @__NO_SIDE_EFFECTS__ */
export function integer(min: number, max: number): Schema<number> {
  return number({ min, max, integer: true });
}

/* @__NO_SIDE_EFFECTS__ */
export function boolean(): Schema<boolean> {
  return make({ kind: 'boolean' }, (v) => (typeof v === 'boolean' ? v : FAIL));
}

/** An array of min…max items (a plain array, copied), each checked by `item`; `unique`: no value twice. */
/* @__NO_SIDE_EFFECTS__ */
export function array<T>(item: Schema<T>, limits: { max: number; min?: number; unique?: boolean }): Schema<T[]> {
  const min = limits.min ?? 0;
  const { max } = limits;
  const unique = limits.unique ?? false;
  return make({ kind: 'array', item: item as Schema<unknown>, min, max, unique }, (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) return FAIL;
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return FAIL; // a sparse array's hole is not a value
      const checked = item.check(v[i]);
      if (checked === FAIL) return FAIL;
      out.push(checked);
    }
    return unique && new Set(out).size !== out.length ? FAIL : out;
  });
}

type TypedArrayConstructor<A> = { new (length: number): A; readonly name: string };

/** A typed array of this class (not a view of another) with at most `max` elements, passed on as it came. */
/* @__NO_SIDE_EFFECTS__ */
export function typedArray<A extends ArrayLike<number>>(ctor: TypedArrayConstructor<A>, limits: { max: number }): Schema<A> {
  const { max } = limits;
  return make({ kind: 'typedArray', name: ctor.name, max }, (v) => (v instanceof ctor && (v as A).length <= max ? (v as A) : FAIL));
}

/** The key may be absent (or undefined): the checked object then has no such key. */
/* @__NO_SIDE_EFFECTS__ */
export function optional<T>(schema: Schema<T>): Schema<T> & { optional: true } {
  return { ...schema, optional: true };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

/**
 * An object with exactly the keys of `shape` (optional ones may be missing). A key it does not name is refused
 * ('reject', the default; so is an optional key present with the value undefined) or dropped from the copy ('strip').
 */
/* @__NO_SIDE_EFFECTS__ */
export function object<S extends Shape>(shape: S, options: { unknownKeys?: 'reject' | 'strip' } = {}): Schema<InferShape<S>> {
  const unknownKeys = options.unknownKeys ?? 'reject';
  const keys = Object.keys(shape);
  return make({ kind: 'object', shape, unknownKeys }, (v) => {
    if (!isPlainObject(v)) return FAIL;
    if (unknownKeys === 'reject' && Object.keys(v).some((k) => !Object.prototype.hasOwnProperty.call(shape, k))) return FAIL;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const field = shape[key];
      const present = Object.prototype.hasOwnProperty.call(v, key);
      const value = present ? v[key] : undefined;
      if (value === undefined && field.optional) {
        if (present && unknownKeys === 'reject') return FAIL; // exact keys: a key without a value is not "absent"
        continue;
      }
      const checked = field.check(value);
      if (checked === FAIL) return FAIL;
      out[key] = checked;
    }
    return out as InferShape<S>;
  });
}

/** The shape of an object schema, or of the object a refine()/transform() wraps. */
export function objectShape(schema: Schema<unknown>): Readonly<Record<string, Schema<unknown>>> | undefined {
  const info = schema.info;
  return info.kind === 'object' ? info.shape : info.kind === 'refined' ? objectShape(info.inner) : undefined;
}

type TaggedObject<K extends string> = Schema<{ [P in K]: string }>;

/**
 * A `type`-tagged union (a channel's messages one way): the tag picks the one object schema that checks the rest.
 * Each option must be an object() (or a refine()/transform() of one) whose `key` field is a literal.
 */
/* @__NO_SIDE_EFFECTS__ */
export function variant<K extends string, const O extends readonly TaggedObject<K>[]>(key: K, options: O): Schema<Infer<O[number]>> {
  const byTag: Record<string, Schema<unknown>> = Object.create(null);
  for (const option of options) {
    const tag = objectShape(option)?.[key]?.info;
    if (tag?.kind !== 'literal' || typeof tag.value !== 'string') throw new Error(`variant option without a literal ${key}`);
    byTag[tag.value] = option;
  }
  return make({ kind: 'variant', key, options: byTag }, (v) => {
    if (!isPlainObject(v)) return FAIL;
    const tag = v[key];
    const option = typeof tag === 'string' && Object.prototype.hasOwnProperty.call(byTag, tag) ? byTag[tag] : undefined;
    return option ? (option.check(v) as Infer<O[number]>) : FAIL;
  });
}

/** `inner`, and then `accept` (a rule the builders cannot say, named by `note` for tests and readers). */
/* @__NO_SIDE_EFFECTS__ */
export function refine<T>(inner: Schema<T>, note: string, accept: (value: T) => boolean): Schema<T> {
  return { ...make({ kind: 'refined', inner: inner as Schema<unknown>, note }, (v) => {
    const checked = inner.check(v);
    return checked !== FAIL && accept(checked) ? checked : FAIL;
  }), ...(inner.optional ? { optional: true as const } : {}) };
}

/** `inner`, then the checked value rewritten by `map` (e.g. cleaned for display); `map` returns FAIL to refuse. */
/* @__NO_SIDE_EFFECTS__ */
export function transform<T, U>(inner: Schema<T>, note: string, map: (value: T) => U | Fail): Schema<U> {
  return make({ kind: 'refined', inner: inner as Schema<unknown>, note }, (v) => {
    const checked = inner.check(v);
    return checked === FAIL ? FAIL : map(checked);
  });
}

/** A check written by hand where the builders cannot say it (e.g. a checker shared with a file format). */
/* @__NO_SIDE_EFFECTS__ */
export function custom<T>(note: string, check: (value: unknown) => T | Fail): Schema<T> {
  return make({ kind: 'custom', note }, check);
}

/**
 * The schema `build` returns, built on first use. Channel files wrap their nested schemas in it, so a bundle that
 * never checks a message never builds (nor keeps) the schema.
 */
/* @__NO_SIDE_EFFECTS__ */
export function lazy<T>(build: () => Schema<T>): Schema<T> {
  let built: Schema<T> | undefined;
  const get = (): Schema<T> => (built ??= build());
  return {
    get info() {
      return get().info;
    },
    check: (v: unknown) => get().check(v),
    get optional() {
      return get().optional;
    },
  };
}

/** A validator: the message if it conforms, otherwise undefined. Never throws. Carries its schema for tests. */
export type Parser<T> = ((raw: unknown) => T | undefined) & { readonly schema: Schema<T> };

/* @__NO_SIDE_EFFECTS__ */
export function parser<T>(schema: Schema<T>): Parser<T> {
  const parse = (raw: unknown): T | undefined => {
    try {
      const checked = schema.check(raw);
      return checked === FAIL ? undefined : checked;
    } catch {
      return undefined; // a getter or proxy that throws is a malformed message, not a crash
    }
  };
  return Object.assign(parse, { schema });
}

/** The type tags a variant schema accepts (for tests and routing). */
export function tagsOf(schema: Schema<unknown>): string[] {
  return schema.info.kind === 'variant' ? Object.keys(schema.info.options) : [];
}
