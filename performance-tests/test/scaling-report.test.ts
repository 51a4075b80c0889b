/** A scaling summary drawn as report.md, plots and docs/performance.md's section. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderScalingDocSection } from '../scaling/scaling-doc';
import { writeScalingReport } from '../scaling/scaling-report';
import { scalingSummarySchema } from '../scaling/scaling-summary.schema';
import { scalingSummaryFixture } from './support/scaling-fixture';

describe('the scaling report', () => {
  it('when a summary is written up, then report.md has the fits, each series with X(N) and efficiency, and one plot per series', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scaling-report-'));
    const { plots } = writeScalingReport(dir, scalingSummaryFixture());
    expect(plots).toEqual(['plots/scaling-order-worker-drain-default.svg', 'plots/scaling-order-service-sync-hot.svg']);
    const report = readFileSync(path.join(dir, 'report.md'), 'utf8');
    expect(report).toMatch(/\| order-worker × N: worker drain rate\s+\|\s+300 \|/);
    expect(report).toMatch(/\| +2 \| +520 \| 3 \(500–540\) +\| +0\.87 \|/);
    expect(report).toContain('order-service × N: sync capacity (hot data set)');
    expect(report).toContain('](plots/scaling-order-worker-drain-default.svg)');
    const svg = readFileSync(path.join(dir, plots[0]!), 'utf8');
    expect(svg).toContain('USL projection to 16');
    expect(svg).toContain('beyond N = 6 a projection, not a measurement');
  });

  it('when the doc section is drawn, then its plots link into the published folder', () => {
    const section = renderScalingDocSection({ folder: 'f', summary: scalingSummaryFixture(), plots: [] });
    expect(section).toContain('[`f`](performance/runs/f/summary.json)');
    expect(section).toContain('](performance/runs/f/plots/scaling-order-service-sync-hot.svg)');
  });

  it('when another run measured a series again at the same share, then the doc lists both runs; one at another share is left out', () => {
    const main = { folder: 'main', summary: scalingSummaryFixture(), plots: [] };
    const [drain] = main.summary.series;
    const again = {
      ...drain!,
      points: drain!.points.map((point) => ({ ...point, runs: [point.runs[0]! + 11] })),
    };
    const repeat = { folder: 'repeat', summary: { ...main.summary, series: [again] }, plots: [] };
    const otherShare = {
      folder: 'other-share',
      summary: { ...main.summary, series: [{ ...again, cores_per_replica: 0.25 }] },
      plots: [],
    };

    const section = renderScalingDocSection(main, [repeat, main, otherShare]);

    expect(section).toContain('Run to run');
    expect(section).toMatch(
      /\| order-worker × N: worker drain rate +\| main +\| 1: 300 · 2: 520 · 3: 690 · 6: 900 +\|/,
    );
    expect(section).toMatch(/\| order-worker × N: worker drain rate +\| repeat +\| 1: 311 · /);
    expect(section).not.toContain('other-share');
    expect(renderScalingDocSection(main)).not.toContain('Run to run');
  });

  it('when a summary lacks a field or has an unknown tier, then the schema refuses it', () => {
    const summary = scalingSummaryFixture();
    expect(
      scalingSummarySchema.safeParse({ ...summary, series: [{ ...summary.series[0], tier: 'gateway' }] }).success,
    ).toBe(false);
    expect(scalingSummarySchema.safeParse({ ...summary, isolation: undefined }).success).toBe(false);
    expect(scalingSummarySchema.safeParse(summary).success).toBe(true);
  });
});
