/** Brings order_db to the latest schema (run by `npm start` before the service starts). */
import { createDatabase, createLogger, migrateToLatest, runMain } from '@ecom/service-kit';
import { loadConfig } from './config';
import { migrations } from './data/migrations';

const logger = createLogger({ service: 'order-service-migrate' });

runMain(logger, async () => {
  const config = loadConfig();
  const db = createDatabase({ ...config.database, logger });
  try {
    const applied = await migrateToLatest(db, migrations);
    logger.info(
      { applied, database: config.database.database },
      applied.length ? 'migrations applied' : 'schema up to date',
    );
  } finally {
    await db.destroy();
  }
});
