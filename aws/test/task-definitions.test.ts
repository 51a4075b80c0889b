/**
 * The task definitions against the code they run: every variable a service needs in AWS is set
 * (and the service's own config accepts it), no variable is one the service does not read, and
 * images, commands, ports and health checks are those of the images and the services.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { TOPICS, createMetrics, createServiceApp, env } from '@ecom/service-kit';
import { testLogger } from '@ecom/service-kit/testing';
import { loadConfig as loadGatewayConfig } from '../../gateway/src/config';
import { loadConfig as loadOrderConfig } from '../../services/order-service/src/config';
import { loadConfig as loadProductConfig } from '../../services/product-service/src/config';
import { IMAGES, K6_ENTRY_POINT, REPOSITORY_ROOT } from '../scripts/lib/stacks';
import {
  SAMPLE,
  containerNamed,
  containersOf,
  readRepositoryFile,
  scopeOf,
  variablesReadBy,
} from './support/task-definitions';
import { evaluate, templateOf } from './support/templates';

/** The variables each process needs in AWS: their defaults point at this machine or are local-only. */
const REQUIRED_IN_AWS = {
  gateway: ['GATEWAY_PORT', 'PRODUCT_SERVICE_URLS', 'ORDER_SERVICE_URLS', 'TRUST_PROXY_HOPS'],
  'product-service': [
    'PRODUCT_SERVICE_PORT',
    'MYSQL_HOST',
    'MYSQL_PORT',
    'PRODUCT_DB_NAME',
    'PRODUCT_DB_USER',
    'PRODUCT_DB_PASSWORD',
    'KAFKA_BROKERS',
    'KAFKA_SASL_MECHANISM',
    'AWS_REGION',
  ],
  'order-service': [
    'ORDER_SERVICE_PORT',
    'MYSQL_HOST',
    'MYSQL_PORT',
    'ORDER_DB_NAME',
    'ORDER_DB_USER',
    'ORDER_DB_PASSWORD',
    'KAFKA_BROKERS',
    'KAFKA_SASL_MECHANISM',
    'AWS_REGION',
    'PRODUCT_SERVICE_URLS',
  ],
  'order-worker': [
    'ORDER_WORKER_PORT',
    'MYSQL_HOST',
    'MYSQL_PORT',
    'ORDER_DB_NAME',
    'ORDER_DB_USER',
    'ORDER_DB_PASSWORD',
    'KAFKA_BROKERS',
    'KAFKA_SASL_MECHANISM',
    'AWS_REGION',
    'PRODUCT_SERVICE_URLS',
  ],
} as const;

const CONFIG_FILES = {
  gateway: 'gateway/src/config.ts',
  'product-service': 'services/product-service/src/config.ts',
  'order-service': 'services/order-service/src/config.ts',
  'order-worker': 'services/order-service/src/config.ts',
} as const;

type Process = keyof typeof REQUIRED_IN_AWS;
const PROCESSES = Object.keys(REQUIRED_IN_AWS) as Process[];

const containerPort = (name: string) =>
  Number((containerNamed('services', name).evaluated['PortMappings'] as { ContainerPort: number }[])[0]?.ContainerPort);

describe('the services stack runs each process with the environment it needs', () => {
  it.each(PROCESSES)('when %s starts in its task, then every variable it needs in AWS is set', (name) => {
    const { environment } = containerNamed('services', name);
    const missing = REQUIRED_IN_AWS[name].filter((variable) => !(variable in environment));
    expect(missing).toEqual([]);
  });

  it.each(PROCESSES)('when %s starts in its task, then it reads every variable the task sets (no typo)', (name) => {
    const read = variablesReadBy(CONFIG_FILES[name]);
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

describe('the database job creates the databases and accounts', () => {
  const script = () => String((containerNamed('services', 'database-setup').evaluated['Command'] as string[])[0]);
  const secrets = {
    MYSQL_ADMIN_USER: 'ecom_admin',
    MYSQL_ADMIN_PASSWORD: 'AdminPassw0rd',
    PRODUCT_DB_USER: 'product_service',
    PRODUCT_DB_PASSWORD: 'Pr0ductPassw0rd',
    ORDER_DB_USER: 'order_service',
    ORDER_DB_PASSWORD: '0rderPassw0rd',
  };

  /** Runs the job's shell script with a stand-in `mysql` that records its arguments and input. */
  function runScript(overrides: Record<string, string> = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecom-db-setup-'));
    const recorded = path.join(dir, 'mysql-call');
    writeFileSync(
      path.join(dir, 'mysql'),
      `#!/bin/sh\nprintf 'args: %s\\n' "$*" > "${recorded}"\nprintf 'password: %s\\n' "$MYSQL_PWD" >> "${recorded}"\ncat >> "${recorded}"\n`,
    );
    chmodSync(path.join(dir, 'mysql'), 0o755);
    const { environment } = containerNamed('services', 'database-setup');
    const result = spawnSync('sh', ['-c', script()], {
      env: { PATH: `${dir}:/usr/bin:/bin`, ...environment, ...secrets, ...overrides },
      encoding: 'utf8',
    });
    const call = existsSync(recorded) ? readFileSync(recorded, 'utf8') : undefined;
    rmSync(dir, { recursive: true, force: true });
    return { status: result.status, stderr: result.stderr, call };
  }

  it('when the job runs with its secrets, then mysql gets the admin account over TLS and the SQL of the local bootstrap', () => {
    const { status, call } = runScript();
    expect(status).toBe(0);
    expect(call?.split('\n').slice(0, 2)).toEqual([
      `args: --host=${SAMPLE.databaseHost} --port=3306 --user=ecom_admin --ssl-mode=REQUIRED --batch`,
      'password: AdminPassw0rd',
    ]);
    const statements = (call ?? '')
      .split('\n')
      .slice(2)
      .map((line) => line.trim())
      .filter(Boolean);
    const local = readRepositoryFile('infrastructure/mysql/bootstrap.sql')
      .split('\n')
      // the production databases only, not the local test and benchmark ones (product_db_test_…)
      .filter((line) => /^(CREATE|ALTER USER)/.test(line) || /^GRANT .* ON `(product|order)\\_db`\.\*/.test(line))
      .map((line) =>
        line
          .replaceAll('{{PRODUCT_DB_USER}}', 'product_service')
          .replaceAll('{{PRODUCT_DB_PASSWORD}}', 'Pr0ductPassw0rd')
          .replaceAll('{{ORDER_DB_USER}}', 'order_service')
          .replaceAll('{{ORDER_DB_PASSWORD}}', '0rderPassw0rd'),
      );
    expect(statements.sort()).toEqual(local.sort());
  });

  it.each([
    ['a password with a quote', { ORDER_DB_PASSWORD: "x'; DROP DATABASE order_db; --" }],
    ['an empty user', { PRODUCT_DB_USER: '' }],
  ])('when a secret holds %s, then the job refuses before calling mysql', (_case, overrides) => {
    const { status, stderr, call } = runScript(overrides);
    expect(status).toBe(1);
    expect(stderr).toMatch(/refusing a credential/);
    expect(call).toBeUndefined();
  });
});

describe('the services stack runs the images and commands of the container issue', () => {
  const imageOf = (name: string) => {
    const image = containerNamed('services', name).definition['Image'] as {
      'Fn::Sub': [string, Record<string, unknown>];
    };
    const [text, variables] = image['Fn::Sub'];
    const repository = JSON.stringify(variables['Repository']);
    return { text, repository, tag: JSON.stringify(variables['Tag'] ?? { Ref: 'ImageTag' }) };
  };
  const repositoryExportOf = (image: string) =>
    `\${EnvironmentName}-${IMAGES.find((candidate) => candidate.image === image)?.repositoryOutput}`;

  it.each([
    ['gateway', 'ecom-platform/gateway', undefined],
    ['product-service', 'ecom-platform/product-service', undefined],
    ['order-service', 'ecom-platform/order-service', undefined],
    ['order-worker', 'ecom-platform/order-service', ['node', 'dist/worker.js']],
    ['product-migrations', 'ecom-platform/product-service', ['node', 'dist/migrate.js']],
    ['product-seed', 'ecom-platform/product-service', ['node', 'dist/seed.js']],
    ['order-migrations', 'ecom-platform/order-service', ['node', 'dist/migrate.js']],
    ['kafka-topics', 'ecom-platform/product-service', ['node', 'libraries/service-kit/dist/cli/ensure-topics.js']],
  ])(
    'when %s runs, then it runs the image %s with the command %j (undefined: the image default)',
    (name, image, command) => {
      expect(imageOf(name).repository).toContain(repositoryExportOf(image));
      expect(containerNamed('services', name).evaluated['Command']).toEqual(command);
    },
  );

  it.each([
    ['services/order-service', 'dist/worker.js'],
    ['services/order-service', 'dist/migrate.js'],
    ['services/product-service', 'dist/migrate.js'],
    ['services/product-service', 'dist/seed.js'],
  ])('when a task runs %s/%s, then that entry point exists in the sources', (service, entry) => {
    const source = path.join(REPOSITORY_ROOT, service, entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'));
    expect(existsSync(source)).toBe(true);
  });

  it('when the topic job runs from the product image, then the image links the kit where the command looks for it', () => {
    expect(existsSync(path.join(REPOSITORY_ROOT, 'libraries/service-kit/src/cli/ensure-topics.ts'))).toBe(true);
    const dockerfile = readRepositoryFile('services/product-service/Dockerfile');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/ln -s \.\.\/node_modules\/@ecom\/service-kit \/out\/libraries\/service-kit/);
  });

  it('when the one-off jobs run, then they use the jobs tag, which falls back to the services tag', () => {
    const scope = scopeOf('services', { JobsImageTag: '' });
    const jobs = ['product-migrations', 'product-seed', 'order-migrations', 'kafka-topics'];
    for (const name of jobs) {
      expect(JSON.parse(imageOf(name).tag)).toEqual({
        'Fn::If': ['JobsImageTagGiven', { Ref: 'JobsImageTag' }, { Ref: 'ImageTag' }],
      });
      expect(String(containerNamed('services', name, { JobsImageTag: '' }).evaluated['Image'])).toMatch(/:v1$/);
      expect(String(containerNamed('services', name, { JobsImageTag: 'v2' }).evaluated['Image'])).toMatch(/:v2$/);
    }
    for (const name of PROCESSES) expect(JSON.parse(imageOf(name).tag)).toEqual({ Ref: 'ImageTag' });
    expect(scope.parameters['JobsImageTag']).toBe('');
  });
});

describe('ports and health checks agree with the images and the services', () => {
  const PORTS = { gateway: 8080, 'product-service': 8081, 'order-service': 8082, 'order-worker': 8083 } as const;
  const DOCKERFILES = {
    gateway: 'gateway/Dockerfile',
    'product-service': 'services/product-service/Dockerfile',
    'order-service': 'services/order-service/Dockerfile',
    'order-worker': 'services/order-service/Dockerfile',
  } as const;

  it.each(PROCESSES)(
    'when %s listens, then the task maps the port its config listens on and its image exposes',
    (name) => {
      expect(containerPort(name)).toBe(PORTS[name]);
      const portVariable = Object.entries(containerNamed('services', name).environment).find(
        ([key]) => key.endsWith('_PORT') && key !== 'MYSQL_PORT',
      );
      expect(Number(portVariable?.[1])).toBe(PORTS[name]);
      const exposed = /^EXPOSE (.+)$/m.exec(readRepositoryFile(DOCKERFILES[name]))?.[1]?.split(/\s+/).map(Number);
      expect(exposed).toContain(PORTS[name]);
    },
  );

  it.each(PROCESSES)('when ECS checks %s, then it runs the image probe against its own port on /health', (name) => {
    const healthCheck = containerNamed('services', name).evaluated['HealthCheck'] as { Command: string[] };
    expect(healthCheck.Command).toEqual([
      'CMD',
      'node',
      '/app/healthcheck.js',
      `http://127.0.0.1:${PORTS[name]}/health`,
    ]);
    expect(readRepositoryFile(DOCKERFILES[name])).toMatch(
      /healthcheck\.js \/out\/healthcheck\.js|\/app\/healthcheck\.js/,
    );
  });

  it('when a service built on the kit is asked for /health, then it answers 200 even with a dependency down (the path the probes use)', async () => {
    const app = createServiceApp({
      service: 'probe',
      logger: testLogger(),
      metrics: createMetrics('probe'),
      readiness: { mysql: () => Promise.reject(new Error('down')) },
      routes: [],
    });
    await request(app.callback()).get('/health').expect(200); // liveness, even with a dependency down
    await request(app.callback()).get('/ready').expect(503);
    expect(readRepositoryFile('gateway/src/http/operability.routes.ts')).toContain("router.get('/health'");
  });

  it('when the load balancer checks the gateway, then it probes the gateway container port on /health', () => {
    const { template } = scopeOf('services');
    const targetGroup = template.Resources['GatewayTargetGroup']?.Properties ?? {};
    expect(targetGroup).toEqual(
      expect.objectContaining({ Port: PORTS.gateway, HealthCheckPath: '/health', TargetType: 'ip' }),
    );
    const balanced = (
      template.Resources['GatewayService']?.Properties?.['LoadBalancers'] as Record<string, unknown>[]
    )[0];
    expect(balanced).toEqual(expect.objectContaining({ ContainerName: 'gateway', ContainerPort: PORTS.gateway }));
  });

  it('when a service offers itself through Service Connect, then its alias port is its container port and the URLs clients use name it', () => {
    for (const name of ['product-service', 'order-service'] as const) {
      expect(serviceConnectUrl(name)).toBe(`http://${name}:${PORTS[name]}`);
    }
  });
});

describe('Kafka access and worker scaling agree with the topics and the consumer group', () => {
  const { template } = scopeOf('services');
  const topicsIn = (role: string, action: string) =>
    (
      ((
        template.Resources[role]?.Properties?.['Policies'] as {
          PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
        }[]
      )[0]?.PolicyDocument.Statement ?? []) as { Action: string[]; Resource: unknown }[]
    )
      .filter((statement) => statement.Action.includes(action))
      .flatMap((statement) => JSON.stringify(statement.Resource).match(/topic\/\$\{Name\}\/\*\/([\w.*-]+)/g) ?? [])
      .map((resource) => resource.split('/').pop())
      .sort();

  it('when the services produce and consume, then each role may write and read exactly its topics', () => {
    expect(topicsIn('ProductServiceTaskRole', 'kafka-cluster:WriteData')).toEqual([TOPICS.productEvents.name]);
    expect(topicsIn('OrderServiceTaskRole', 'kafka-cluster:WriteData')).toEqual(
      [TOPICS.orderEvents.name, TOPICS.orderRequests.name].sort(),
    );
    expect(topicsIn('OrderWorkerTaskRole', 'kafka-cluster:ReadData')).toEqual([TOPICS.orderRequests.name]);
    expect(topicsIn('OrderWorkerTaskRole', 'kafka-cluster:WriteData')).toEqual(
      [TOPICS.orderEvents.name, TOPICS.orderRequestsDeadLetter.name].sort(),
    );
    expect(topicsIn('KafkaTopicsTaskRole', 'kafka-cluster:CreateTopic')).toEqual(['*']);
  });

  it('when the worker joins its consumer group, then the role, the scaling metric and the config name the same group and topic', () => {
    const group = loadOrderConfig({}).worker.group;
    expect(JSON.stringify(template.Resources['OrderWorkerTaskRole']?.Properties)).toContain(
      `group/\${Name}/*/${group}`,
    );
    const scaling = templateOf('scaling');
    const dimensions = JSON.stringify(scaling.Resources['OrderWorkerLagPolicy']?.Properties);
    expect(dimensions).toContain(`{"Name":"Consumer Group","Value":"${group}"}`);
    expect(dimensions).toContain(`{"Name":"Topic","Value":"${TOPICS.orderRequests.name}"}`);
  });

  it('when the worker scales out, then it never gets more tasks than order-requests has partitions', () => {
    const partitions = TOPICS.orderRequests.partitions;
    const scaling = templateOf('scaling');
    expect(Number(scaling.Parameters?.['WorkerMaxCount']?.Default)).toBeLessThanOrEqual(partitions);
    expect(Number((scaling.Parameters?.['WorkerMaxCount'] as { MaxValue?: number }).MaxValue)).toBe(partitions);
    expect(Number((template.Parameters?.['OrderWorkerDesiredCount'] as { MaxValue?: number }).MaxValue)).toBe(
      partitions,
    );
  });
});

describe('the load-test task runs the k6 suite', () => {
  it('when the load test starts, then k6 runs the suite entry point with SCENARIO and BASE_URL', () => {
    const k6 = containerNamed('loadtest', 'k6');
    expect((k6.evaluated['Command'] as string[]).at(-1)).toBe(`/scripts/${K6_ENTRY_POINT}`);
    expect(Object.keys(k6.environment)).toEqual(expect.arrayContaining(['SCENARIO', 'BASE_URL']));
    expect(k6.environment['BASE_URL']).toBe(`sample-${SAMPLE.environment}-ApiUrl`);
  });

  it('when k6 runs on AWS, then it is the release the local runner pins', () => {
    const pinned = /K6_VERSION=v([\d.]+)/.exec(readRepositoryFile('infrastructure/k6/k6.sh'))?.[1];
    const image = String(evaluate({ Ref: 'K6Image' }, scopeOf('loadtest')));
    expect(image).toBe(`grafana/k6:${pinned}`);
  });
});

function serviceConnectUrl(service: 'product-service' | 'order-service'): string {
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
