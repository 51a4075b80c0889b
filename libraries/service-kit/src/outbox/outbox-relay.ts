import type { Knex } from 'knex';
import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { ACKS_ALL } from '../kafka/kafka.factory';
import { REQUEST_ID_HEADER } from '../logging/request-context';
import {
  countPendingEvents,
  hasPendingEvents,
  lockPendingEvents,
  markPublished,
  type OutboxRow,
} from './outbox.repository';

export interface OutboxRelayOptions {
  readonly db: Knex;
  readonly producer: Producer;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly batchSize?: number;
  /**
   * How long to sleep when the outbox is empty, unless woken by `wake()` (default 1 s). The wake
   * after each commit sends a service's own events at once; the poll is for rows nobody woke a
   * relay for (a process that died between its commit and its publish).
   */
  readonly idleMs?: number;
  /**
   * Physical topic for each logical one the rows name (e.g. a test's own `test.product-events.x`
   * for `product-events`); unmapped topics are published as named.
   */
  readonly topicNames?: Readonly<Record<string, string>>;
}

/**
 * Publishes outbox rows to Kafka in order, in batches, and marks them published. A crash between
 * the Kafka acknowledgement and the mark republishes the batch (at-least-once); consumers
 * de-duplicate by `event_id`. Services call `wake()` after a commit so events leave at once
 * instead of at the next poll; a wake that comes while a batch is being published is kept, so
 * the relay looks again straight after it.
 *
 * An idle poll first asks, in one autocommitted round trip, whether any row is pending, and
 * opens the locking transaction (four round trips) only when one is: a service at rest spent
 * most of its CPU on those transactions, which under a fraction of a core (the scaling
 * benchmark's replicas) is capacity taken from orders.
 */
export class OutboxRelay {
  readonly #options: Required<Omit<OutboxRelayOptions, 'registry'>>;
  readonly #lag: Histogram | undefined;
  #running = false;
  #loop: Promise<void> | undefined;
  #wakeUp: (() => void) | undefined;
  #woken = false;

  constructor(options: OutboxRelayOptions) {
    this.#options = { batchSize: 500, idleMs: 1_000, topicNames: {}, ...options };
    if (options.registry) this.#lag = registerOutboxMetrics(options.registry, options.db);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /** Publishes one batch; resolves with how many events went out. Exposed for tests and drains. */
  async publishBatch(): Promise<number> {
    const { db, producer, batchSize, topicNames } = this.#options;
    // READ COMMITTED: the row locks cover only the rows read, with no gap locks, so services keep
    // inserting new events while a batch is being published.
    return db.transaction(
      async (trx) => {
        const rows = await lockPendingEvents(trx, batchSize);
        if (rows.length === 0) return 0;
        await producer.sendBatch({ acks: ACKS_ALL, topicMessages: toTopicMessages(rows, topicNames) });
        const publishedAt = new Date();
        await markPublished(
          trx,
          rows.map((row) => row.id),
          publishedAt,
        );
        rows.forEach((row) => this.#lag?.observe((publishedAt.getTime() - row.occurred_at.getTime()) / 1000));
        return rows.length;
      },
      { isolationLevel: 'read committed' },
    );
  }

  async #run(): Promise<void> {
    let failures = 0;
    let polling = false;
    while (this.#running) {
      try {
        // A poll that was not woken looks before it locks; a wake (or a full batch) goes straight on.
        const published: number =
          polling && !(await hasPendingEvents(this.#options.db)) ? 0 : await this.publishBatch();
        failures = 0;
        polling = published < this.#options.batchSize && !(await this.#sleep(this.#options.idleMs));
      } catch (error) {
        failures += 1;
        const backoffMs = Math.min(5_000, 100 * 2 ** failures);
        this.#options.logger.warn({ err: error, backoffMs }, 'outbox relay could not publish; retrying');
        // Commits keep waking the relay while Kafka is away: the backoff is not cut short by them.
        await this.#sleep(backoffMs, { wakeable: false });
      }
    }
  }

  /**
   * Sleeps `ms`, or until `wake()` (unless not `wakeable`: then only `stop()` ends it early);
   * resolves true when woken (at once if a wake came meanwhile).
   */
  #sleep(ms: number, { wakeable }: { wakeable: boolean } = { wakeable: true }): Promise<boolean> {
    return new Promise((resolve) => {
      const woken = () => {
        if (!wakeable && this.#running) return;
        clearTimeout(timer);
        this.#wakeUp = undefined;
        this.#woken = false;
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#wakeUp = undefined;
        resolve(false);
      }, ms);
      if (this.#woken && wakeable) woken();
      else this.#wakeUp = woken;
    });
  }
}

function toTopicMessages(
  rows: readonly OutboxRow[],
  topicNames: Readonly<Record<string, string>>,
): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const row of rows) {
    const headers: Record<string, string> = { 'event-id': row.event_id };
    if (row.request_id) headers[REQUEST_ID_HEADER] = row.request_id;
    const topic = topicNames[row.topic] ?? row.topic;
    const messages = byTopic.get(topic) ?? [];
    messages.push({ key: row.message_key, value: row.envelope, headers });
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function registerOutboxMetrics(registry: Registry, db: Knex): Histogram {
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Events written to the outbox and not yet published',
    registers: [registry],
    async collect() {
      this.set(await countPendingEvents(db).catch(() => -1));
    },
  });
  return new Histogram({
    name: 'outbox_publish_lag_seconds',
    help: 'Time from an event being committed to the outbox to Kafka acknowledging it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
}
