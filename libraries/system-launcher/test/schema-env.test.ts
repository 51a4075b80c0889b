import { configSchema as gatewaySchema } from '@ecom/gateway/config';
import { configSchema as orderSchema, loadConfig as loadOrderConfig } from '@ecom/order-service/config';
import { toEnv } from '@ecom/system-launcher';

describe('toEnv (a process environment from its service config schema)', () => {
  it('when values are numbers, flags and lists, then they are written as the schema reads them back', () => {
    const env = toEnv(orderSchema, {
      ORDER_SERVICE_PORT: 9182,
      PRODUCT_SERVICE_URLS: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      KAFKA_BROKERS: ['127.0.0.1:9192'],
    });

    expect(env).toEqual({
      ORDER_SERVICE_PORT: '9182',
      PRODUCT_SERVICE_URLS: 'http://127.0.0.1:1,http://127.0.0.1:2',
      KAFKA_BROKERS: '127.0.0.1:9192',
    });
    expect(loadOrderConfig(env)).toMatchObject({
      port: 9182,
      productService: { urls: ['http://127.0.0.1:1', 'http://127.0.0.1:2'] },
      kafka: { brokers: ['127.0.0.1:9192'] },
    });
  });

  it('when a value is undefined, then the variable is left out (the default applies)', () => {
    expect(toEnv(gatewaySchema, { GATEWAY_PORT: 1, RATE_LIMIT_ENABLED: undefined })).toEqual({ GATEWAY_PORT: '1' });
    expect(toEnv(gatewaySchema, { RATE_LIMIT_ENABLED: false })).toEqual({ RATE_LIMIT_ENABLED: 'false' });
  });

  it('when a name is not in the schema, then it does not compile, and is refused at run time', () => {
    // @ts-expect-error a misspelt variable is a compile error
    expect(() => toEnv(orderSchema, { ORDER_SERVCE_PORT: 1 })).toThrow(/ORDER_SERVCE_PORT is not a variable/);
    const spread: Record<string, string> = { GATEWAY_PORT: '1' };
    expect(() => toEnv(orderSchema, { ...spread })).toThrow(/GATEWAY_PORT is not a variable/);
  });
});
