/**
 * Puts a few demo products in an empty catalogue (the first `npm start`), through the same use
 * case as the API, so they also appear as product.created events. Does nothing when products exist.
 */
import { createLogger } from '@ecom/service-kit/logging';
import { runMain } from '@ecom/service-kit/lifecycle';
import { createDatabase } from '@ecom/service-kit/db';
import { loadConfig } from './config';
import { createUnitOfWork } from './data/unit-of-work';
import { createProduct } from './domain/manage-products.use-case';

const demoProducts = [
  {
    name: 'Espresso beans, 1 kg',
    description: 'Dark roast, whole beans',
    category: 'coffee',
    price: '24.90',
    stock: 500,
  },
  { name: 'Pour-over kettle', description: 'Gooseneck, 1 l', category: 'equipment', price: '39.00', stock: 120 },
  { name: 'Ceramic cup', description: null, category: 'equipment', price: '9.50', stock: 1000 },
  { name: 'Hand grinder', description: 'Conical burrs', category: 'equipment', price: '79.99', stock: 60 },
  { name: 'Filter papers (100)', description: null, category: 'supplies', price: '4.20', stock: 2000 },
];

const logger = createLogger({ service: 'product-service-seed' });

runMain(logger, async () => {
  const config = loadConfig();
  const db = createDatabase({ ...config.database, logger });
  try {
    const existing = await db('products').count({ count: '*' }).first();
    if (Number(existing?.['count'] ?? 0) > 0) return;
    const unitOfWork = createUnitOfWork(db);
    for (const product of demoProducts) await createProduct(unitOfWork, product);
    logger.info({ count: demoProducts.length }, 'demo products created');
  } finally {
    await db.destroy();
  }
});
