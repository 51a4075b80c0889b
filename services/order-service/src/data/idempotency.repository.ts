import type { Knex } from 'knex';
import { isDuplicateKeyError } from '@ecom/service-kit/db';
import type { ClaimRequest, IdempotencyKeys, KeyClaim, StoredResponse } from '../http/idempotent-request';

const TABLE = 'idempotency_keys';

interface KeyRow {
  fingerprint: string;
  state: 'in_flight' | 'completed';
  order_id: string | null;
  response_status: number | null;
  response_body: string | null;
  expires_at: Date;
  lease_expires_at: Date | null;
}

/**
 * Idempotency keys in MySQL. Claiming is one INSERT: the primary key decides who wins a race. An
 * in-flight claim whose lease has run out is taken over by one conditional UPDATE (compare and
 * set on the lease), so of several retries exactly one takes it.
 */
export class IdempotencyRepository implements IdempotencyKeys {
  constructor(private readonly db: Knex) {}

  async claim(request: ClaimRequest): Promise<KeyClaim> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await this.#insert(request)) return { outcome: 'claimed', orderId: request.orderId };
      const row: KeyRow | undefined = await this.db(TABLE).where({ idempotency_key: request.key }).first();
      if (!row) continue; // released meanwhile: try to claim again
      if (row.expires_at <= request.now) {
        await this.db(TABLE).where({ idempotency_key: request.key, expires_at: row.expires_at }).delete();
        continue;
      }
      if (row.state === 'completed') {
        const response = { status: Number(row.response_status), body: JSON.parse(row.response_body ?? 'null') };
        return { outcome: 'completed', fingerprint: row.fingerprint, response };
      }
      // A claim written before leases existed (lease_expires_at NULL) holds until the key expires, as it did then.
      if (row.lease_expires_at === null || row.lease_expires_at > request.now) {
        return { outcome: 'in_flight', fingerprint: row.fingerprint };
      }
      const takenOver = await this.#takeOver(request, row);
      if (takenOver) return takenOver;
    }
    return { outcome: 'in_flight', fingerprint: '' };
  }

  async #insert({ key, fingerprint, orderId, now, ttlMs, leaseMs }: ClaimRequest): Promise<boolean> {
    try {
      await this.db(TABLE).insert({
        idempotency_key: key,
        fingerprint,
        state: 'in_flight',
        order_id: orderId,
        created_at: now,
        expires_at: new Date(now.getTime() + ttlMs),
        lease_expires_at: new Date(now.getTime() + leaseMs),
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** The earlier claim's lease ran out: ours now, unless another retry took it first. */
  async #takeOver(request: ClaimRequest, row: KeyRow): Promise<KeyClaim | undefined> {
    if (row.fingerprint !== request.fingerprint) return { outcome: 'in_flight', fingerprint: row.fingerprint };
    const orderId = request.onTakeover === 'keep' && row.order_id ? row.order_id : request.orderId;
    const changed = await this.db(TABLE)
      .where({ idempotency_key: request.key, state: 'in_flight', lease_expires_at: row.lease_expires_at })
      .update({ order_id: orderId, lease_expires_at: new Date(request.now.getTime() + request.leaseMs) });
    if (changed !== 1) return undefined;
    return { outcome: 'claimed', orderId, ...(row.order_id && { earlierOrderId: row.order_id }) };
  }

  /** Stores the answer, if the claim for `orderId` still holds the key (not taken over since). */
  async complete(key: string, orderId: string, response: StoredResponse): Promise<void> {
    await this.db(TABLE)
      .where({ idempotency_key: key, state: 'in_flight', order_id: orderId })
      .update({ state: 'completed', response_status: response.status, response_body: JSON.stringify(response.body) });
  }

  /** Forgets a key whose request failed transiently, so a retry with it is processed afresh. */
  async release(key: string, orderId: string): Promise<void> {
    await this.db(TABLE).where({ idempotency_key: key, state: 'in_flight', order_id: orderId }).delete();
  }

  /** Deletes up to `limit` keys expired at `now` (one short statement); resolves with how many. */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    return this.db(TABLE).where('expires_at', '<=', now).limit(limit).delete();
  }
}
