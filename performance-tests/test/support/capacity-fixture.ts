/** A capacity run's result as the runner writes it, built from the goal computation itself. */
import type { CapacityFigures } from '../../runner/capacity-goals';
import { computeCapacityGoals } from '../../runner/capacity-goals';
import { parseRunResult, type BurstRound, type RunResult } from '../../report/result.schema';
import { loadCompareResult } from './report-fixture';

export const burstRound = (sent: number, createdWithin: number, statuses: Record<string, number>): BurstRound => ({
  sent,
  createdWithin,
  statuses,
  latencyMs: { p50: 310.5, p99: 1180, max: 1204.2 },
  sendSpreadMs: 4.2,
  connections: sent,
});

/** Every figure measured: some goals met, some missed. */
export const FIGURES: CapacityFigures = {
  syncCapacity: 94,
  asyncAcceptance: 900,
  asyncSustained: 300,
  databaseCeiling: 228,
  commitLoop: 1900,
  syncBursts: [burstRound(75, 75, { '201': 75 }), burstRound(75, 70, { '201': 72, '503': 3 })],
  workerDrain: 256,
  gatewayOwnCpuUs: 158.4,
  asyncGateway32: 1170.6,
  asyncDirect32: 2052.7,
};

export function makeCapacityResult(figures: CapacityFigures = FIGURES): RunResult {
  const compare = loadCompareResult();
  return parseRunResult({
    ...compare,
    scenario: 'capacity',
    startedAt: '2026-11-30T12:00:00.000Z',
    finishedAt: '2026-11-30T12:21:03.000Z',
    command: 'CAPACITY_PROBE_SECONDS=10 npm run perf -- capacity',
    machine: {
      ...compare.machine,
      loadBefore: { loadAverage: [0.42, 0.5, 0.61], busy: [] },
      loadAfter: { loadAverage: [3.1, 2.8, 1.9], busy: [{ pid: 4242, command: 'mariadbd', cpuPercent: 12 }] },
    },
    settings: { modes: 'sync,async,async-sustained,noop-202,bare-http', probeSeconds: 10 },
    capacity: [
      { mode: 'async', maxRps: 900, slo: 'p99 ≤ 100 ms, errors < 0.1%, dropped < 1%' },
      { mode: 'sync', maxRps: 94, slo: 'p99 ≤ 100 ms, errors < 0.1%, dropped < 1%' },
    ],
    baselines: [
      { name: 'worker drain rate', description: '3000 orders | placed', value: 256, unit: 'orders/s' },
      {
        name: 'database ceiling, 32 loops',
        description: "the sync order's transactions",
        value: 228,
        unit: 'orders/s',
        ratio: { to: 'plain commit loop', value: 0.12 },
      },
    ],
    syncBurst: { ordersPerBurst: 75, withinMs: 1000, rounds: figures.syncBursts ?? [] },
    goals: computeCapacityGoals(figures),
    notes: ['probes: 31 k6 runs of 10 s each'],
  });
}
