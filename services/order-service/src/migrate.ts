/** Brings order_db to the latest schema (run by `npm start` before the service starts). */
import { runMigrationsMain } from '@ecom/service-kit/resources';
import { loadConfig } from './config';
import { migrations } from './data/migrations';

runMigrationsMain('order-service', () => loadConfig().database, migrations);
