/**
 * The gateway under test: the real entry point (`start()` of `@ecom/gateway`, gateway/src/main.ts: config from the
 * environment, pino logger, keep-alive agent, the real createApp with every middleware), in a
 * process of its own so its CPU time is its alone.
 */
import { start } from '@ecom/gateway';
import { reportFailure, serveParent } from './child-process';

async function main(): Promise<void> {
  const gateway = await start({ ...process.env, GATEWAY_PORT: '0', GATEWAY_HOST: '127.0.0.1' });
  serveParent(gateway.url, gateway.stop);
}

main().catch(reportFailure);
