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

/** The config loader of the package a container runs, applied to the container's environment. */
export function loadedConfigOf(service: ComposeService): unknown {
  const environment = environmentOf(service);
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
