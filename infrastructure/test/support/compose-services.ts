/**
 * docker-compose.yml's services as the compose-services tests see them: the file with its
 * defaults, which services run an image of ours, and what the process a container runs is
 * configured with (through the services' own config loaders) and connects to.
 */
import { loadConfig as loadGatewayConfig } from '@ecom/gateway/config';
import { loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { loadConfig as loadProductConfig } from '@ecom/product-service/config';
import { commandOf, environmentOf, loadComposeFile, type ComposeService } from './compose';

export const { compose } = loadComposeFile();
export const services = Object.entries(compose.services);
export const ourImage = /^ecom-platform\/(gateway|product-service|order-service):/;

/** The package directory an image of ours is built from, by its Dockerfile's location. */
export function packageDirOf(service: ComposeService): string | undefined {
  const build = service.build;
  if (build === undefined || typeof build === 'string') return undefined;
  return build.dockerfile?.replace(/\/Dockerfile$/, '');
}

/** The file the auth-init job writes the gateway's secret into (AUTH_HS256_SECRET=…), read with `node --env-file`. */
export const AUTH_ENV_FILE = '/run/ecom-auth/auth.env';

/**
 * The environment the process gets: the container's, plus what `node --env-file=<file>` adds at
 * run time. The only such file is the secret auth-init generates on the first `up`; a stand-in of
 * the same shape (43 characters, as generateSigningSecret makes) takes its place here.
 */
export function processEnvironmentOf(service: ComposeService): Record<string, string> {
  const envFiles = (commandOf(service) ?? []).filter((word) => word.startsWith('--env-file='));
  const fromFiles = envFiles.map((word) => {
    if (word !== `--env-file=${AUTH_ENV_FILE}`) throw new Error(`no stand-in for ${word}`);
    return { AUTH_HS256_SECRET: 'x'.repeat(43) };
  });
  return Object.assign({}, ...fromFiles, environmentOf(service)) as Record<string, string>;
}

/** A one-off command-line tool (topics, tokens) rather than a service: it has no config loader to check. */
export function runsTool(service: ComposeService): boolean {
  return /ensure-topics|token\.cli/.test(commandOf(service)?.join(' ') ?? '');
}

/** The config loader of the package a container runs, applied to the process's environment. */
export function loadedConfigOf(service: ComposeService): unknown {
  const environment = processEnvironmentOf(service);
  const dir = packageDirOf(service);
  if (dir === 'services/product-service') return loadProductConfig(environment);
  if (dir === 'services/order-service') return loadOrderConfig(environment);
  if (dir === 'gateway') return loadGatewayConfig(environment);
  throw new Error(`no config loader for ${dir}`);
}

/** The names `host` (of host:port or a URL) that a container's settings point at. */
function hostsIn(values: readonly string[]): string[] {
  return values.map((value) => (/^https?:\/\//.test(value) ? new URL(value).hostname : value.split(':')[0]!));
}

/** The hosts the process a container runs will connect to, from its loaded configuration. */
export function dependencyHostsOf(name: string, service: ComposeService): string[] {
  const command = commandOf(service)?.join(' ') ?? 'node dist/main.js';
  const environment = environmentOf(service);
  if (command.includes('ensure-topics')) return hostsIn((environment['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','));
  if (command.includes('token.cli')) return []; // reads and writes files in the auth volume only
  const config = loadedConfigOf(service) as {
    kafka?: { brokers: readonly string[] };
    database?: { host: string };
    productService?: { urls: readonly string[] };
    upstreams?: Record<string, readonly string[]>;
  };
  if (/dist\/(migrate|seed)\.js/.test(command)) return hostsIn([config.database!.host]);
  const hosts = [
    ...(config.kafka?.brokers ?? []),
    ...(config.database ? [config.database.host] : []),
    ...(config.productService?.urls ?? []),
    ...Object.values(config.upstreams ?? {}).flat(),
  ];
  if (hosts.length === 0) throw new Error(`${name}: no dependency found in its configuration`);
  return [...new Set(hostsIn(hosts))];
}
