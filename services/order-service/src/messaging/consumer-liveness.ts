import type { Consumer } from 'kafkajs';

export interface ConsumerLiveness {
  /** Resolves while the consumer consumes or will restart by itself; throws once it is dead. */
  check(): Promise<void>;
}

/**
 * Follows a kafkajs consumer's life from its instrumentation events. kafkajs stops the consumer
 * on every crash (STOP), then reports the crash (CRASH) and, when `restart` is true (a retriable
 * error: a broker away, a rebalance), starts it again by itself: that consumer is alive. A crash
 * with `restart: false` (a non-retriable error) or a stop with no crash after it (`stop()`,
 * `disconnect()`) leaves it dead for good: only replacing the process brings it back. A consumer
 * that joins its group again (GROUP_JOIN) is alive. Between a crash's STOP and its CRASH (the
 * time kafkajs takes to close its connections) a probe may see it stopped; probes retry.
 */
export function watchConsumerLiveness(consumer: Consumer): ConsumerLiveness {
  let dead: Error | undefined;
  consumer.on(consumer.events.STOP, () => {
    dead = new Error('the consumer has stopped');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    dead = payload.restart ? undefined : new Error(`the consumer crashed: ${payload.error.message}`);
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    dead = undefined;
  });
  return {
    check: async () => {
      if (dead) throw dead;
    },
  };
}
