import { spawn } from 'node:child_process';
import path from 'node:path';

const kit = path.resolve(__dirname, '../dist/logging/index.js');

/** Runs `script` in a node process with the kit's logger; resolves with each stdout line and when it came. */
function runLogging(script: string): Promise<{ lines: { text: string; atMs: number }[]; exitedAtMs: number }> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['-e', `const { createLogger } = require(${JSON.stringify(kit)});\n${script}`]);
  const lines: { text: string; atMs: number }[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) lines.push({ text, atMs: Date.now() - startedAt });
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve({ lines, exitedAtMs: Date.now() - startedAt }) : reject(new Error(`exit ${code}`)),
    );
  });
}

describe('createLogger with a write buffer', () => {
  test('when the process exits right after logging, then the buffered lines are written', async () => {
    const { lines } = await runLogging(`
      const logger = createLogger({ service: 'probe', bufferBytes: 8192 });
      for (let i = 0; i < 3; i += 1) logger.info({ i }, 'buffered');`);
    expect(lines.map((line) => JSON.parse(line.text).i)).toEqual([0, 1, 2]);
  });

  test('when the buffer does not fill, then the lines still appear within about a second', async () => {
    const { lines, exitedAtMs } = await runLogging(`
      const logger = createLogger({ service: 'probe', bufferBytes: 8192 });
      logger.info('one line');
      setTimeout(() => process.exit(0), 3000);`);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!.text)).toMatchObject({ level: 'info', service: 'probe', msg: 'one line' });
    expect(lines[0]!.atMs).toBeLessThan(exitedAtMs - 1000);
  });
});
