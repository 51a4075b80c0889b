/**
 * The token command in an image (`node libraries/auth/dist/token.cli.js …`, see token-command.ts):
 * Docker Compose makes the gateway's secret with `init-env-file` and the k6 profile's admin token
 * with `--env-file … --out …`.
 */
import { runTokenCommand } from './token-command';

void runTokenCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
