/**
 * The four long-running processes of the services stack as the task-definition tests see them:
 * the variables each needs in AWS, the port its container maps, and the Service Connect URL its
 * clients use.
 */
import { containerNamed, scopeOf } from './task-definitions';
import { evaluate } from './templates';

/** What both order processes (service and worker) need, whatever their port. */
const ORDER_PROCESS = [
  'MYSQL_HOST',
  'MYSQL_PORT',
  'MYSQL_TLS',
  'ORDER_DB_NAME',
  'ORDER_DB_USER',
  'ORDER_DB_PASSWORD',
  'KAFKA_BROKERS',
  'KAFKA_SASL_MECHANISM',
  'AWS_REGION',
  'PRODUCT_SERVICE_URLS',
] as const;

/** The variables each process needs in AWS: their defaults point at this machine or are local-only. */
export const REQUIRED_IN_AWS = {
  gateway: [
    'GATEWAY_PORT',
    'PRODUCT_SERVICE_URLS',
    'ORDER_SERVICE_URLS',
    'TRUST_PROXY_HOPS',
    'AUTH_ENABLED',
    'AUTH_RS256_PUBLIC_KEY',
    'AUTH_ISSUER',
    'AUTH_AUDIENCE',
  ],
  'product-service': [
    'PRODUCT_SERVICE_PORT',
    'MYSQL_HOST',
    'MYSQL_PORT',
    'MYSQL_TLS',
    'PRODUCT_DB_NAME',
    'PRODUCT_DB_USER',
    'PRODUCT_DB_PASSWORD',
    'KAFKA_BROKERS',
    'KAFKA_SASL_MECHANISM',
    'AWS_REGION',
  ],
  'order-service': ['ORDER_SERVICE_PORT', ...ORDER_PROCESS],
  'order-worker': ['ORDER_WORKER_PORT', ...ORDER_PROCESS],
} as const;

export type Process = keyof typeof REQUIRED_IN_AWS;
export const PROCESSES = Object.keys(REQUIRED_IN_AWS) as Process[];

export const containerPort = (name: string) =>
  Number((containerNamed('services', name).evaluated['PortMappings'] as { ContainerPort: number }[])[0]?.ContainerPort);

/** The URL clients reach a service at through Service Connect; checks its alias names the container port. */
export function serviceConnectUrl(service: 'product-service' | 'order-service'): string {
  const logicalId = service === 'product-service' ? 'ProductService' : 'OrderService';
  const scope = scopeOf('services');
  const connect = evaluate(scope.template.Resources[logicalId]?.Properties?.['ServiceConnectConfiguration'], scope) as {
    Services: { PortName: string; ClientAliases: { DnsName: string; Port: number }[] }[];
  };
  const alias = connect.Services[0]?.ClientAliases[0];
  expect(alias?.Port).toBe(containerPort(service));
  expect(connect.Services[0]?.PortName).toBe('http');
  return `http://${alias?.DnsName}:${alias?.Port}`;
}
