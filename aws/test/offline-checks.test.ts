/**
 * The static checks of the templates, with the PyPI tools of infrastructure/python: cfn-lint
 * (CloudFormation's resource schemas, references, best practices) and checkov (security
 * policies). Each tool also gets a template that is wrong on purpose, so a tool that silently
 * checks nothing would fail here too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEMPLATES_DIR } from '../scripts/lib/stacks';
import { runTool, type ToolResult } from './support/python-tools';
import { readTemplate, templateFiles } from './support/templates';

/** Every checkov check the templates skip, and where; each skip carries its reason in the template. */
const SUPPRESSIONS = [
  'CKV_AWS_18 AWS::S3::Bucket.ResultsBucket',
  'CKV_AWS_21 AWS::S3::Bucket.ResultsBucket',
  'CKV_AWS_18 AWS::S3::Bucket.TemplatesBucket',
  'CKV_AWS_21 AWS::S3::Bucket.TemplatesBucket',
  'CKV_AWS_260 AWS::EC2::SecurityGroupIngress.LoadBalancerHttpIngress',
  'CKV_AWS_91 AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancer',
].sort();

interface CheckovCheck {
  readonly check_id: string;
  readonly check_name: string;
  readonly resource: string;
  readonly file_path: string;
  readonly check_result: { result: string; suppress_comment?: string };
}
interface CheckovReport {
  readonly results: { passed_checks: CheckovCheck[]; failed_checks: CheckovCheck[]; skipped_checks: CheckovCheck[] };
  readonly summary: { passed: number; failed: number; skipped: number; resource_count: number };
}

const checkovArgs = (target: string[]) => [
  ...target,
  '--framework',
  'cloudformation',
  '--output',
  'json',
  // Offline: no download of Prisma Cloud's guidelines, no update check.
  '--skip-download',
];

function parseCheckov(result: ToolResult): CheckovReport {
  try {
    return JSON.parse(result.stdout) as CheckovReport;
  } catch {
    throw new Error(`checkov printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

describe('offline checks of the CloudFormation templates', () => {
  const templates = templateFiles().map((file) => path.join(TEMPLATES_DIR, file));
  const broken = mkdtempSync(path.join(tmpdir(), 'ecom-aws-broken-'));
  let lint: ToolResult;
  let lintBroken: ToolResult;
  let checkov: CheckovReport;
  let checkovBroken: CheckovReport;

  beforeAll(async () => {
    // An unknown property and an S3 bucket open to the world: both tools must object.
    writeFileSync(
      path.join(broken, 'broken.yaml'),
      [
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Resources:',
        '  Bucket:',
        '    Type: AWS::S3::Bucket',
        '    Properties:',
        '      NoSuchProperty: true',
        '      PublicAccessBlockConfiguration:',
        '        BlockPublicAcls: false',
        '',
      ].join('\n'),
    );
    // checkov is the slow one (seconds per run): the real templates go in one run over the folder.
    const [lintResult, lintBrokenResult, checkovResult, checkovBrokenResult] = await Promise.all([
      runTool('cfn-lint', templates),
      runTool('cfn-lint', [path.join(broken, 'broken.yaml')]),
      runTool('checkov', checkovArgs(['--directory', TEMPLATES_DIR])),
      runTool('checkov', checkovArgs(['--directory', broken])),
    ]);
    lint = lintResult;
    lintBroken = lintBrokenResult;
    checkov = parseCheckov(checkovResult);
    checkovBroken = parseCheckov(checkovBrokenResult);
  }, 120_000);

  afterAll(() => rmSync(broken, { recursive: true, force: true }));

  it('when cfn-lint checks every template, then it reports nothing', () => {
    expect(templates.length).toBe(6);
    expect({ code: lint.code, output: `${lint.stdout}${lint.stderr}`.trim() }).toEqual({ code: 0, output: '' });
  });

  it('when cfn-lint checks a template with an unknown property, then it reports it (the check can fail)', () => {
    expect(lintBroken.code).not.toBe(0);
    expect(lintBroken.stdout).toMatch(/NoSuchProperty/);
  });

  it('when checkov scans the templates, then no check fails', () => {
    const failures = checkov.results.failed_checks.map(
      (c) => `${c.check_id} ${c.resource} (${c.file_path}): ${c.check_name}`,
    );
    expect(failures).toEqual([]);
  });

  it('when checkov scans the templates, then it evaluated every resource of every template', () => {
    const resources = templateFiles().reduce((sum, file) => sum + Object.keys(readTemplate(file).Resources).length, 0);
    expect(checkov.summary.resource_count).toBe(resources);
    expect(checkov.summary.passed).toBeGreaterThan(200);
  });

  it('when a check is skipped, then it is one of the known suppressions and its reason is written beside it', () => {
    const skipped = checkov.results.skipped_checks;
    expect(skipped.map((c) => `${c.check_id} ${c.resource}`).sort()).toEqual(SUPPRESSIONS);
    for (const check of skipped) expect(check.check_result.suppress_comment?.length ?? 0).toBeGreaterThan(80);
  });

  it('when checkov scans a public, unencrypted bucket, then checks fail (the scan can fail)', () => {
    expect(checkovBroken.summary.failed).toBeGreaterThan(0);
  });
});
