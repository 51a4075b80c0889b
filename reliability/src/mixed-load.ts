/**
 * A steady, bounded mixed load through the gateway: sync orders, async orders and reads, at a
 * fixed rate (open model: requests start on schedule whether or not earlier ones finished). Every
 * request and its answer is recorded. Each order carries its own user_id (a sequence number)
 * and Idempotency-Key, so the final database can be matched to the requests one to one: orders
 * for many users, so every request carries an admin token (`headers`).
 */
import type { AuthHeaders } from './api-tokens';

export type RequestKind = 'sync' | 'async' | 'read';

export interface RecordedRequest {
  readonly kind: RequestKind;
  /** The order's user_id (unique per request); 0 for reads. */
  readonly userId: number;
  readonly startedAt: number;
  endedAt?: number;
  /** HTTP status, or 0 when no answer came (connection refused, reset, client timeout). */
  status?: number;
  orderId?: string;
  code?: string;
}

export interface MixedLoadOptions {
  readonly gatewayUrl: string;
  readonly productIds: readonly number[];
  /** Requests per second, all kinds together (default 15). */
  readonly ratePerSecond?: number;
  /** Share of each kind (default 40% sync, 40% async, 20% reads). */
  readonly mix?: Readonly<Record<RequestKind, number>>;
  /** Client-side bound on one request (default 12 s, above the gateway's 10 s upstream timeout). */
  readonly timeoutMs?: number;
  readonly firstUserId?: number;
  /** Sent with every request: the admin's `Authorization` (TestSystem.adminHeaders). */
  readonly headers?: AuthHeaders;
}

export interface MixedLoad {
  readonly records: readonly RecordedRequest[];
  /** Stops starting requests and resolves once every request in flight has ended. */
  stop(): Promise<readonly RecordedRequest[]>;
}

export function startMixedLoad(options: MixedLoadOptions): MixedLoad {
  const rate = options.ratePerSecond ?? 15;
  const mix = options.mix ?? { sync: 0.4, async: 0.4, read: 0.2 };
  const timeoutMs = options.timeoutMs ?? 12_000;
  const records: RecordedRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  let nextUserId = options.firstUserId ?? 1;
  let sent = 0;

  const fire = () => {
    const pick = (sent * 0.6180339887) % 1; // evenly spread, deterministic
    sent += 1;
    const kind: RequestKind = pick < mix.sync ? 'sync' : pick < mix.sync + mix.async ? 'async' : 'read';
    const productId = options.productIds[sent % options.productIds.length]!;
    const record: RecordedRequest = { kind, userId: kind === 'read' ? 0 : nextUserId++, startedAt: Date.now() };
    records.push(record);
    const done = send(options, record, productId, timeoutMs).finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const timer = setInterval(fire, 1000 / rate);

  return {
    records,
    stop: async () => {
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      return records;
    },
  };
}

async function send(
  { gatewayUrl, headers }: MixedLoadOptions,
  record: RecordedRequest,
  productId: number,
  timeoutMs: number,
): Promise<void> {
  try {
    const response =
      record.kind === 'read'
        ? await fetch(`${gatewayUrl}/products/${productId}`, { headers, signal: AbortSignal.timeout(timeoutMs) })
        : await fetch(`${gatewayUrl}${record.kind === 'sync' ? '/orders' : '/orders/async'}`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `load-${record.userId}` },
            body: JSON.stringify({ user_id: record.userId, items: [{ product_id: productId, quantity: 1 }] }),
            signal: AbortSignal.timeout(timeoutMs),
          });
    record.status = response.status;
    const body = (await response.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
    if (typeof body.id === 'string' && record.kind !== 'read') record.orderId = body.id;
    if (body.error?.code) record.code = body.error.code;
  } catch {
    record.status = 0;
  } finally {
    record.endedAt = Date.now();
  }
}
