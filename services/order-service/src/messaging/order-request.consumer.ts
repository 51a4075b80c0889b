import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '@ecom/service-kit/logging';
import { Counter, Histogram, type Registry } from '@ecom/service-kit/metrics';
import { REQUEST_ID_HEADER, runWithRequestId } from '@ecom/service-kit/logging';
import { readHeader } from '@ecom/service-kit/kafka';
import type { OrderRequest } from '../domain/order';
import type { AsyncPlacement, AsyncPlacementDependencies } from '../domain/place-async-orders.use-case';
import { ChunkPlacement } from './chunk-placement';
import { sendToDeadLetters } from './dead-letter.producer';
import { orderRequestMessage, toOrderRequest } from './order-request.message';

export interface OrderWorkerOptions {
  readonly consumer: Consumer;
  readonly producer: Producer;
  readonly placement: AsyncPlacementDependencies;
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** Orders placed together: one reservation batch call and one transaction (see config.ts). */
  readonly chunkSize: number;
  /** Partitions consumed at once, each with one chunk in flight. */
  readonly partitionsConcurrently: number;
  /** Failed attempts after which an order is rejected instead of retried (see ChunkPlacement). */
  readonly maxAttempts: number;
  readonly logger: Logger;
  readonly registry: Registry;
}

const MAX_BACKOFF_MS = 10_000;
/** Well within the consumer's session timeout (10 s). */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * The order worker: places accepted async orders (place-async-orders.use-case.ts), partitions in
 * parallel and each fetched batch in chunks (one batch reservation call and one transaction per
 * chunk), with the same rules as the sync endpoint. Offsets are resolved only for messages whose outcome is committed
 * (placed, rejected, or dead-lettered); a transient failure pauses the partition with backoff and
 * the unresolved messages are fetched again, never lost, never dead-lettered.
 */
export class OrderWorker {
  readonly #options: OrderWorkerOptions;
  readonly #metrics;
  readonly #failures = new Map<number, number>();
  readonly #chunks: ChunkPlacement;

  constructor(options: OrderWorkerOptions) {
    this.#options = options;
    this.#metrics = registerWorkerMetrics(options.registry);
    this.#chunks = new ChunkPlacement({
      placement: options.placement,
      maxAttempts: options.maxAttempts,
      logger: options.logger,
      onSettled: (placement) => this.#record(placement),
      onRetried: () => this.#metrics.outcomes.inc({ outcome: 'retry' }),
    });
  }

  async start(): Promise<void> {
    const { consumer, topic } = this.#options;
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.#options.partitionsConcurrently,
      eachBatchAutoResolve: false,
      // Commit the offsets resolved so far after every chunk (commitOffsetsIfNecessary below), not
      // only at the end of a fetched batch: a crash replays at most one chunk per partition.
      autoCommitThreshold: 1,
      eachBatch: (payload) => this.#handleBatch(payload),
    });
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = payload;
    const messages = batch.messages;
    const { chunkSize } = this.#options;
    for (let start = 0; start < messages.length && isRunning() && !isStale(); start += chunkSize) {
      const chunk = messages.slice(start, start + chunkSize);
      const settled = await whileBeating(heartbeat, () => this.#processChunk(batch.partition, chunk));
      for (const message of chunk.slice(0, settled)) resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
      if (settled < chunk.length) return this.#backOff(payload);
    }
    this.#failures.delete(batch.partition);
  }

  /** Processes one chunk; resolves with how many leading messages are settled for good. */
  async #processChunk(partition: number, chunk: readonly KafkaMessage[]): Promise<number> {
    const requests = new Map<KafkaMessage, OrderRequest>();
    for (const message of chunk) {
      const parsed = parseMessage(message);
      const requestId = readHeader(message.headers, REQUEST_ID_HEADER);
      if (parsed.ok) requests.set(message, requestId ? { ...parsed.request, request_id: requestId } : parsed.request);
      else await this.#deadLetter(partition, message, parsed.reason);
    }
    const retried = await this.#chunks.place([...requests.values()]);
    const firstUnsettled = chunk.findIndex((message) => retried.has(requests.get(message)?.order_id ?? ''));
    return firstUnsettled === -1 ? chunk.length : firstUnsettled;
  }

  #record({ request, outcome }: AsyncPlacement): void {
    this.#metrics.outcomes.inc({ outcome });
    if (outcome !== 'placed' && outcome !== 'rejected') return;
    this.#metrics.endToEnd.observe((Date.now() - request.accepted_at.getTime()) / 1000);
    runWithRequestId(request.request_id ?? request.order_id, () =>
      this.#options.logger.debug({ order_id: request.order_id, outcome }, 'async order processed'),
    );
  }

  async #deadLetter(partition: number, message: KafkaMessage, reason: string): Promise<void> {
    const { producer, deadLetterTopic, topic, logger } = this.#options;
    await sendToDeadLetters(producer, deadLetterTopic, { topic, partition, message }, reason);
    this.#metrics.deadLetters.inc();
    const requestId = readHeader(message.headers, REQUEST_ID_HEADER);
    logger.warn({ request_id: requestId, partition, offset: message.offset, reason }, 'message dead-lettered');
  }

  /** Pauses the partition, doubling the wait on each consecutive failure; the batch is refetched after. */
  #backOff({ batch, pause }: EachBatchPayload): void {
    const failures = (this.#failures.get(batch.partition) ?? 0) + 1;
    this.#failures.set(batch.partition, failures);
    const delayMs = Math.min(MAX_BACKOFF_MS, 200 * 2 ** (failures - 1));
    this.#options.logger.warn({ partition: batch.partition, delayMs }, 'transient failure: pausing partition');
    const resume = pause();
    setTimeout(resume, delayMs).unref();
  }
}

/**
 * Runs `work` while telling the group this consumer lives: a chunk can take longer than the
 * session timeout when the product service is slow and calls queue behind its in-flight limit, and
 * kafkajs heartbeats on its own only between batches.
 */
async function whileBeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const beating = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(beating);
  }
}

type Parsed = { ok: true; request: OrderRequest } | { ok: false; reason: string };

function parseMessage(message: KafkaMessage): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const result = orderRequestMessage.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: `invalid order request: ${problems.join('; ')}` };
  }
  return { ok: true, request: toOrderRequest(result.data) };
}

function registerWorkerMetrics(registry: Registry) {
  return {
    outcomes: new Counter({
      name: 'orders_processed_total',
      help: 'Async order requests processed by the worker, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'order_dead_letters_total',
      help: 'Messages sent to the dead-letter topic',
      registers: [registry],
    }),
    endToEnd: new Histogram({
      name: 'order_async_end_to_end_seconds',
      help: 'Time from an async order being accepted (202) to being placed or rejected',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}
