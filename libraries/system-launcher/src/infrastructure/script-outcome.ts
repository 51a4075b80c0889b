/**
 * What `mysql.sh start` and `kafka.sh start` answer, as the last word of their stdout (their
 * progress goes to stderr):
 * - `started`: this call started it, so whoever asked stops it again;
 * - `running`: ours (this data dir's), started earlier by someone else: left running;
 * - `external`: something that is not ours answers on the address, and is used as it is.
 */
export const SCRIPT_OUTCOMES = ['started', 'running', 'external'] as const;
export type ScriptOutcome = (typeof SCRIPT_OUTCOMES)[number];

/** The one reader of the scripts' answer; anything but one of the three words is an error. */
export function parseScriptOutcome(stdout: string): ScriptOutcome {
  const lastWord = stdout.trim().split(/\s+/).pop() ?? '';
  const outcome = SCRIPT_OUTCOMES.find((known) => known === lastWord);
  if (outcome === undefined) {
    throw new Error(
      `an infrastructure script answered ${JSON.stringify(stdout.trim().slice(-200))}, not one of ${SCRIPT_OUTCOMES.join('/')}`,
    );
  }
  return outcome;
}
