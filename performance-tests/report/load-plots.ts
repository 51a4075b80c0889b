/**
 * Plots of each step against the load offered: achieved throughput, request latency and async
 * end-to-end latency per mode. Spike and soak runs repeat rates, so their latencies are drawn over
 * time instead. Each returns the SVG, or undefined when the result has nothing to draw.
 */
import type { LineSeriesOption } from 'echarts';
import type { LatencyStats, RunResult, StepResult } from './result.schema';
import {
  type ChartOption,
  WIDE,
  colorOfMode,
  legendOf,
  lineOf,
  niceCeiling,
  renderSvg,
  spansDecades,
  titleOf,
  uniqueOf,
  xValueAxis,
  yValueAxis,
} from './svg-chart';

const IDEAL = 'ideal (achieved = offered)';

/** Achieved against offered rate, one line per mode, and the y = x line a mode keeping up would follow. */
export function plotThroughput(result: RunResult): string | undefined {
  const { steps } = result;
  if (steps.length === 0) return undefined;
  const modes = uniqueOf(steps.map((step) => step.mode));
  const top = Math.max(...steps.map((step) => Math.max(step.offeredRps, step.achievedRps)));
  const lines = modes.map((mode) =>
    lineOf(
      mode,
      pointsOfMode(steps, mode, (step) => step.achievedRps),
      colorOfMode(mode, modes),
    ),
  );
  const ideal: LineSeriesOption = {
    type: 'line',
    name: IDEAL,
    data: [
      [0, 0],
      [top, top],
    ],
    color: '#888888',
    lineStyle: { type: 'dashed', width: 1 },
    symbol: 'none',
  };
  return renderSvg(
    'throughput',
    {
      title: titleOf('Throughput achieved vs offered', 'responses per second in each step, per mode'),
      legend: legendOf([...modes, IDEAL]),
      grid: { left: 80, right: 40, top: 80, bottom: 80 },
      xAxis: xValueAxis({ name: 'offered rate (requests/s)', min: 0 }),
      yAxis: yValueAxis({ name: 'achieved rate (responses/s)', min: 0 }),
      series: [...lines, ideal],
    },
    WIDE,
  );
}

/** Request latency p50, p95 and p99 per mode, one panel per percentile on a shared scale. */
export function plotLatency(result: RunResult): string | undefined {
  const points = result.steps.map((step) => ({ step, stats: step.latencyMs }));
  if (points.length === 0) return undefined;
  return plotPercentiles('latency', result, points, {
    title: `Request latency ${drawsOverTime(result) ? 'over time' : 'vs offered load'}`,
    subtitle: 'as k6 measured each request, per mode',
  });
}

/** Async end-to-end latency (POST → order in its final status), from the steps that measured it. */
export function plotEndToEndLatency(result: RunResult): string | undefined {
  const points = result.steps.flatMap((step) => (step.e2eMs ? [{ step, stats: step.e2eMs }] : []));
  if (points.length === 0) return undefined;
  return plotPercentiles('e2e-latency', result, points, {
    title: 'Async end-to-end latency',
    subtitle: 'POST accepted → order in its final status (polling the Location), per mode',
  });
}

interface PercentilePoint {
  readonly step: StepResult;
  readonly stats: LatencyStats;
}

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
const PANEL = { left: 80, width: 240, gap: 60, top: 90, bottom: 80 };

function plotPercentiles(
  id: string,
  result: RunResult,
  points: readonly PercentilePoint[],
  text: { title: string; subtitle: string },
): string {
  const overTime = drawsOverTime(result);
  const xOf = (step: StepResult) => (overTime ? step.startS + step.durationS / 2 : step.offeredRps);
  const modes = uniqueOf(points.map(({ step }) => step.mode));
  const range = sharedRange(points.flatMap(({ stats }) => PERCENTILES.map((percentile) => stats[percentile])));
  const series = PERCENTILES.flatMap((percentile, panel) =>
    modes.map((mode) => {
      const own = points.filter(({ step, stats }) => step.mode === mode && (!range.log || stats[percentile] > 0));
      const line = lineOf(
        mode,
        own.map(({ step, stats }) => [xOf(step), stats[percentile]]),
        colorOfMode(mode, modes),
      );
      return { ...line, xAxisIndex: panel, yAxisIndex: panel };
    }),
  );
  const axisName = overTime ? 'time since start (s)' : 'offered rate (requests/s)';
  return renderSvg(id, { ...percentilePanels(text, axisName, range), legend: legendOf(modes), series }, WIDE);
}

/** Spike phases and soak steps repeat their rates: their steps are placed at their midpoint in time. */
function drawsOverTime(result: RunResult): boolean {
  return result.scenario === 'spike' || result.scenario === 'soak';
}

interface Range {
  readonly log: boolean;
  readonly min: number;
  readonly max: number;
}

/** One y range for the three panels, so the percentiles compare by eye: log when they span decades. */
function sharedRange(values: readonly number[]): Range {
  const log = spansDecades(values, 1);
  const positive = values.filter((value) => value > 0);
  if (!log) return { log, min: 0, max: niceCeiling(Math.max(1, ...values)) };
  return {
    log,
    min: 10 ** Math.floor(Math.log10(Math.min(...positive))),
    max: 10 ** Math.ceil(Math.log10(Math.max(...positive))),
  };
}

function percentilePanels(text: { title: string; subtitle: string }, xName: string, range: Range): ChartOption {
  const yName = `milliseconds${range.log ? ' (log scale)' : ''}`;
  const leftOf = (panel: number) => PANEL.left + panel * (PANEL.width + PANEL.gap);
  return {
    title: [
      titleOf(text.title, text.subtitle),
      ...PERCENTILES.map((percentile, panel) => ({
        text: percentile,
        left: leftOf(panel) + PANEL.width / 2 - 10,
        top: PANEL.top - 28,
        textStyle: { fontSize: 13 },
      })),
    ],
    grid: PERCENTILES.map((_, panel) => ({ ...PANEL, left: leftOf(panel), width: PANEL.width })),
    xAxis: PERCENTILES.map((_, panel) => ({ ...xValueAxis({ name: xName }), gridIndex: panel })),
    yAxis: PERCENTILES.map((_, panel) => ({
      ...yValueAxis({ name: panel === 0 ? yName : '', log: range.log, min: range.min, max: range.max }),
      gridIndex: panel,
    })),
  };
}

function pointsOfMode(
  steps: readonly StepResult[],
  mode: string,
  valueOf: (step: StepResult) => number,
): [number, number][] {
  return steps.filter((step) => step.mode === mode).map((step) => [step.offeredRps, valueOf(step)]);
}
