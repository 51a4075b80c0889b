import { buildGatewaySummary } from '../gateway/gateway-summary';
import { compareAdded, cpuAbove, formatReport, formatTokenCost, medianRows, type Measurement } from '../gateway/report';

const row = (variant: string, requestsPerSecond: number, p50Micros: number, meanMs: number): Measurement => ({
  variant,
  requestsPerSecond,
  total: requestsPerSecond * 10,
  p50Ms: Math.round(meanMs),
  p99Ms: Math.round(meanMs * 3),
  meanMs,
  failures: 0,
  p50Micros,
  p99Micros: p50Micros * 2,
});

describe('the gateway benchmark report', () => {
  it('when nginx adds less latency than the noise (a negative figure), then no ratio is claimed and the goal is not called met', () => {
    expect(compareAdded(24.43, -0.21, 2)).toBe('+24.43 vs +-0.21: nginx adds nothing measurable here → NOT MEASURABLE');
  });

  it('when both add latency, then the ratio decides the verdict at 2×', () => {
    expect(compareAdded(120, 60, 0)).toBe('+120 vs +60 = 2.00× → MET');
    expect(compareAdded(432, 58, 0)).toBe('+432 vs +58 = 7.45× → MISSED');
  });

  it('when rounds are combined, then each figure is the median and the throughput goal compares with nginx', () => {
    const rounds = [
      row('direct', 15_000, 200, 3),
      row('nginx', 14_000, 260, 3.2),
      row('gateway', 5_000, 600, 9),
      row('gateway', 6_000, 640, 8),
      row('gateway', 7_000, 900, 7),
    ];
    const rows = medianRows(rounds, ['direct', 'nginx', 'gateway']);
    const report = formatReport(rows, 50);

    expect(rows[2]).toMatchObject({ requestsPerSecond: 6_000, p50Micros: 640, meanMs: 8 });
    expect(report).toContain('gateway throughput: 0.43× nginx');
    expect(report).toContain('without load (µs): +440 vs +60 = 7.33× → MISSED');
  });

  it('when the token route costs more CPU than the public one in each round, then the verification cost is the median difference', () => {
    const cpu = (variant: string, round: number, cpuMicrosPerRequest: number) => ({
      ...row(variant, 5_000, 600, 9),
      round,
      cpuMicrosPerRequest,
    });
    const rounds = [cpu('gateway', 1, 180), cpu('jwt', 1, 205), cpu('gateway', 2, 200), cpu('jwt', 2, 221)];

    const verification = cpuAbove(rounds, 'jwt', 'gateway');

    expect(verification).toBe(21);
    expect(formatTokenCost(verification)).toContain(
      'a token it verified before (the cache lookup, the role check, the identity headers): 21 µs',
    );
    expect(formatTokenCost(Number.NaN)).toContain('not measured');
  });

  it('when the summary is written, then it carries the verification cost when measured and leaves it out when not', () => {
    const input = {
      startedAt: new Date('2026-11-30T19:00:00Z'),
      settings: {
        connections: 50,
        duration_seconds: 10,
        warmup_seconds: 3,
        rounds: 1,
        nginx_workers: 1,
        profile: false,
      },
      loadAverageBefore: [1, 1, 1],
      rows: [row('direct', 15_000, 200, 3), row('gateway', 5_000, 600, 9)],
      aboveLibrary: 40,
      aboveExpress: -100,
    };

    expect(buildGatewaySummary({ ...input, protectedRouteCost: 21.04 }).gateway_protected_route_cpu_us).toBe(21);
    expect(buildGatewaySummary({ ...input, protectedRouteCost: Number.NaN })).not.toHaveProperty(
      'gateway_protected_route_cpu_us',
    );
    expect(buildGatewaySummary(input)).not.toHaveProperty('gateway_protected_route_cpu_us');
  });
});
