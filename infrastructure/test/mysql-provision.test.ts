/**
 * The MySQL container's first-start provisioning (infrastructure/docker/mysql/initdb.d/10-provision.sh):
 * the SQL it sends is infrastructure/mysql/bootstrap.sql with the accounts filled in.
 */
import { execFile } from 'node:child_process';
import { readRepoFile, repoPath } from './support/repo';

const SCRIPT = repoPath('infrastructure/docker/mysql/initdb.d/10-provision.sh');

/** Runs the script with `cat` as the MySQL client, so what it would send comes out on stdout. */
function render(env: Record<string, string>): Promise<{ code: number; sql: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [SCRIPT],
      {
        env: {
          PATH: process.env['PATH'],
          BOOTSTRAP_SQL: repoPath('infrastructure/mysql/bootstrap.sql'),
          MYSQL_CLIENT: 'cat',
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, sql: stdout, stderr }),
    );
  });
}

describe('MySQL container provisioning', () => {
  it('when run with the Compose defaults, then it sends bootstrap.sql with the local accounts and no placeholder left', async () => {
    const { code, sql } = await render({});

    expect(code).toBe(0);
    const statements = sql.split('\n').filter((line) => !line.startsWith('--'));
    expect(statements.join('\n')).not.toMatch(/\{\{/);
    expect(sql).toContain("CREATE USER IF NOT EXISTS 'product_service'@'%' IDENTIFIED BY 'product_service_local';");
    expect(sql).toContain("GRANT ALL PRIVILEGES ON `order\\_db`.* TO 'order_service'@'%';");
    expect(sql).toContain('CREATE DATABASE IF NOT EXISTS `product_db`');
  });

  it('when it renders, then everything but the accounts is bootstrap.sql verbatim', async () => {
    const { sql } = await render({
      PRODUCT_DB_USER: 'p',
      ORDER_DB_USER: 'o',
      PRODUCT_DB_PASSWORD: 'x',
      ORDER_DB_PASSWORD: 'y',
    });
    const expected = readRepoFile('infrastructure/mysql/bootstrap.sql')
      .replaceAll('{{PRODUCT_DB_USER}}', 'p')
      .replaceAll('{{ORDER_DB_USER}}', 'o')
      .replaceAll('{{PRODUCT_DB_PASSWORD}}', 'x')
      .replaceAll('{{ORDER_DB_PASSWORD}}', 'y');

    expect(sql.startsWith(expected.trimEnd())).toBe(true);
  });

  it('when a password holds quotes, backslashes or &, then they are escaped inside the SQL literal', async () => {
    const { sql } = await render({ ORDER_DB_PASSWORD: "it's \\ & more" });

    expect(sql).toContain("ALTER USER 'order_service'@'%' IDENTIFIED BY 'it''s \\\\ & more';");
  });

  it('when a user name could inject SQL, then it refuses to run', async () => {
    const { code, sql, stderr } = await render({ PRODUCT_DB_USER: "x'@'%'; DROP DATABASE order_db; --" });

    expect(code).not.toBe(0);
    expect(sql).toBe('');
    expect(stderr).toContain('invalid database user name');
  });
});
