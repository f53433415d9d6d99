// A reverse proxy that serves code-server cross-origin isolated: every response gets Cross-Origin-Opener-Policy:
// same-origin and Cross-Origin-Embedder-Policy: require-corp, as vscode.dev serves VS Code for the Web with
// ?vscode-coi (code-server 4.100.3 does not send them itself). The page, its iframes (webviews, the web worker
// extension host) and their workers then have SharedArrayBuffer, so Sequence Lab trains data-parallel on the web.
// WebSocket upgrades (the workbench's connection to the server) are piped through unchanged. Used by
// `npm start -- --web` (scripts/demo.mjs) and test/e2e/webDataParallelInVsCode.test.ts.
import { createServer, request } from 'node:http';
import { connect } from 'node:net';

const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * Proxies `target` (http://HOST:PORT of code-server) on `port` of `host` (0: a free one).
 * @returns {Promise<{ url: string, close(): Promise<void> }>} url: http://HOST:PORT of the proxy
 */
export async function startIsolatingProxy(target, { host = '127.0.0.1', port = 0 } = {}) {
  const to = new URL(target);
  const server = createServer((req, res) => {
    // The Host header stays the proxy's, as the Origin does: code-server refuses a WebSocket whose Origin is not its Host.
    const upstream = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...ISOLATION });
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${error.message}`);
    });
    req.pipe(upstream);
  });
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A WebSocket: the request line and headers as they came, then both directions piped raw.
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(Number(to.port), to.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
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
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  return {
    url: `http://${host}:${typeof address === 'object' && address ? address.port : port}`,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve(undefined));
    }),
  };
}
