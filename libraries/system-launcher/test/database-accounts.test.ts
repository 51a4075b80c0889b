/**
 * The services' database accounts are declared once, as defaults of their config schemas
 * (services/*\/src/config.ts). What cannot import them (shell, SQL, Compose, the kit's test
 * helpers) holds a copy; each copy is checked here against the schemas.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceDatabaseAccount } from '@ecom/service-kit/testing';
import { REPOSITORY_ROOT, serviceDatabaseAccounts } from '@ecom/system-launcher';

const declared = serviceDatabaseAccounts({});
const VARIABLES = ['PRODUCT_DB_USER', 'PRODUCT_DB_PASSWORD', 'ORDER_DB_USER', 'ORDER_DB_PASSWORD'] as const;
const expected: Record<(typeof VARIABLES)[number], string> = {
  PRODUCT_DB_USER: declared.product.user,
  PRODUCT_DB_PASSWORD: declared.product.password,
  ORDER_DB_USER: declared.order.user,
  ORDER_DB_PASSWORD: declared.order.password,
};
const repoFile = (file: string) => readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8');
const bash = (script: string, env: Record<string, string> = {}) =>
  execFileSync('bash', ['-c', script], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  }).toString();

describe('the database accounts: declared in the services schemas, and every copy agrees', () => {
  it('when mysql.sh provisions with nothing set, then it uses the schemas accounts', () => {
    const output = bash(
      `source infrastructure/mysql/lib/mysql-provision.sh; for v in ${VARIABLES.join(' ')}; do echo "$v=\${!v}"; done`,
    );

    expect(
      Object.fromEntries(
        output
          .trim()
          .split('\n')
          .map((line) => line.split('=')),
      ),
    ).toEqual(expected);
  });

  it('when the MySQL container provisions with nothing set, then it creates the schemas accounts and databases', () => {
    const sql = bash('bash infrastructure/docker/mysql/initdb.d/10-provision.sh', {
      BOOTSTRAP_SQL: path.join(REPOSITORY_ROOT, 'infrastructure/mysql/bootstrap.sql'),
      MYSQL_CLIENT: 'cat',
    });

    for (const account of [declared.product, declared.order]) {
      expect(sql).toContain(`CREATE USER IF NOT EXISTS '${account.user}'@'%' IDENTIFIED BY '${account.password}';`);
      expect(sql).toContain(`CREATE DATABASE IF NOT EXISTS \`${account.database}\``);
    }
  });

  it('when Compose and .env.example name defaults, then they are the schemas', () => {
    const compose = repoFile('docker-compose.yml');
    const dotenv = repoFile('.env.example');

    for (const variable of VARIABLES) {
      const defaults = [...compose.matchAll(new RegExp(`\\$\\{${variable}:-([^}]*)\\}`, 'g'))].map((match) => match[1]);
      expect(defaults.length).toBeGreaterThan(0);
      expect(new Set(defaults)).toEqual(new Set([expected[variable]]));
      expect(dotenv).toMatch(new RegExp(`^${variable}=${expected[variable]}$`, 'm'));
    }
    expect(compose).toContain(`PRODUCT_DB_NAME: ${declared.product.database}`);
    expect(compose).toContain(`ORDER_DB_NAME: ${declared.order.database}`);
  });

  it('when the kit test helpers connect with nothing set, then they use the schemas accounts', () => {
    const saved = Object.fromEntries(VARIABLES.map((variable) => [variable, process.env[variable]]));
    VARIABLES.forEach((variable) => delete process.env[variable]);
    try {
      for (const service of ['product', 'order'] as const) {
        const { user, password } = declared[service];
        expect(serviceDatabaseAccount(service)).toMatchObject({ user, password });
      }
    } finally {
      for (const [variable, value] of Object.entries(saved)) if (value !== undefined) process.env[variable] = value;
    }
  });
});
