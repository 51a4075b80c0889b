/**
 * `@ecom/system-launcher`: the one way the system is started and stopped, by `npm start`,
 * `npm test`, `npm run stop`, the benchmarks (performance-tests/runner/local-system.ts) and the
 * reliability suite (reliability/src/test-system.ts, own-infrastructure.ts).
 */
export { devSecretPath, localSigningSecret, type LocalSecret } from './auth/local-signing-key';
export { runSystemInForeground } from './cli/foreground-run';
export { stopLeftovers } from './cli/leftover-stop';
export { say } from './cli/console-say';
export { runCommand, type CommandOptions } from './commands/command-runner';
export { dropDatabase, recreateDatabase } from './data/database-setup';
export { deleteTopics, ensureSystemTopics, recreateTopics, systemTopicSpecs } from './data/topic-setup';
export type { CopyNames, EnvOverrides, MysqlAddress, ProcessEnvValues } from './env/process-env';
export { toEnv, type EnvValue, type EnvValuesOf } from './env/schema-env';
export { serviceDatabaseAccounts, type SystemSettings, type SystemTopics, type TopicKey } from './env/service-configs';
export {
  createInfrastructure,
  type Infrastructure,
  type InfrastructureOptions,
} from './infrastructure/infrastructure-control';
export type { Component, IsolatedInfrastructure } from './infrastructure/infrastructure-scripts';
export { SCRIPT_OUTCOMES, parseScriptOutcome, type ScriptOutcome } from './infrastructure/script-outcome';
export { defaultClaims, freePort, type PortClaims } from './processes/free-port';
export {
  startManagedProcess,
  type ExitStatus,
  type ManagedProcess,
  type ProcessLaunch,
} from './processes/managed-process';
export {
  PROCESS_NAMES,
  SYSTEM_PROCESSES,
  type ProcessName,
  type ProcessSpec,
  type SystemPorts,
} from './processes/process-catalog';
export { waitUntilReady } from './processes/readiness-probe';
export { REPOSITORY_ROOT, runDirectory } from './repository-root';
export type { ProcessWrap, RunningProcess } from './system/process-group';
export type { LaunchedSystem } from './system/system-handle';
export { startSystem, type SystemCopy, type SystemOptions } from './system/system-launch';
