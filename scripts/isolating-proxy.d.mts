// Types for scripts/isolating-proxy.mjs (used from the TypeScript e2e tests).
export interface IsolatingProxy {
  /** http://HOST:PORT of the proxy, serving the target cross-origin isolated. */
  url: string;
  close(): Promise<void>;
}
export function startIsolatingProxy(target: string, options?: { host?: string; port?: number }): Promise<IsolatingProxy>;
