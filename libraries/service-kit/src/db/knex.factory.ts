import knex, { type Knex } from 'knex';
import type { Logger } from 'pino';

export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly poolMax: number;
  /** Where knex's own warnings go (pool acquire errors, deprecations); dropped when absent. */
  readonly logger?: Logger;
}

/**
 * A knex instance over mysql2. DECIMAL columns come back as strings (exact money, never a binary
 * float), timestamps are UTC, and both connecting and waiting for a pooled connection are bounded
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

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
]);

/** True for failures that mean "the database cannot serve now" (retry later), not "bad query". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return name === 'KnexTimeoutError' || (typeof code === 'string' && unavailableCodes.has(code));
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
