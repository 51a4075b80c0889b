import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';
import { databaseTlsOptions, type DatabaseTls } from './database-tls';
export { isDatabaseUnavailable } from './database-errors';

export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly poolMax: number;
  /** TLS to the server (`MYSQL_TLS`): off unless given; `rds` verifies the server against the RDS CAs. */
  readonly tls?: DatabaseTls;
  /** Where knex's own warnings go (pool acquire errors, deprecations); dropped when absent. */
  readonly logger?: Logger;
}

/**
 * A knex instance over mysql2. DECIMAL columns come back as strings (exact money, never a binary
 * float), timestamps are UTC, TLS is used when `tls` says so (database-tls.ts), and both connecting and waiting for a pooled connection are bounded
 * so a dead database is reported within seconds instead of hanging a request.
 */
export function createDatabase(settings: DatabaseSettings): Knex {
  return knex({
    client: 'mysql2',
    connection: {
      host: settings.host,
      port: settings.port,
      user: settings.user,
      password: settings.password,
      database: settings.database,
      charset: 'utf8mb4',
      timezone: 'Z',
      decimalNumbers: false,
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: 3_000,
      ssl: databaseTlsOptions(settings.tls),
      // For runStatementBatch (one round trip for several writes). Every statement is built by
      // knex with bound values, never from concatenated input, so this widens no injection path.
      multipleStatements: true,
    },
    pool: { min: 0, max: settings.poolMax, idleTimeoutMillis: 30_000 },
    acquireConnectionTimeout: 5_000,
    log: knexLog(settings.logger),
  });
}

function knexLog(logger: Logger | undefined): Knex.Config['log'] {
  const write = (level: 'warn' | 'error' | 'debug') => (message: unknown) =>
    logger?.[level]({ component: 'knex' }, typeof message === 'string' ? message : JSON.stringify(message));
  return { warn: write('warn'), error: write('error'), deprecate: write('warn'), debug: write('debug') };
}

/** A migration as knex runs it. */
export interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * Migrations as code (name → module) rather than files found on disk at run time, so the same
 * list runs from TypeScript in tests and from compiled JavaScript in production.
 */
export async function migrateToLatest(db: Knex, migrations: Readonly<Record<string, Migration>>): Promise<string[]> {
  const names = Object.keys(migrations).sort();
  const [, applied] = (await db.migrate.latest({
    migrationSource: {
      getMigrations: async () => names,
      getMigrationName: (name: string) => name,
      getMigration: async (name: string) => migrations[name] as Migration,
    },
  })) as [number, string[]];
  return applied;
}

/**
 * Runs `work` in a transaction, running it again (up to `attempts` times) when InnoDB chose it as
 * a deadlock victim or it threw a retriable `concurrent_change` error: both mean "nothing was
 * committed, the same work will very likely succeed now".
 */
export async function inTransaction<T>(
  db: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const { code } = error as { code?: unknown };
      const retriable = code === 'ER_LOCK_DEADLOCK' || code === 'concurrent_change';
      if (!retriable || attempt >= attempts) throw error;
    }
  }
}
