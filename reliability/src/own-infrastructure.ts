/**
 * A MySQL server and a Kafka broker of our own, for the faults that stop them: never the shared
 * ones (127.0.0.1:3306 and :9092, used by `npm start`, other tests and benchmarks). Both come from
 * the project's scripts, through @ecom/system-launcher, with a data directory of their own and
 * other ports (MySQL 3407, Kafka 9192 with its controller on 9193), and are stopped the same way.
 */
import { createInfrastructure, type Infrastructure } from '@ecom/system-launcher';

export type OwnInfrastructure = Infrastructure;

export async function startOwnInfrastructure(
  dataDir: string,
  ports = { mysql: 3407, kafka: 9192, kafkaController: 9193 },
): Promise<OwnInfrastructure> {
  const infrastructure = createInfrastructure({ isolated: { dataDir, ports } });
  try {
    await infrastructure.start();
  } catch (error) {
    await infrastructure.stop();
    throw error;
  }
  return infrastructure;
}
