import type { Migration } from '@ecom/service-kit/db';
import { createOutboxTable } from '@ecom/service-kit/outbox';
import { createProducts } from './001-create-products';
import { createStockReservations } from './002-create-stock-reservations';
import { indexReleasedReservations } from './004-index-released-reservations';

/** The product service's schema, in order. Append; never edit a migration that has shipped. */
export const migrations: Readonly<Record<string, Migration>> = {
  '001_create_products': createProducts,
  '002_create_stock_reservations': createStockReservations,
  '003_create_outbox': { up: createOutboxTable, down: (db) => db.schema.dropTable('outbox_events') },
  '004_index_released_reservations': indexReleasedReservations,
};
