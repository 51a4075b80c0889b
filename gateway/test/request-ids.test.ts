import { createGateway, type GatewayUnderTest } from './support/gateway';
import { requestIdGenerator } from '../src/http/request-id';
import { startRecordingUpstream, type RecordingUpstream } from './support/recording-upstream';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids made by the gateway', () => {
  it('when ids are made, then each is UUID-shaped and none repeats', () => {
    const nextId = requestIdGenerator();

    const ids = Array.from({ length: 10_000 }, () => nextId());

    expect(ids.every((id) => UUID_SHAPE.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when two processes (or one after a restart) make ids, then their random prefixes keep them apart', () => {
    const first = requestIdGenerator(() => '11111111-1111-4111-8111-111111111111');
    const second = requestIdGenerator(() => '22222222-2222-4222-8222-222222222222');

    expect(first()).toBe('11111111-1111-4111-8111-000000000000');
    expect(first()).toBe('11111111-1111-4111-8111-000000000001');
    expect(second()).toBe('22222222-2222-4222-8222-000000000000');
  });

  it('when the counter runs out, then a new random prefix is drawn and the counter starts again', () => {
    const prefixes = ['aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'];
    const nextId = requestIdGenerator(() => prefixes.shift()!, 2);

    expect([nextId(), nextId(), nextId()]).toEqual([
      'aaaaaaaa-aaaa-4aaa-8aaa-000000000000',
      'aaaaaaaa-aaaa-4aaa-8aaa-000000000001',
      'bbbbbbbb-bbbb-4bbb-8bbb-000000000000',
    ]);
  });

  describe('through the gateway', () => {
    let orders: RecordingUpstream;
    let gateway: GatewayUnderTest;

    beforeAll(async () => {
      orders = await startRecordingUpstream();
      gateway = await createGateway({ ORDER_SERVICE_URLS: orders.url });
    });

    afterAll(async () => {
      gateway.close();
      await orders.close();
    });

    it('when requests carry no id, then each gets its own, the service receives it and the client gets it back', async () => {
      const responses = [await gateway.as().get('/orders'), await gateway.as().get('/orders')];

      const returned = responses.map((response) => response.headers['x-request-id']);
      const forwarded = orders.requests.slice(-2).map((received) => received.headers['x-request-id']);
      expect(returned).toEqual(forwarded);
      expect(returned[0]).toMatch(UUID_SHAPE);
      expect(returned[0]).not.toBe(returned[1]);
    });
  });
});
