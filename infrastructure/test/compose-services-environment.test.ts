/**
 * The environment docker-compose.yml gives each process, through the services' own config
 * loaders: variables the code reads, no loopback, the accounts MySQL provisions, the brokers the
 * services use, and secrets that are overridable with local-only defaults.
 */
import { readFileSync } from 'node:fs';
import type { GatewayConfig } from '@ecom/gateway/config';
import {
  commandOf,
  dependenciesOf,
  environmentOf,
  isJob,
  loadComposeFile,
  type ComposeService,
} from './support/compose';
import { AUTH_ENV_FILE, compose, loadedConfigOf, ourImage, runsTool, services } from './support/compose-services';
import { listRepoFiles } from './support/repo';

describe('docker-compose.yml services: environment', () => {
  const ours = services.filter(([, service]) => ourImage.test(service.image ?? ''));
  const sourceText = [
    ...listRepoFiles('libraries/service-kit/src', ['.ts']),
    ...listRepoFiles('services', ['.ts']).filter((file) => file.includes('/src/')),
    ...listRepoFiles('gateway/src', ['.ts']),
    ...listRepoFiles('infrastructure/docker', ['.js']),
  ]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');

  it('when a container of ours gets a variable, then the code reads a variable of that name', () => {
    const unknown = ours.flatMap(([name, service]) =>
      Object.keys(environmentOf(service))
        .filter((key) => key !== 'NODE_ENV' && !new RegExp(`\\b${key}\\b`).test(sourceText))
        .map((key) => `${name}: ${key}`),
    );

    expect(unknown).toEqual([]);
  });

  it("when a service's own config loader reads the container environment, then it accepts it", () => {
    for (const [name, service] of ours.filter(([, service]) => !runsTool(service))) {
      expect(() => loadedConfigOf(service)).not.toThrow();
      expect(name).toBeTruthy();
    }
  });

  it('when a long-running process loads its config, then nothing points at its own loopback', () => {
    for (const [name, service] of ours.filter(([, service]) => !isJob(service))) {
      const loopback = JSON.stringify(loadedConfigOf(service)).match(/127\.0\.0\.1|localhost|\[::1\]/g);

      expect({ name, loopback }).toEqual({ name, loopback: null });
    }
  });

  it('when the gateway starts, then both upstream services are configured (else it answers 502)', () => {
    const config = loadedConfigOf(compose.services['gateway']!) as GatewayConfig;

    expect(Object.keys(config.upstreams).sort()).toEqual(['order-service', 'product-service']);
  });

  it('when the gateway starts, then authentication is on with the secret auth-init generated, none of it in this file', () => {
    const gateway = compose.services['gateway']!;
    const config = loadedConfigOf(gateway) as GatewayConfig;

    expect(config.auth).toMatchObject({ enabled: true, key: { algorithm: 'HS256' } });
    expect(commandOf(gateway)).toEqual(['node', `--env-file=${AUTH_ENV_FILE}`, 'dist/main.js']);
    expect(commandOf(compose.services['auth-init']!)).toEqual([
      'node',
      'libraries/auth/dist/token.cli.js',
      'init-env-file',
      AUTH_ENV_FILE,
    ]);
    expect(dependenciesOf(gateway)['auth-init']).toBe('service_completed_successfully');
    const keys = services.flatMap(([, service]) => Object.keys(environmentOf(service)));
    expect(keys.filter((key) => /^AUTH_(HS256_SECRET|RS256_PUBLIC_KEY|JWKS_URL|ENABLED)$/.test(key))).toEqual([]);
  });

  it('when the load test runs, then k6 reads the admin token the token job wrote just before, in the same volume', () => {
    const token = compose.services['token']!;
    const k6 = compose.services['k6']!;
    const command = commandOf(token)!;
    const out = command[command.indexOf('--out') + 1];

    expect(command).toEqual(expect.arrayContaining(['--env-file', AUTH_ENV_FILE, '--role', 'admin']));
    expect(environmentOf(k6)['API_TOKEN_FILE']).toBe(out);
    expect(dependenciesOf(k6)['token']).toBe('service_completed_successfully');
    expect(token.volumes).toEqual(['auth:/run/ecom-auth']);
    expect(k6.volumes).toContain('auth:/run/ecom-auth:ro');
    expect(out?.startsWith('/run/ecom-auth/')).toBe(true);
  });

  it('when a service logs in to MySQL, then it uses the account the MySQL container provisions', () => {
    const mysql = environmentOf(compose.services['mysql']!);
    for (const [name, service] of ours) {
      const environment = environmentOf(service);
      for (const prefix of ['PRODUCT_DB', 'ORDER_DB']) {
        if (environment[`${prefix}_USER`] === undefined) continue;
        expect({ name, user: environment[`${prefix}_USER`], password: environment[`${prefix}_PASSWORD`] }).toEqual({
          name,
          user: mysql[`${prefix}_USER`],
          password: mysql[`${prefix}_PASSWORD`],
        });
      }
    }
  });

  it('when Kafka UI connects, then it uses the brokers the services use', () => {
    const ui = environmentOf(compose.services['kafka-ui']!);
    const brokers = new Set(ours.map(([, service]) => environmentOf(service)['KAFKA_BROKERS']).filter(Boolean));

    expect([...brokers]).toEqual([ui['KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS']]);
  });

  it('when a value is a password or secret, then it is an overridable ${VAR:-…} whose default is local-only', () => {
    const { raw } = loadComposeFile();
    const rawServices = (raw as unknown as { services: Record<string, ComposeService> }).services;
    const secrets = Object.entries(rawServices).flatMap(([name, service]) =>
      Object.entries(environmentOf(service))
        // A *_FILE variable names where a secret is, not the secret.
        .filter(([key]) => /PASSWORD|SECRET|TOKEN|_KEY$/.test(key) && !key.endsWith('_FILE'))
        .map(([key, value]) => ({ name, key, value })),
    );

    expect(secrets.length).toBeGreaterThan(0);
    for (const { name, key, value } of secrets) {
      expect({ name, key, value }).toEqual({
        name,
        key,
        value: expect.stringMatching(/^\$\{[A-Z_]+:-[a-z_]*_local\}$/),
      });
    }
  });
});
