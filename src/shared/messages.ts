// The one small message handler used on every side of every channel (host↔worker, host↔webview).
// Each channel has a `type`-tagged union; a handler map names one function per `type`, and the compiler checks
// that every member of the union is handled with the right payload.

export interface Tagged {
  readonly type: string;
}

export type HandlerMap<M extends Tagged> = {
  [K in M['type']]: (message: Extract<M, { type: K }>) => void | Promise<void>;
};

/** Returns a function that routes one message to its handler. Unknown types are reported, never thrown. */
export function createDispatcher<M extends Tagged>(
  handlers: HandlerMap<M>,
  onUnknown: (message: unknown) => void = () => undefined,
): (message: M) => void | Promise<void> {
  return (message: M) => {
    const handler = (handlers as unknown as Record<string, ((m: M) => void | Promise<void>) | undefined>)[message?.type];
    if (!handler) {
      onUnknown(message);
      return;
    }
    return handler(message);
  };
}

/** True when `value` is an object whose `type` is a string: the first check any receiver makes. */
export function isTagged(value: unknown): value is Tagged {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
