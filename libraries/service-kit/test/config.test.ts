import { z } from 'zod';
import { ConfigError, env, parseEnv } from '@ecom/service-kit/config';

const schema = z.object({
  PORT: env.port(8080),
  KAFKA_BROKERS: env.commaList(env.hostPort).default(['127.0.0.1:9092']),
  DATABASE_NAME: z.string(),
});

describe('parseEnv', () => {
  it('when every variable is valid, then it returns typed values with defaults applied', () => {
    const config = parseEnv(schema, { PORT: '9000', DATABASE_NAME: 'shop' });
    expect(config).toEqual({ PORT: 9000, KAFKA_BROKERS: ['127.0.0.1:9092'], DATABASE_NAME: 'shop' });
  });

  it('when a required variable is missing, then the error names it as not set', () => {
    expect(() => parseEnv(schema, {})).toThrow(/DATABASE_NAME: is required but not set/);
  });

  it('when a variable is malformed, then the error names it and shows the value it got', () => {
    expect(() => parseEnv(schema, { PORT: 'eighty', DATABASE_NAME: 'shop' })).toThrow(/PORT: .*\(got "eighty"\)/);
  });

  it('when a secret variable is refused, then the error names it and the rule but not the value', () => {
    const withHmac = z.object({ DEPLOY_HMAC: env.secret(z.string().min(32, 'must be at least 32 characters')) });
    const refusal = () => parseEnv(withHmac, { DEPLOY_HMAC: 'hunter2' });
    expect(refusal).toThrow('DEPLOY_HMAC: must be at least 32 characters (got 7 characters; the value is not shown)');
    expect(refusal).not.toThrow(/hunter2/);
  });

  it('when a secret is wrapped after it is marked, or the password variables are declared, then they count as secret', () => {
    expect(env.isSecret(env.secret(z.string()).optional())).toBe(true);
    expect(env.isSecret(env.secret(z.string()).default('x'))).toBe(true);
    expect(env.isSecret(env.kafkaEnv.KAFKA_SASL_PASSWORD)).toBe(true);
    expect(env.isSecret(env.mysqlEnv('SHOP_DB', { database: 'd', user: 'u', password: 'p' }).SHOP_DB_PASSWORD)).toBe(
      true,
    );
    expect(env.isSecret(z.string().optional())).toBe(false);
  });

  it('when several variables are bad, then every one of them is reported at once', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { PORT: '70000', KAFKA_BROKERS: 'not-a-broker' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(problems.sort()).toEqual(['DATABASE_NAME', 'KAFKA_BROKERS', 'PORT']);
  });

  it('when a variable is set to the empty string, then it counts as unset and its default applies', () => {
    expect(parseEnv(schema, { PORT: '', DATABASE_NAME: 'shop' }).PORT).toBe(8080);
  });

  it('when the config is returned, then it is frozen all the way down', () => {
    const config = parseEnv(schema, { DATABASE_NAME: 'shop', KAFKA_BROKERS: 'a:1,b:2' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.KAFKA_BROKERS)).toBe(true);
    expect(config.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });
});
