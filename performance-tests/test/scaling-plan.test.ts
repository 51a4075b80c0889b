/** The scaling run's plan: which series, in which order, and the counts it refuses. */
import { probeSecondsAt } from '../runner/capacity-search';
import { DEFAULT_SLO } from '../runner/result-builder';
import { planSeries, scalingSettings } from '../scaling/scaling-plan';
import { scaledSlo } from '../scaling/scaling-points';

const withEnv = (values: Record<string, string>, read: () => unknown) => {
  const saved = { ...process.env };
  Object.assign(process.env, values);
  try {
    return read();
  } finally {
    process.env = saved;
  }
};

describe('the scaling plan', () => {
  it('when run with defaults, then drains come first and async acceptance last, the worker to 6 and the services to 3', () => {
    const plans = planSeries(scalingSettings());
    expect(plans.map((plan) => `${plan.tier}/${plan.mode}/${plan.dataset}`)).toEqual([
      'order-worker/drain/default',
      'order-worker/drain/hot',
      'product-service/sync/default',
      'order-service/sync/default',
      'order-service/sync/hot',
      'order-service/async/default',
    ]);
    expect(plans[0]?.counts).toEqual([1, 2, 3, 6]);
    expect(plans[2]?.counts).toEqual([1, 2, 3]);
  });

  it('when more workers are asked for than the order-requests topic has partitions, then it refuses', () => {
    expect(() => withEnv({ SCALING_WORKER_COUNTS: '1,7' }, () => planSeries(scalingSettings()))).toThrow(
      /7 workers, but order-requests has 6 partitions/,
    );
  });

  it('when a tier is asked for a mode it does not serve, or a count is not whole, then it refuses', () => {
    expect(() => withEnv({ SCALING_SERIES: 'product-service/async' }, () => planSeries(scalingSettings()))).toThrow(
      /tier\/mode is one of/,
    );
    expect(() => withEnv({ SCALING_SERVICE_COUNTS: '1,1.5' }, () => planSeries(scalingSettings()))).toThrow(
      /SCALING_SERVICE_COUNTS/,
    );
    expect(() => withEnv({ SCALING_WORKER_CORES: 'a quarter' }, () => scalingSettings())).toThrow(
      /SCALING_WORKER_CORES/,
    );
  });

  it('when a SCALING_* name is not a setting (SCALING_SERVICE_CORES was split in two), then it refuses and names it', () => {
    expect(() => withEnv({ SCALING_SERVICE_CORES: '0.25' }, () => scalingSettings())).toThrow(/SCALING_SERVICE_CORES/);
    const cores = withEnv({ SCALING_PRODUCT_SERVICE_CORES: '0.2' }, () => scalingSettings().cores) as Record<
      string,
      number
    >;
    expect(cores).toEqual({ 'order-worker': 0.12, 'order-service': 0.12, 'product-service': 0.2 });
  });

  it('when the hot variant is switched off, then only the default data set is planned', () => {
    const plans = withEnv({ SCALING_HOT_SERIES: 'none' }, () => planSeries(scalingSettings())) as ReturnType<
      typeof planSeries
    >;
    expect(plans.every((plan) => plan.dataset === 'default')).toBe(true);
  });
});

describe('the scaled SLO and probe length', () => {
  it('when a replica has a quarter of a core, then the p99 bound is four times the SLO and the other bounds stay', () => {
    expect(scaledSlo(0.25)).toEqual({ ...DEFAULT_SLO, p99Ms: DEFAULT_SLO.p99Ms * 4 });
    expect(scaledSlo(null)).toBe(DEFAULT_SLO);
    expect(scaledSlo(1)).toBe(DEFAULT_SLO);
  });

  it('when a probe at a low rate would hold few requests, then it is lengthened to hold enough, up to 30 s', () => {
    const settings = { startRate: 10, maxRate: 100, bisections: 1, probeSeconds: 8, confirmFirstMiss: true };
    expect(probeSecondsAt({ ...settings, minRequests: 300 }, 10)).toBe(30);
    expect(probeSecondsAt({ ...settings, minRequests: 300 }, 20)).toBe(15);
    expect(probeSecondsAt({ ...settings, minRequests: 300 }, 100)).toBe(8);
    expect(probeSecondsAt(settings, 1)).toBe(8);
  });
});
