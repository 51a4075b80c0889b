/**
 * The HTTP ceilings of the perf runs: a bare node:http server that answers every request with
 * 202 and a tiny JSON body, without reading more than Node must. Hit directly it is `bare-http`;
 * behind a second gateway (as its order service) it is `noop-202`, the most a gateway-fronted
 * async endpoint could do. Also answers /health and /ready (the gateway checks /ready).
 */
import { createServer } from 'node:http';

const BODY = JSON.stringify({ id: '00000000-0000-7000-8000-000000000000', status: 'accepted' });
const port = Number(process.env['PORT'] ?? 0);

createServer((req, res) => {
  req.resume();
  const ok = req.url === '/health' || req.url === '/ready';
  res.writeHead(ok ? 200 : 202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(BODY) });
  res.end(BODY);
}).listen(port, '127.0.0.1');

process.once('SIGTERM', () => process.exit(0));
