/**
 * Faults injected into a running system under the mixed load, then healed. A scenario run:
 * load for `warmupMs` → inject → `faultMs` under the fault → heal → `settleMs` more load (the
 * recovery is measured there) → stop the load → wait for the backlog to drain → invariants.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startMixedLoad, type RecordedRequest } from './mixed-load';
import { checkInvariants, type InvariantReport } from './invariants';
import type { ProcessName } from '@ecom/system-launcher';
import type { OwnInfrastructure } from './own-infrastructure';
import type { ThrottlingProxy } from './throttling-proxy';
import type { TestSystem } from './test-system';

export interface FaultScenario {
  readonly name: string;
  inject(system: TestSystem): Promise<void>;
  heal(system: TestSystem): Promise<void>;
}

export interface ScenarioTiming {
  readonly warmupMs: number;
  readonly faultMs: number;
  readonly settleMs: number;
  readonly ratePerSecond: number;
}

export interface ScenarioResult extends InvariantReport {
  readonly scenario: string;
  /** How long the heal itself took (a restart: until the process is ready; a broker: until it answers). */
  readonly healMs: number;
  /** From the start of the heal to the first acknowledged order (sync 201, async 202) started after it. */
  readonly recoveryMs: { readonly sync: number | null; readonly async: number | null };
  readonly duringFault: { readonly sent: number; readonly acknowledged: number };
  /** Abandoned sync placements the order service's sweeper released during the scenario (`held`: they held stock). */
  readonly sweeperReleased: { readonly held: number; readonly nothing: number };
}

/** In npm test: the settle time covers the circuit breaker's 5 s reset, on a busy machine too. */
export const SHORT_TIMING: ScenarioTiming = { warmupMs: 2_000, faultMs: 4_000, settleMs: 10_000, ratePerSecond: 15 };
export const LONG_TIMING: ScenarioTiming = { warmupMs: 5_000, faultMs: 15_000, settleMs: 20_000, ratePerSecond: 20 };

/** SIGKILL, then a restart once `downMs` is over (the heal). */
export function killProcess(name: ProcessName): FaultScenario {
  return {
    name: `SIGKILL ${name}`,
    inject: async (system) => {
      const target = system.services.find((service) => service.name === name)!;
      const exited = new Promise((resolve) => target.process.child.once('exit', resolve));
      target.process.child.kill('SIGKILL');
      await exited;
    },
    heal: async (system) => {
      await system.restartService(name);
    },
  };
}

/**
 * SIGKILL of the order service while sync orders sit between their reservation and their order's
 * write: the product service's answers are held `holdMs` (through the proxy), so the reservations
 * made in the last moments before the kill are committed and their orders never written. The
 * restarted order service's sweeper must give that stock back.
 */
export function killOrderServiceMidPlacement(proxy: ThrottlingProxy, holdMs = 1_000): FaultScenario {
  const kill = killProcess('order-service');
  return {
    name: `SIGKILL order-service mid-placement (product service answers held ${holdMs} ms)`,
    inject: async (system) => {
      proxy.answerDelayMs = holdMs;
      try {
        await sleep(holdMs / 2); // reservations committed, their answers on hold
        await kill.inject(system);
      } finally {
        proxy.answerDelayMs = 0;
      }
    },
    heal: (system) => kill.heal(system),
  };
}

/** The Kafka broker stopped (the script's graceful stop), then started again. Our own broker only. */
export function restartKafka(infrastructure: OwnInfrastructure): FaultScenario {
  return {
    name: 'Kafka broker stopped and restarted',
    inject: () => infrastructure.stopComponent('kafka'),
    heal: async () => void (await infrastructure.startComponent('kafka')),
  };
}

/**
 * The Kafka broker frozen (SIGSTOP), then thawed (SIGCONT): a slow failover rather than a dead
 * broker. Connections stay open and requests on the wire stay there, so produce requests answered
 * after the order service's acknowledgement deadline reach the topic all the same: the case where
 * a client told 503 must not find its order placed. Our own broker only (its pid file in `dataDir`).
 */
export function freezeKafka(dataDir: string): FaultScenario {
  const pid = () => Number(readFileSync(path.join(dataDir, 'run', 'kafka.pid'), 'utf8').trim());
  return {
    name: 'Kafka broker frozen (SIGSTOP), then thawed (SIGCONT)',
    inject: async () => void process.kill(pid(), 'SIGSTOP'),
    heal: async () => void process.kill(pid(), 'SIGCONT'),
  };
}

/** MySQL stopped, then started again. Our own server only. */
export function restartMysql(infrastructure: OwnInfrastructure): FaultScenario {
  return {
    name: 'MySQL stopped and restarted',
    inject: () => infrastructure.stopComponent('mysql'),
    heal: async () => void (await infrastructure.startComponent('mysql')),
  };
}

/** The product service made slower than the order service's timeout, through the proxy between them. */
export function slowProductService(proxy: ThrottlingProxy, delayMs: number): FaultScenario {
  return {
    name: `product service slow (${delayMs} ms per request)`,
    inject: async () => {
      proxy.delayMs = delayMs;
    },
    heal: async () => {
      proxy.delayMs = 0;
    },
  };
}

let nextFirstUserId = 1;

export async function runScenario(
  system: TestSystem,
  scenario: FaultScenario,
  productIds: readonly number[],
  timing: ScenarioTiming = SHORT_TIMING,
): Promise<ScenarioResult> {
  const firstUserId = nextFirstUserId;
  nextFirstUserId += 1_000_000;
  const sweptBefore = await sweeperReleases(system);
  const load = startMixedLoad({
    gatewayUrl: system.gatewayUrl,
    productIds,
    ratePerSecond: timing.ratePerSecond,
    firstUserId,
    headers: system.adminHeaders,
  });
  await sleep(timing.warmupMs);
  const faultAt = Date.now();
  await scenario.inject(system);
  await sleep(timing.faultMs);
  const healAt = Date.now();
  await scenario.heal(system);
  const healMs = Date.now() - healAt;
  await sleep(timing.settleMs);
  const records = await load.stop();
  const report = await checkInvariants(system, records);
  const sweptAfter = await sweeperReleases(system);
  const during = records.filter((record) => record.startedAt >= faultAt && record.startedAt < healAt);
  return {
    scenario: scenario.name,
    ...report,
    healMs,
    recoveryMs: { sync: recoveredAfter(records, 'sync', healAt), async: recoveredAfter(records, 'async', healAt) },
    duringFault: { sent: during.length, acknowledged: during.filter(isAcknowledged).length },
    sweeperReleased: {
      held: countSince(sweptBefore.held, sweptAfter.held),
      nothing: countSince(sweptBefore.nothing, sweptAfter.nothing),
    },
  };
}

/** The sweeper's counter (abandoned_placements_released_total) from the order service's /metrics. */
async function sweeperReleases(system: TestSystem): Promise<{ held: number; nothing: number }> {
  const text = await fetch(`${system.orderServiceUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })
    .then((response) => response.text())
    .catch(() => '');
  const value = (held: boolean) =>
    Number(
      new RegExp(`^abandoned_placements_released_total\\{held="${held}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0,
    );
  return { held: value(true), nothing: value(false) };
}

/** A counter's increase; a restarted process (the SIGKILL scenario) counts from 0 again. */
const countSince = (before: number, after: number) => (after >= before ? after - before : after);

const isAcknowledged = (record: RecordedRequest) => record.status === 201 || record.status === 202;

function recoveredAfter(records: readonly RecordedRequest[], kind: 'sync' | 'async', healAt: number): number | null {
  const first = records.find((record) => record.kind === kind && record.startedAt >= healAt && isAcknowledged(record));
  return first?.endedAt === undefined ? null : first.endedAt - healAt;
}

/** One line per scenario, for logs and docs/reliability.md. */
export function summarise(result: ScenarioResult): string {
  return [
    `${result.scenario}:`,
    `sent ${result.sent}, acknowledged ${result.acknowledged}, lost ${result.lost.length}, duplicates ${result.duplicates.length},`,
    `5xx but placed ${result.failedButPlaced.length} (outcome-unknown 5xx later placed ${result.unknownThenPlaced.length}),`,
    `refused ${result.refused}, unavailable ${result.unavailable}, no answer ${result.noAnswer};`,
    `during the fault ${result.duringFault.acknowledged}/${result.duringFault.sent} acknowledged;`,
    `healed in ${result.healMs} ms, recovered after ${result.recoveryMs.sync ?? '-'} ms (sync), ${result.recoveryMs.async ?? '-'} ms (async);`,
    `drained in ${result.drainMs} ms;`,
    `the sweeper released ${result.sweeperReleased.held} abandoned placements holding stock (and ${result.sweeperReleased.nothing} holding none);`,
    `at the drain ${result.sweep.orphansAtDrain} reservations held for no order and ${result.sweep.intentsAtDrain} placement intents, settled in ${result.sweep.settledMs} ms`,
  ].join(' ');
}

/** Every invariant the result breaks, in words (empty when all hold). */
export function invariantViolations(result: ScenarioResult): string[] {
  const problems: string[] = [];
  if (result.lost.length > 0) problems.push(`${result.lost.length} acknowledged orders lost`);
  if (result.refusedForAuth > 0) problems.push(`${result.refusedForAuth} requests refused for their token (401/403)`);
  if (result.duplicates.length > 0) problems.push(`${result.duplicates.length} orders placed twice`);
  if (result.failedButPlaced.length > 0)
    problems.push(`${result.failedButPlaced.length} orders answered 5xx but placed`);
  if (result.notFinal.length > 0) problems.push(`${result.notFinal.length} orders not in a final state`);
  if (result.stockImbalances.length > 0)
    problems.push(`stock not conserved: ${JSON.stringify(result.stockImbalances)}`);
  if (result.negativeStock > 0) problems.push(`${result.negativeStock} products with negative stock`);
  if (result.reservationMismatches.length > 0) {
    problems.push(
      `reservations ≠ pending orders: ${JSON.stringify(result.reservationMismatches)}, held for ${JSON.stringify(result.orphanReservations)}`,
    );
  }
  if (result.leftoverIntents > 0)
    problems.push(`${result.leftoverIntents} placement intents left after the sweeper's time`);
  if (result.unpublishedEvents.product + result.unpublishedEvents.order > 0)
    problems.push(`outbox not drained: ${JSON.stringify(result.unpublishedEvents)}`);
  if (result.recoveryMs.sync === null || result.recoveryMs.async === null)
    problems.push('did not recover within the settle time');
  return problems;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
