import { startPeriodicTask, type PeriodicTask } from '@ecom/service-kit/lifecycle';
import type { Logger } from '@ecom/service-kit/logging';
import {
  releaseAbandonedReservations,
  type SweepDependencies,
  type SweepResult,
} from './domain/release-abandoned-reservations.use-case';

export interface IntentSweeperOptions {
  readonly intents: SweepDependencies['intents'];
  readonly stock: SweepDependencies['stock'];
  readonly abandonedAfterMs: number;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Called for each order released; `heldStock` false when it turned out to hold nothing. */
  readonly onReleased?: (heldStock: boolean) => void;
}

/**
 * The sweeper of abandoned sync placements (and of the releases cancelled orders owe) in the HTTP
 * order service: a sweep every `intervalMs` after the previous one ended (the kit's periodic task:
 * never two at once in one process; several processes may sweep together). A sweep that fails
 * (MySQL down) is logged and runs again next time.
 */
export function startIntentSweeper(options: IntentSweeperOptions): PeriodicTask {
  const deps: SweepDependencies = {
    intents: options.intents,
    stock: options.stock,
    abandonedAfterMs: options.abandonedAfterMs,
  };
  return startPeriodicTask({
    name: 'placement intent sweep',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: async () => report(await releaseAbandonedReservations(deps), options),
  });
}

function report({ released, settled, failed }: SweepResult, { logger, onReleased }: IntentSweeperOptions): void {
  for (const { orderId, items } of settled) {
    logger.info({ order_id: orderId, items }, 'released the stock a cancelled order owed');
  }
  for (const { orderId, items } of released) {
    const units = items.reduce((sum, line) => sum + line.quantity, 0);
    logger.info(
      { order_id: orderId, items, units },
      units > 0
        ? 'released the stock of an abandoned sync placement'
        : 'abandoned sync placement held no stock; release recorded',
    );
    onReleased?.(units > 0);
  }
  if (failed.length > 0) {
    logger.warn(
      { err: failed[0]!.error, order_ids: failed.slice(0, 10).map((entry) => entry.orderId), count: failed.length },
      'could not release abandoned sync placements or owed releases; trying again next sweep',
    );
  }
}
