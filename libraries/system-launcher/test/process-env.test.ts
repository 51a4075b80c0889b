/** Each process's environment for a copy of the system, read back by the services' own schemas. */
import { buildProcessEnvs, type SystemPlan } from '../src/env/process-env';
import { readSystemSettings } from '../src/env/service-configs';

const plan: SystemPlan = {
  ports: { 'product-service': 9101, 'order-service': 9102, 'order-worker': 9103, gateway: 9100 },
  copy: {
    productDb: 'product_db_test_x',
    orderDb: 'order_db_test_x',
    topicPrefix: 'test.env.x',
    workerGroup: 'test-env-x',
  },
  bindHost: '127.0.0.1',
  brokers: ['127.0.0.1:9192'],
  mysql: { host: '127.0.0.1', port: 3407 },
  rateLimit: false,
  auth: { mode: 'hs256', secret: 's'.repeat(43) },
};

describe('buildProcessEnvs and readSystemSettings', () => {
  it('when a copy is planned, then every service reads its names, ports and addresses from its environment', () => {
    const envs = buildProcessEnvs(plan);

    expect(readSystemSettings(envs)).toEqual({
      brokers: ['127.0.0.1:9192'],
      databases: {
        product: expect.objectContaining({ port: 3407, database: 'product_db_test_x', user: expect.any(String) }),
        order: expect.objectContaining({ port: 3407, database: 'order_db_test_x', user: expect.any(String) }),
      },
      topics: {
        productEvents: 'test.env.x.product-events',
        orderEvents: 'test.env.x.order-events',
        orderRequests: 'test.env.x.order-requests',
        orderRequestsDeadLetter: 'test.env.x.order-requests.dlq',
      },
      workerGroup: 'test-env-x',
    });
    expect(envs.gateway).toMatchObject({
      NODE_ENV: 'production',
      GATEWAY_PORT: '9100',
      GATEWAY_HOST: '127.0.0.1',
      PRODUCT_SERVICE_URLS: 'http://127.0.0.1:9101',
      ORDER_SERVICE_URLS: 'http://127.0.0.1:9102',
      RATE_LIMIT_ENABLED: 'false',
      AUTH_ENABLED: 'true',
      AUTH_HS256_SECRET: 's'.repeat(43),
      AUTH_RS256_PUBLIC_KEY: '',
      AUTH_JWKS_URL: '',
      AUTH_ISSUER: 'ecom-platform',
      AUTH_AUDIENCE: 'ecom-api',
    });
    expect(envs['order-worker']).toMatchObject({ ORDER_WORKER_PORT: '9103', ORDER_SERVICE_PORT: '9102' });
  });

  it('when a process has overrides, then they apply to it alone, over the plan', () => {
    const envs = buildProcessEnvs(plan, {
      'order-service': (ports) => ({ PRODUCT_SERVICE_URLS: [`http://127.0.0.1:${ports['product-service'] + 1}`] }),
    });

    expect(envs['order-service']!['PRODUCT_SERVICE_URLS']).toBe('http://127.0.0.1:9102');
    expect(envs['order-worker']!['PRODUCT_SERVICE_URLS']).toBe('http://127.0.0.1:9101');
  });

  it.each([
    ['off', { mode: 'off' } as const, { AUTH_ENABLED: 'false' }],
    ['the environment’s', { mode: 'environment' } as const, {}],
  ])(
    'when the gateway’s authentication is %s, then its environment says so and sets no key',
    (_case, auth, expected) => {
      const envs = buildProcessEnvs({ ...plan, auth });

      expect(envs.gateway).toMatchObject(expected);
      expect(envs.gateway!['AUTH_HS256_SECRET']).toBe(process.env['AUTH_HS256_SECRET']);
    },
  );
});

describe('where npm start listens', () => {
  const npmStart: SystemPlan = {
    ports: { 'product-service': 8081, 'order-service': 8082, 'order-worker': 8083, gateway: 8080 },
    servicesHost: '127.0.0.1',
    auth: { mode: 'hs256', secret: 's'.repeat(43) },
  };

  it('when npm start is planned, then the services listen on 127.0.0.1 and the gateway where its own setting says', () => {
    const envs = buildProcessEnvs(npmStart);

    expect(envs['product-service']!['PRODUCT_SERVICE_HOST']).toBe('127.0.0.1');
    expect(envs['order-service']!['ORDER_SERVICE_HOST']).toBe('127.0.0.1');
    expect(envs['order-worker']!['ORDER_SERVICE_HOST']).toBe('127.0.0.1');
    expect(envs.gateway!['GATEWAY_HOST']).toBe(process.env['GATEWAY_HOST']);
  });

  it('when the environment names a service host, then npm start keeps it', () => {
    process.env['ORDER_SERVICE_HOST'] = '0.0.0.0';
    try {
      expect(buildProcessEnvs(npmStart)['order-service']!['ORDER_SERVICE_HOST']).toBe('0.0.0.0');
    } finally {
      delete process.env['ORDER_SERVICE_HOST'];
    }
  });
});
