/** Brings product_db to the latest schema (run by `npm start` before the service starts). */
import { runMigrationsMain } from '@ecom/service-kit/resources';
import { loadConfig } from './config';
import { migrations } from './data/migrations';

runMigrationsMain('product-service', () => loadConfig().database, migrations);
