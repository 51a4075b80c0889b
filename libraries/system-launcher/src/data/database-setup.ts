/** A copy's databases, made and dropped with the services' own accounts (allowed on `<service>_db_*` names only). */
import { createDatabase, type DatabaseSettings } from '@ecom/service-kit/db';

async function withServerConnection(
  settings: DatabaseSettings,
  use: (sql: ReturnType<typeof createDatabase>) => Promise<unknown>,
) {
  const server = createDatabase({ ...settings, database: '', poolMax: 1 });
  try {
    await use(server);
  } finally {
    await server.destroy();
  }
}

/** Drops the database `settings` name, if any, and creates it empty. */
export function recreateDatabase(settings: DatabaseSettings): Promise<void> {
  return withServerConnection(settings, async (server) => {
    await server.raw('DROP DATABASE IF EXISTS ??', [settings.database]);
    await server.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [settings.database]);
  });
}

export function dropDatabase(settings: DatabaseSettings): Promise<void> {
  return withServerConnection(settings, (server) => server.raw('DROP DATABASE IF EXISTS ??', [settings.database]));
}
