import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidRunResultError, type RunResult, readRunResult } from '../report/result.schema';
import { writeReport } from '../report/write-report';
import { FIXTURE_FILE, loadCompareResult, makeResultDir, removeResultDir } from './support/report-fixture';

describe('the result.json schema', () => {
  let dir: string;

  beforeEach(() => {
    dir = makeResultDir();
  });

  afterEach(() => removeResultDir(dir));

  test('when result.json is a valid run, then readRunResult returns it as written', () => {
    writeFileSync(join(dir, 'result.json'), readFileSync(FIXTURE_FILE));

    const result = readRunResult(dir);

    expect(result).toEqual(JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')));
  });

  test('when result.json has wrong fields, then readRunResult refuses it naming the file and each field', () => {
    const json = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as Record<string, unknown> & { steps: object[] };
    delete json['scenario'];
    json.steps[1] = { ...json.steps[1], errorRate: 1.5, statuses: { ok: 3 } };
    writeFileSync(join(dir, 'result.json'), JSON.stringify(json));

    const read = () => readRunResult(dir);

    expect(read).toThrow(InvalidRunResultError);
    expect(read).toThrow(`${join(dir, 'result.json')} is not a valid run result`);
    expect(read).toThrow(/→ at scenario\n/);
    expect(read).toThrow(/expected number to be <=1\n\s+→ at steps\[1\]\.errorRate/);
    expect(read).toThrow(/→ at steps\[1\]\.statuses\.ok/);
  });

  test('when result.json is not JSON, then readRunResult says the file could not be read as JSON', () => {
    writeFileSync(join(dir, 'result.json'), '{"scenario": "compare",');

    expect(() => readRunResult(dir)).toThrow(/result\.json could not be read as JSON/);
  });

  test('when writeReport is handed an invalid result, then it throws and writes no report', () => {
    const result = { ...loadCompareResult(), steps: [{ mode: 'sync' }] } as unknown as RunResult;

    expect(() => writeReport(dir, result)).toThrow(/→ at steps\[0\]\.label/);
    expect(existsSync(join(dir, 'report.md'))).toBe(false);
    expect(existsSync(join(dir, 'plots'))).toBe(false);
  });
});
