/**
 * The gateway under test: the real entry point (`start()` of `@ecom/gateway`: config from the
 * environment, pino logger, keep-alive agent, the real createApp with every middleware) from its
 * compiled dist/, as the Dockerfile and `npm start` run it, in a process of its own so its CPU
 * time is its alone. The benchmark builds dist/ first (`tsc -b gateway`). GATEWAY_MAIN may name
 * another build's main.js instead (say, of the previous commit), to compare two versions.
 */
import { reportFailure, serveParent } from './child-side.mjs';

try {
  const { start } = await import(process.env['GATEWAY_MAIN'] || '@ecom/gateway');
  const gateway = await start({ ...process.env, GATEWAY_PORT: '0', GATEWAY_HOST: '127.0.0.1' });
  serveParent(gateway.url, gateway.stop);
} catch (error) {
  reportFailure(error);
}
