/**
 * The `monitoring` profile: Prometheus scrapes every process that serves /metrics, and the Grafana
 * dashboard asks only for metrics the code really registers.
 */
import { parse } from 'yaml';
import { commandOf, environmentOf, isJob, loadComposeFile, mountsOf } from './support/compose';
import { isExposed, metricNamesIn, registeredMetrics, type MetricType } from './support/metrics';
import { readRepoFile } from './support/repo';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly datasource?: { uid: string };
  readonly targets?: { expr: string; datasource?: { uid: string } }[];
}

const { compose } = loadComposeFile();
const dashboard = JSON.parse(readRepoFile('infrastructure/docker/grafana/dashboards/ecom-platform.json')) as {
  uid: string;
  panels: Panel[];
};
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, ...target })));

/** host:port of every long-running process of ours, from the Compose file (its port variable). */
function metricsEndpoints(): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => /^ecom-platform\//.test(service.image ?? '') && !isJob(service))
    .map(([name, service]) => {
      const environment = environmentOf(service);
      const isWorker = commandOf(service)?.join(' ') === 'node dist/worker.js';
      const port = isWorker
        ? environment['ORDER_WORKER_PORT']
        : Object.entries(environment).find(([key]) => /^(GATEWAY|PRODUCT_SERVICE|ORDER_SERVICE)_PORT$/.test(key))?.[1];
      return `${name}:${port}`;
    })
    .sort();
}

describe('Prometheus', () => {
  const config = parse(readRepoFile('infrastructure/docker/prometheus/prometheus.yml')) as {
    scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
  };

  it('when it scrapes, then every process of ours that serves /metrics is a target, and nothing else of ours', () => {
    const job = config.scrape_configs.find((scrape) => scrape.job_name === 'ecom-platform')!;
    const targets = job.static_configs.flatMap((group) => group.targets).sort();

    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(targets).toEqual(metricsEndpoints());
    expect(targets).toHaveLength(4);
  });

  it('when Compose starts it, then it reads this configuration file', () => {
    expect(mountsOf(compose.services['prometheus']!)).toContainEqual({
      type: 'bind',
      source: './infrastructure/docker/prometheus/prometheus.yml',
      target: '/etc/prometheus/prometheus.yml',
      readOnly: true,
    });
  });
});

describe('Grafana', () => {
  const datasources = parse(readRepoFile('infrastructure/docker/grafana/provisioning/datasources/prometheus.yaml')) as {
    datasources: { uid: string; url: string; type: string }[];
  };
  const providers = parse(readRepoFile('infrastructure/docker/grafana/provisioning/dashboards/ecom-platform.yaml')) as {
    providers: { options: { path: string } }[];
  };
  let registered: Map<string, MetricType>;

  beforeAll(async () => {
    registered = await registeredMetrics();
  });

  it('when provisioned, then the data source is the Compose Prometheus and the dashboards are mounted where the provider looks', () => {
    const grafanaMounts = mountsOf(compose.services['grafana']!);

    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
    expect(grafanaMounts).toContainEqual(
      expect.objectContaining({
        source: './infrastructure/docker/grafana/dashboards',
        target: providers.providers[0]!.options.path,
      }),
    );
    expect(grafanaMounts).toContainEqual(
      expect.objectContaining({
        source: './infrastructure/docker/grafana/provisioning',
        target: '/etc/grafana/provisioning',
      }),
    );
  });

  it('when a panel queries, then it uses the provisioned data source', () => {
    const uid = datasources.datasources[0]!.uid;

    for (const { panel, datasource } of queries) {
      expect({ panel: panel.title, uid: datasource?.uid ?? panel.datasource?.uid }).toEqual({
        panel: panel.title,
        uid,
      });
    }
  });

  it('when a panel names a metric, then the code registers that metric', () => {
    const unknown = queries.flatMap(({ panel, expr }) =>
      metricNamesIn(expr)
        .filter((name) => !isExposed(name, registered))
        .map((name) => `${panel.title}: ${name}`),
    );

    expect(queries.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('when a panel names a metric that does not exist, then the check notices (it can fail)', () => {
    expect(metricNamesIn('sum by (le) (rate(orders_placed_seconds_bucket{mode="sync"}[1m]))')).toEqual([
      'orders_placed_seconds_bucket',
    ]);
    expect(isExposed('orders_placed_seconds_bucket', registered)).toBe(false);
    expect(isExposed('order_dead_letters_total_bucket', registered)).toBe(false);
    expect(isExposed('http_request_duration_seconds_bucket', registered)).toBe(true);
  });

  it('when the dashboard opens, then it shows rates and latencies per mode, consumer lag, outbox backlog, dead letters and the circuit breaker', () => {
    const used = new Set(queries.flatMap(({ expr }) => metricNamesIn(expr)));
    const perMode = queries.filter(
      ({ expr }) => /route=~"\/orders\|\/orders\/async"/.test(expr) || /\bmode\b/.test(expr),
    );

    expect(perMode.some(({ expr }) => expr.includes('histogram_quantile'))).toBe(true);
    expect(perMode.some(({ expr }) => expr.includes('rate('))).toBe(true);
    for (const metric of [
      'orders_http_total',
      'kafka_consumer_lag',
      'outbox_pending_events',
      'order_dead_letters_total',
      'circuit_breaker_state',
    ]) {
      expect({ metric, shown: used.has(metric) }).toEqual({ metric, shown: true });
    }
  });
});
