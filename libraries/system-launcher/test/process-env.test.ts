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
});
