import Router from '@koa/router';
import { requestBody } from '@ecom/service-kit/http';
import { releaseStock } from '../domain/release-stock.use-case';
import { reserveStock } from '../domain/reserve-stock.use-case';
import type { UnitOfWork } from '../domain/ports';
import { orderIdParam, reservationBody } from './product.schemas';
import { validate } from './validate';

/**
 * Internal API for the order service (never routed by the gateway):
 * POST /internal/reservations → 201 reserved (200 when the order id had reserved already);
 * POST /internal/reservations/:order_id/release → 200, idempotent.
 */
export function reservationRoutes(unitOfWork: UnitOfWork): Router {
  const router = new Router({ prefix: '/internal/reservations' });

  router.post('/', async (ctx) => {
    const body = validate(reservationBody, requestBody(ctx));
    const { reservation, replayed } = await reserveStock(unitOfWork, body.order_id, body.items);
    ctx.status = replayed ? 200 : 201;
    ctx.body = reservation;
  });

  router.post('/:orderId/release', async (ctx) => {
    const orderId = validate(orderIdParam, ctx.params['orderId'], 'The order id is invalid');
    ctx.body = await releaseStock(unitOfWork, orderId);
  });

  return router;
}
