// A reverse proxy that serves code-server cross-origin isolated: every response gets Cross-Origin-Opener-Policy:
// same-origin and Cross-Origin-Embedder-Policy: require-corp, as vscode.dev and `@vscode/test-web --coi` serve VS Code
// for the Web (code-server 4.100.3 does not send them itself). The page, its iframes (webviews, the web worker
// extension host) and their workers then have SharedArrayBuffer. WebSocket upgrades (the workbench's connection to
// the server) are piped through unchanged.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface IsolatingProxy {
  /** http://127.0.0.1:PORT, serving `target` isolated. */
  url: string;
  close(): Promise<void>;
}

const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** Proxies `target` (http://127.0.0.1:PORT of code-server) on a free port of 127.0.0.1. */
export async function startIsolatingProxy(target: string): Promise<IsolatingProxy> {
  const to = new URL(target);
  const server: Server = createServer((req, res) => {
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers: IncomingHttpHeaders = { ...answer.headers, ...ISOLATION };
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A WebSocket: the request line and headers as they came, then both directions piped raw. The Host header stays the
  // proxy's, as the Origin does: code-server refuses a WebSocket whose Origin is not its Host.
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(Number(to.port), to.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
