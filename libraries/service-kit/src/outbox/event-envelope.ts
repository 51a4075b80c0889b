import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The one envelope of every event in the system, on every topic. */
export const eventEnvelopeSchema = z.object({
  event_id: z.uuid(),
  type: z.string().min(1),
  occurred_at: z.iso.datetime({ offset: true }),
  aggregate_id: z.string().min(1),
  version: z.number().int().nonnegative(),
  payload: z.record(z.string(), z.unknown()),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** An event to publish: its envelope plus the topic and key it goes to. */
export interface OutgoingEvent {
  readonly topic: string;
  readonly key: string;
  readonly envelope: EventEnvelope;
  /** The request that caused it, when not the one being served (a batch serves several). */
  readonly requestId?: string;
}

export function createEvent(
  topic: string,
  type: string,
  aggregateId: string | number,
  payload: Record<string, unknown>,
  version = 1,
): OutgoingEvent {
  const aggregate = String(aggregateId);
  return {
    topic,
    key: aggregate,
    envelope: {
      event_id: randomUUID(),
      type,
      occurred_at: new Date().toISOString(),
      aggregate_id: aggregate,
      version,
      payload,
    },
  };
}
