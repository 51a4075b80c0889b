/**
 * The upstream of the benchmark: a hello-world Koa app answering every request with a tiny JSON
 * body. Koa is loaded from the service kit, so it is the very version the services run on.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { reportFailure, serveParent } from './child-process';

interface KoaContext {
  body: unknown;
}
interface KoaApp {
  use(middleware: (ctx: KoaContext) => void): KoaApp;
  listen(port: number, host: string): Server;
}

const requireFromKit = createRequire(path.resolve(__dirname, '../../libraries/service-kit/package.json'));
const Koa = requireFromKit('koa') as new () => KoaApp;

async function main(): Promise<void> {
  const app = new Koa().use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  serveParent(`http://127.0.0.1:${port}`, async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
}

main().catch(reportFailure);
