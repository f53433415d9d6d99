// Compile-time checks for the worker's routing by message type: a list of type tags kept beside a union must name
// exactly the union's tags, so adding a message to one and not the other fails the typecheck.

/** `true` when A and B are the same union of string literals, `never` otherwise. */
export type Exact<A extends string, B extends string> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
