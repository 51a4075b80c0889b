/**
 * A writer that puts `prefix` in front of every line of the chunks it is given (a partial last
 * line waits for the rest), so the output of several processes stays readable on one terminal.
 */
export function createLinePrefixer(stream: NodeJS.WritableStream, prefix?: string): (chunk: string) => void {
  if (!prefix) return (chunk) => void stream.write(chunk);
  let pending = '';
  return (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) stream.write(`${prefix} ${line}\n`);
  };
}
