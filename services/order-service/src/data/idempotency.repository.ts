import type { Knex } from 'knex';
import { isDuplicateKeyError } from '@ecom/service-kit/db';
import type { IdempotencyKeys, KeyClaim, StoredResponse } from '../http/idempotent-request';

/** Idempotency keys in MySQL. Claiming is one INSERT: the primary key decides who wins a race. */
export class IdempotencyRepository implements IdempotencyKeys {
  constructor(private readonly db: Knex) {}

  async claim(key: string, fingerprint: string, now: Date, ttlMs: number): Promise<KeyClaim> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await this.db('idempotency_keys').insert({
          idempotency_key: key,
          fingerprint,
          state: 'in_flight',
          created_at: now,
          expires_at: new Date(now.getTime() + ttlMs),
        });
        return { outcome: 'claimed' };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const row = await this.db('idempotency_keys').where({ idempotency_key: key }).first();
      if (!row) continue; // released meanwhile: try to claim again
      if (row.expires_at <= now) {
        await this.db('idempotency_keys').where({ idempotency_key: key, expires_at: row.expires_at }).delete();
        continue;
      }
      if (row.state === 'in_flight') return { outcome: 'in_flight', fingerprint: row.fingerprint };
      return {
        outcome: 'completed',
        fingerprint: row.fingerprint,
        response: { status: Number(row.response_status), body: JSON.parse(row.response_body) },
      };
    }
    return { outcome: 'in_flight', fingerprint: '' };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await this.db('idempotency_keys')
      .where({ idempotency_key: key })
      .update({ state: 'completed', response_status: response.status, response_body: JSON.stringify(response.body) });
  }

  /** Forgets a key whose request failed transiently, so a retry with it is processed afresh. */
  async release(key: string): Promise<void> {
    await this.db('idempotency_keys').where({ idempotency_key: key, state: 'in_flight' }).delete();
  }

  async deleteExpired(now: Date): Promise<number> {
    return this.db('idempotency_keys').where('expires_at', '<=', now).delete();
  }
}
