/** One progress line of the project's own commands (npm start, npm test, npm run stop), on stderr. */
export function say(line: string): void {
  process.stderr.write(`[ecom] ${line}\n`);
}

export function elapsedSince(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)}s`;
}
