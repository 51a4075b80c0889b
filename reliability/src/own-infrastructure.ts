/**
 * A MySQL server and a Kafka broker of our own, for the faults that stop them: never the shared
 * ones (127.0.0.1:3306 and :9092, used by `npm start`, other tests and benchmarks). Both come from
 * the project's scripts with a data directory of their own (ECOM_DATA_DIR) and other ports
 * (MySQL 3407, Kafka 9192 with its controller on 9193), and are stopped by the same scripts.
 */
import { runCommand } from '../../performance-tests/runner/processes';
import { ROOT } from './test-system';

export interface OwnInfrastructure {
  readonly mysql: { readonly host: string; readonly port: number };
  readonly brokers: readonly string[];
  stopMysql(): Promise<void>;
  startMysql(): Promise<void>;
  stopKafka(): Promise<void>;
  startKafka(): Promise<void>;
  /** Stops both (whatever state they are in). */
  stop(): Promise<void>;
}

export async function startOwnInfrastructure(
  dataDir: string,
  ports = { mysql: 3407, kafka: 9192, kafkaController: 9193 },
) {
  const { KAFKA_BROKERS: _ignored, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ECOM_DATA_DIR: dataDir,
    MYSQL_PORT: String(ports.mysql),
    KAFKA_PORT: String(ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ports.kafkaController),
  };
  const script = (name: 'mysql' | 'kafka', command: 'start' | 'stop') => async () => {
    const outcome = (await runCommand('bash', [`${ROOT}/infrastructure/${name}/${name}.sh`, command], env)).trim();
    // "external" would mean something else holds the port: we would stop what is not ours.
    if (command === 'start' && outcome.split('\n').pop() === 'external') {
      throw new Error(`${name}: port taken by a server that is not ours (${outcome}); choose other ports`);
    }
  };
  const infrastructure: OwnInfrastructure = {
    mysql: { host: '127.0.0.1', port: ports.mysql },
    brokers: [`127.0.0.1:${ports.kafka}`],
    startMysql: script('mysql', 'start'),
    stopMysql: script('mysql', 'stop'),
    startKafka: script('kafka', 'start'),
    stopKafka: script('kafka', 'stop'),
    stop: async () => {
      await infrastructure.stopKafka().catch(() => undefined);
      await infrastructure.stopMysql().catch(() => undefined);
    },
  };
  await Promise.all([infrastructure.startMysql(), infrastructure.startKafka()]);
  return infrastructure;
}
