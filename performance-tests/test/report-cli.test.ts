import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_FILE, makeResultDir, removeResultDir } from './support/report-fixture';

const ROOT = join(__dirname, '..', '..');

/** `npm run perf:report -- <dir>`, without npm: tsx with the same tsconfig. */
function runReportCli(...args: string[]) {
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
  const cli = join(ROOT, 'performance-tests', 'report', 'report.cli.ts');
  const tsconfig = join(ROOT, 'performance-tests', 'tsconfig.json');
  return spawnSync(tsx, ['--conditions=ecom-source', '--tsconfig', tsconfig, cli, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('report.cli.ts', () => {
  let dir: string;

  beforeEach(() => {
    dir = makeResultDir();
  });

  afterEach(() => removeResultDir(dir));

  test('when run on a result folder, then it writes the report and lists the plots', () => {
    const result = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as { notes: string[] };
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ ...result, notes: ['edited after the run'] }));

    const { status, stdout } = runReportCli(dir);

    expect(status).toBe(0);
    expect(stdout).toContain(`wrote report.md, report.html and 7 plots in ${dir}`);
    expect(stdout).toContain(join(dir, 'plots', 'throughput.svg'));
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('- edited after the run');
  });

  test('when the folder has no valid result.json, then it exits 1 with the reason', () => {
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ scenario: 'compare' }));

    const { status, stderr } = runReportCli(dir);

    expect(status).toBe(1);
    expect(stderr).toContain('is not a valid run result');
    expect(stderr).toContain('→ at startedAt');
  });

  test('when no folder is given, then it exits 2 with the usage', () => {
    const { status, stderr } = runReportCli();

    expect(status).toBe(2);
    expect(stderr).toContain('usage: npm run perf:report -- <result-dir>');
  });
});
