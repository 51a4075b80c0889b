/**
 * `npm run -s token -- --role admin` or `npm run -s token -- --user 42 [--ttl 3600]`: prints a
 * bearer token for the local system alone on stdout (`-s` keeps npm's own banner out of it). The
 * command is @ecom/auth's (token-command.ts); here it falls back to the development secret that
 * `npm start` uses (auth/local-signing-key.ts) when AUTH_HS256_SECRET is not set.
 */
import { runTokenCommand } from '@ecom/auth';
import { localSigningSecret } from '../auth/local-signing-key';

void runTokenCommand(process.argv.slice(2), () => localSigningSecret().secret).then((code) => {
  process.exitCode = code;
});
