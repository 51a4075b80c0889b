/**
 * The upstream of the benchmark: a hello-world Koa app answering every request with a tiny JSON
 * body. Koa is loaded from the service kit, so it is the very version the services run on.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { reportFailure, serveParentOver } from './child-side.mjs';

const requireFromKit = createRequire(path.resolve(import.meta.dirname, '../../libraries/service-kit/package.json'));

try {
  const Koa = requireFromKit('koa');
  const app = new Koa().use((ctx) => {
    ctx.body = { hello: 'world' };
  });
  const server = app.listen(0, '127.0.0.1');
  await serveParentOver(server);
} catch (error) {
  reportFailure(error);
}
