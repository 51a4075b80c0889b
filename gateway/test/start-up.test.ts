import { spawnSync } from 'node:child_process';
import path from 'node:path';

describe('gateway start-up', () => {
  it('when a variable is malformed, then the process exits 1 with a message naming it', () => {
    const result = spawnSync(
      process.execPath,
      ['--conditions=ecom-source', '--import', 'tsx', path.join(__dirname, '../src/main.ts')],
      {
        env: { ...process.env, GATEWAY_PORT: 'eighty', ORDER_SERVICE_URLS: 'ftp://example' },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('GATEWAY_PORT');
    expect(result.stdout).toContain('ORDER_SERVICE_URLS');
  });
});
