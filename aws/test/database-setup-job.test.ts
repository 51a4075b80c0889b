/**
 * The one-off database job of the services stack: its shell script, run with a stand-in `mysql`,
 * creates the databases and accounts of the local bootstrap over TLS, and refuses a credential
 * it could not quote safely.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE, containerNamed, readRepositoryFile } from './support/task-definitions';

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
