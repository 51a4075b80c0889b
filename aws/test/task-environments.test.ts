/**
 * The task definitions against the code they run: every variable a service needs in AWS is set
 * (and the service's own config accepts it), and no variable is one the service does not read.
 */
import { env } from '@ecom/service-kit/config';
import { configSchema as gatewaySchema, loadConfig as loadGatewayConfig } from '@ecom/gateway/config';
import { configSchema as orderSchema, loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { configSchema as productSchema, loadConfig as loadProductConfig } from '@ecom/product-service/config';
import { PROCESSES, REQUIRED_IN_AWS, containerPort, serviceConnectUrl } from './support/service-processes';
import { SAMPLE, containerNamed, containersOf, readRepositoryFile } from './support/task-definitions';

/** The variables each process's config reads: the keys of the schema it parses its environment with. */
const VARIABLES_READ = {
  gateway: new Set(Object.keys(gatewaySchema.shape)),
  'product-service': new Set(Object.keys(productSchema.shape)),
  'order-service': new Set(Object.keys(orderSchema.shape)),
  'order-worker': new Set(Object.keys(orderSchema.shape)),
} as const;

describe('the services stack runs each process with the environment it needs', () => {
  it.each(PROCESSES)('when %s starts in its task, then every variable it needs in AWS is set', (name) => {
    const { environment } = containerNamed('services', name);
    const missing = REQUIRED_IN_AWS[name].filter((variable) => !(variable in environment));
    expect(missing).toEqual([]);
  });

  it.each(PROCESSES)('when %s starts in its task, then it reads every variable the task sets (no typo)', (name) => {
    const read = VARIABLES_READ[name];
    const unread = Object.keys(containerNamed('services', name).environment).filter((variable) => !read.has(variable));
    expect(unread).toEqual([]);
  });

  it('when the product service parses its task environment, then it uses RDS, its secret account and MSK over TLS with IAM', () => {
    const config = loadProductConfig(containerNamed('services', 'product-service').environment);
    expect(config.port).toBe(containerPort('product-service'));
    expect(config.host).toBe('0.0.0.0');
    expect(config.database).toEqual(
      expect.objectContaining({
        host: SAMPLE.databaseHost,
        port: 3306,
        database: 'product_db',
        user: SAMPLE.secretUser,
        password: SAMPLE.secretPassword,
      }),
    );
    expect(config.kafka.brokers).toEqual(SAMPLE.brokers.split(','));
    expect(config.kafka.security.ssl).toBe(true);
    expect(config.kafka.security.sasl?.mechanism).toBe('oauthbearer');
  });

  it.each(['order-service', 'order-worker'])(
    'when %s parses its task environment, then it uses RDS, MSK over TLS with IAM and the product service by its Service Connect name',
    (name) => {
      const config = loadOrderConfig(containerNamed('services', name).environment);
      expect(name === 'order-worker' ? config.workerPort : config.port).toBe(containerPort(name));
      expect(config.database).toEqual(
        expect.objectContaining({ host: SAMPLE.databaseHost, database: 'order_db', password: SAMPLE.secretPassword }),
      );
      expect(config.kafka.security.ssl).toBe(true);
      expect(config.kafka.security.sasl?.mechanism).toBe('oauthbearer');
      expect(config.productService.urls).toEqual([serviceConnectUrl('product-service')]);
    },
  );

  it('when the gateway parses its task environment, then it proxies to both services by their Service Connect names behind one proxy hop', () => {
    const config = loadGatewayConfig(containerNamed('services', 'gateway').environment);
    expect(config.port).toBe(containerPort('gateway'));
    expect(config.upstreams).toEqual({
      'product-service': [serviceConnectUrl('product-service')],
      'order-service': [serviceConnectUrl('order-service')],
    });
    expect(config.trustProxyHops).toBe(1);
  });

  it('when the local defaults are compared with the task environments, then nothing in AWS points at this machine', () => {
    const local = loadOrderConfig({});
    const aws = loadOrderConfig(containerNamed('services', 'order-service').environment);
    expect(local.database.host).toBe('127.0.0.1');
    expect(aws.database.host).not.toBe(local.database.host);
    expect(aws.kafka.brokers).not.toEqual(local.kafka.brokers);
    expect(aws.productService.urls).not.toEqual(local.productService.urls);
    expect(local.kafka.security).toEqual({}); // and locally: plain TCP, as before
  });

  it('when the gateway parses its task environment, then it verifies RS256 tokens with the public key from Secrets Manager', () => {
    const config = loadGatewayConfig(containerNamed('services', 'gateway').environment);
    expect(config.auth).toEqual({
      enabled: true,
      key: { algorithm: 'RS256', publicKeyPem: SAMPLE.publicKeyPem },
      issuer: 'ecom-platform',
      audience: 'ecom-api',
      clockToleranceSeconds: 30,
    });
    expect(containerNamed('services', 'gateway').evaluated['Secrets']).toEqual([
      { Name: 'AUTH_RS256_PUBLIC_KEY', ValueFrom: SAMPLE.verificationKeySecretArn },
    ]);
  });

  it('when the stack is deployed with AuthEnabled=false, then the gateway gets no key and runs without auth', () => {
    const gateway = containerNamed('services', 'gateway', { AuthEnabled: 'false', AuthVerificationKeySecretArn: '' });
    expect(gateway.secretNames).toEqual([]);
    expect(loadGatewayConfig(gateway.environment).auth).toEqual({ enabled: false });
  });

  it.each([
    'product-service',
    'order-service',
    'order-worker',
    'product-migrations',
    'product-seed',
    'order-migrations',
  ])('when %s connects to RDS, then it uses TLS verified against the RDS certificate authorities', (name) => {
    const { environment } = containerNamed('services', name);
    const config = name.startsWith('order') ? loadOrderConfig(environment) : loadProductConfig(environment);
    expect(config.database.tls).toBe('rds');
    expect(loadProductConfig({}).database.tls).toBe('off'); // and locally: plain TCP to 127.0.0.1
  });

  it('when a one-off job starts, then the service config it loads parses with the job environment', () => {
    const product = loadProductConfig(containerNamed('services', 'product-migrations').environment);
    const seed = loadProductConfig(containerNamed('services', 'product-seed').environment);
    const order = loadOrderConfig(containerNamed('services', 'order-migrations').environment);
    for (const config of [product, seed, order]) {
      expect(config.database).toEqual(
        expect.objectContaining({ host: SAMPLE.databaseHost, password: SAMPLE.secretPassword }),
      );
    }
    expect(product.database.database).toBe('product_db');
    expect(order.database.database).toBe('order_db');
  });

  it('when the topic job starts, then it reaches MSK with IAM and asks for the cluster replication factor', () => {
    const { environment } = containerNamed('services', 'kafka-topics');
    const read = new Set([...Object.keys(env.kafkaEnv), 'LOG_LEVEL', 'KAFKA_REPLICATION_FACTOR']);
    expect(Object.keys(environment).filter((variable) => !read.has(variable))).toEqual([]);
    expect(environment).toEqual(
      expect.objectContaining({ KAFKA_SASL_MECHANISM: 'aws-msk-iam', KAFKA_REPLICATION_FACTOR: '3' }),
    );
    expect(readRepositoryFile('libraries/service-kit/src/cli/ensure-topics.ts')).toMatch(
      /KAFKA_REPLICATION_FACTOR: positiveInt\(1\)/,
    );
  });

  it('when the database job creates the databases, then they are the ones the services and migrations name', () => {
    const script = String((containerNamed('services', 'database-setup').evaluated['Command'] as string[])[0]);
    const names = new Set(
      containersOf('services')
        .flatMap((c) => [c.environment['PRODUCT_DB_NAME'], c.environment['ORDER_DB_NAME']])
        .filter(Boolean),
    );
    expect([...names].sort()).toEqual(['order_db', 'product_db']);
    for (const name of names) expect(script).toContain(`CREATE DATABASE IF NOT EXISTS \\\`${name}\\\``);
    expect(containerNamed('services', 'database-setup').secretNames).toEqual(
      expect.arrayContaining(['PRODUCT_DB_USER', 'PRODUCT_DB_PASSWORD', 'ORDER_DB_USER', 'ORDER_DB_PASSWORD']),
    );
  });
});
