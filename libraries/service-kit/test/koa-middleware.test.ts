import Koa from 'koa';
import request from 'supertest';
import { AppError, unavailableError } from '@ecom/service-kit/errors';
import { errorMiddleware, requestIdMiddleware } from '@ecom/service-kit/http';
import { testLogger } from '@ecom/service-kit/testing';

function appThatThrows(error: unknown): Koa {
  const app = new Koa();
  app.use(requestIdMiddleware());
  app.use(errorMiddleware(testLogger()));
  app.use(() => {
    throw error;
  });
  return app;
}

describe('the Koa error and request-id middleware', () => {
  it('when a handler throws an AppError, then its status, code, message and details become the JSON error', async () => {
    const error = new AppError('out_of_stock', 'Not enough stock', {
      status: 409,
      details: [{ field: 'items.0', message: 'short' }],
    });
    const response = await request(appThatThrows(error).callback()).post('/x').set('X-Request-Id', 'req-123');

    expect(response.status).toBe(409);
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.body).toEqual({
      error: {
        code: 'out_of_stock',
        message: 'Not enough stock',
        details: [{ field: 'items.0', message: 'short' }],
        request_id: 'req-123',
      },
    });
  });

  it('when an unexpected error is thrown, then the caller gets a 500 without its message or stack', async () => {
    const response = await request(appThatThrows(new Error('SELECT * FROM secrets failed')).callback()).get('/');

    expect(response.status).toBe(500);
    expect(response.body.error).toMatchObject({
      code: 'internal_error',
      message: 'Internal server error',
      details: [],
    });
    expect(JSON.stringify(response.body)).not.toMatch(/secrets|at /);
  });

  it('when a dependency is unavailable, then the answer is 503 with Retry-After', async () => {
    const response = await request(appThatThrows(unavailableError('product-service')).callback()).get('/');

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.body.error.code).toBe('service_unavailable');
  });

  it('when no request id is sent, then one is made and returned in the header and the body', async () => {
    const response = await request(appThatThrows(new AppError('bad_request', 'nope', { status: 400 })).callback()).get(
      '/',
    );

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.error.request_id).toBe(response.headers['x-request-id']);
  });

  it('when the request id sent is not sane (too long, odd characters), then a fresh one replaces it', async () => {
    const response = await request(appThatThrows(new AppError('bad_request', 'nope', { status: 400 })).callback())
      .get('/')
      .set('X-Request-Id', 'x'.repeat(500));

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when no route matched, then the answer is a JSON 404', async () => {
    const app = new Koa();
    app.use(requestIdMiddleware());
    app.use(errorMiddleware(testLogger()));
    const response = await request(app.callback()).get('/missing');

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  // Found by schemathesis (reliability/test/schemathesis.test.ts): TRACE /products answered a
  // plain-text 501 and PUT /products a plain-text 405, outside the shared error shape.
  it.each([
    ['PUT', 405],
    ['TRACE', 501],
  ])(
    'when the router answers %s with a bare %i, then the answer is a JSON 405 method_not_allowed keeping Allow',
    async (method, routerStatus) => {
      const app = new Koa();
      app.use(requestIdMiddleware());
      app.use(errorMiddleware(testLogger()));
      app.use((ctx) => {
        ctx.status = routerStatus;
        ctx.set('Allow', 'GET, POST');
      });
      const response = await request(app.callback())[method === 'PUT' ? 'put' : 'trace']('/things');

      expect(response.status).toBe(405);
      expect(response.headers['allow']).toBe('GET, POST');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body.error).toMatchObject({ code: 'method_not_allowed', details: [] });
    },
  );
});
