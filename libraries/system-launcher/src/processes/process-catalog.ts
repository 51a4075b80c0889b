/** The processes of the system, in start order: each waits for the one before it to be ready. */
export const PROCESS_NAMES = ['product-service', 'order-service', 'order-worker', 'gateway'] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

export interface ProcessSpec {
  readonly name: ProcessName;
  /** Its package, from the repository's root. */
  readonly dir: string;
  /** The compiled entry point, from `dir`. */
  readonly entry: string;
  /** Run to completion before it starts: the migrations always, the seed only for `npm start`. */
  readonly migrate?: string;
  readonly seed?: string;
}

export const SYSTEM_PROCESSES: readonly ProcessSpec[] = [
  {
    name: 'product-service',
    dir: 'services/product-service',
    entry: 'dist/main.js',
    migrate: 'dist/migrate.js',
    seed: 'dist/seed.js',
  },
  { name: 'order-service', dir: 'services/order-service', entry: 'dist/main.js', migrate: 'dist/migrate.js' },
  { name: 'order-worker', dir: 'services/order-service', entry: 'dist/worker.js' },
  { name: 'gateway', dir: 'gateway', entry: 'dist/main.js' },
];

export function processSpec(name: ProcessName): ProcessSpec {
  return SYSTEM_PROCESSES.find((spec) => spec.name === name)!;
}

export type SystemPorts = Readonly<Record<ProcessName, number>>;

export const localUrl = (port: number): string => `http://127.0.0.1:${port}`;
