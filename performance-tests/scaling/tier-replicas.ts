/**
 * N replicas of one tier of a running perf system, each put under its own CPU quota once warm,
 * and the address the load goes to:
 *   order-worker     the worker and N − 1 more in the same consumer group (partitions ≥ N)
 *   order-service    the order service and N − 1 more, behind a gateway of their own
 *   product-service  the product service and N − 1 more, used in turn by an order service (not
 *                    limited) behind a gateway of its own
 * The other tiers run as they are, without a quota (over-provisioned as far as two cores allow).
 */
import type { RunningProcess } from '@ecom/system-launcher';
import type { LocalSystem } from '../runner/local-system';
import type { CpuQuotas } from './cpu-quotas';
import type { ScalingTier } from './scaling-summary.schema';

export interface TierReplicas {
  /** Where k6 sends orders (a gateway); the system's own for the worker tier. */
  readonly baseUrl: string;
  /** The scaled tier's processes. */
  readonly replicas: readonly RunningProcess[];
  /** Every process a point involves, by kind (for CPU per order). */
  readonly processes: readonly { kind: string; pid: number }[];
  /** The quotas the replicas are put under (and their throttling counts). */
  readonly quotas: CpuQuotas;
  /**
   * Puts each replica under its quota. Called after the replicas are warm: a process just started
   * compiles its hot code, and under a quota of a fraction of a core that takes long enough to
   * show in the measurement of a new replica and not of one that ran before.
   */
  applyQuotas(): void;
  /** Stops what was started for this point and lifts the quotas. */
  stop(): Promise<void>;
}

export interface ReplicaRequest {
  readonly system: LocalSystem;
  readonly quotas: CpuQuotas;
  readonly tier: ScalingTier;
  readonly n: number;
  readonly coresPerReplica: number;
}

export async function startTierReplicas({
  system,
  quotas,
  tier,
  n,
  coresPerReplica,
}: ReplicaRequest): Promise<TierReplicas> {
  const started: RunningProcess[] = [];
  const another = async (launch: () => Promise<RunningProcess>) => {
    const process = await launch();
    started.push(process);
    return process;
  };
  const stop = async () => {
    quotas.release();
    for (const process of started.reverse()) await process.process.stop();
  };
  try {
    const main = mainProcess(system, tier);
    const extras = [];
    for (let index = 2; index <= n; index += 1)
      extras.push(await another(() => system.startAnother(tier, `${tier}-${index}`, () => ({}))));
    const replicas = [main, ...extras];
    const front = await startFront(system, tier, replicas, another);
    return {
      baseUrl: front?.gateway.url ?? system.gatewayUrl,
      replicas,
      processes: processesOf(system, tier, replicas, front),
      quotas,
      applyQuotas: () =>
        replicas.forEach((replica) => quotas.limit(replica.name, replica.process.pid, coresPerReplica)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function mainProcess(system: LocalSystem, tier: ScalingTier): RunningProcess {
  const main = system.services.find((service) => service.name === tier);
  if (!main) throw new Error(`the ${tier} is not running`);
  return main;
}

interface Front {
  readonly gateway: RunningProcess;
  readonly orderService?: RunningProcess;
}

/** The gateway (and, for the product tier, the order service) the load reaches the replicas through. */
async function startFront(
  system: LocalSystem,
  tier: ScalingTier,
  replicas: readonly RunningProcess[],
  another: (launch: () => Promise<RunningProcess>) => Promise<RunningProcess>,
): Promise<Front | undefined> {
  const urls = replicas.map((replica) => replica.url);
  if (tier === 'order-service') {
    const gateway = await another(() =>
      system.startAnother('gateway', `gateway-${replicas.length}x`, () => ({ ORDER_SERVICE_URLS: urls })),
    );
    return { gateway };
  }
  if (tier === 'product-service') {
    const orderService = await another(() =>
      system.startAnother('order-service', `order-service-for-${replicas.length}x`, () => ({
        PRODUCT_SERVICE_URLS: urls,
      })),
    );
    const gateway = await another(() =>
      system.startAnother('gateway', `gateway-${replicas.length}x`, () => ({ ORDER_SERVICE_URLS: [orderService.url] })),
    );
    return { gateway, orderService };
  }
  return undefined;
}

function processesOf(
  system: LocalSystem,
  tier: ScalingTier,
  replicas: readonly RunningProcess[],
  front: Front | undefined,
): { kind: string; pid: number }[] {
  const own = (name: string) => system.services.find((service) => service.name === name);
  const kinds: { kind: string; process: RunningProcess | undefined }[] = [
    ...replicas.map((process) => ({ kind: tier, process })),
    { kind: 'gateway', process: front?.gateway ?? own('gateway') },
    ...(tier === 'product-service'
      ? [{ kind: 'order-service', process: front?.orderService }]
      : tier === 'order-service'
        ? [{ kind: 'product-service', process: own('product-service') }]
        : [
            { kind: 'product-service', process: own('product-service') },
            { kind: 'order-service', process: own('order-service') },
          ]),
  ];
  return kinds.flatMap(({ kind, process }) => (process ? [{ kind, pid: process.process.pid }] : []));
}
