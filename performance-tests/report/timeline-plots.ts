/**
 * Plots over the run's time: consumer lag, process memory and sampled throughput, one line per
 * series, with the steps shaded behind so a rise can be matched to the load that caused it.
 */
import type { LineSeriesOption } from 'echarts';
import type { RunResult, SeriesPoint, StepResult } from './result.schema';
import { WIDE, colorAt, legendOf, renderSvg, titleOf, uniqueOf, xValueAxis, yValueAxis } from './svg-chart';

/** Consumer lag (messages not yet processed) of each consumer group over the run. */
export function plotConsumerLag(result: RunResult): string | undefined {
  return plotTimeline('consumer-lag', result.series.lag, result.steps, {
    title: 'Consumer lag over time',
    subtitle: 'messages produced but not yet processed; shaded bands are the steps',
    yName: 'lag (messages)',
  });
}

/**
 * Memory of each process over the run (soak: a leak shows as a line that keeps climbing); when the
 * run sampled them, each process's CPU and event-loop lag in panels below it, on the same clock.
 */
export function plotMemory(result: RunResult): string | undefined {
  const panels: Panel[] = [
    { points: result.series.memory, yName: 'memory (MiB)' },
    { points: result.series.cpu ?? [], yName: 'CPU (% of a core)' },
    { points: result.series.eventLoopLag ?? [], yName: 'event-loop p99 (ms)' },
  ].filter((panel) => panel.points.length > 0);
  if (panels.length <= 1)
    return plotTimeline('memory', result.series.memory, result.steps, {
      title: 'Memory over time',
      subtitle: 'resident set size per process; shaded bands are the steps',
      yName: 'memory (MiB)',
    });
  return plotPanels('memory', panels, result.steps, {
    title: 'Memory, CPU and event-loop lag over time',
    subtitle:
      'per process: resident set size, CPU (/proc), event-loop lag p99 since the previous sample; shaded bands are the steps',
  });
}

interface Panel {
  readonly points: readonly SeriesPoint[];
  readonly yName: string;
}

const PANEL_HEIGHT = 230;

/** Several timelines stacked on one time axis; each panel its own y axis, the legend shared. */
function plotPanels(
  id: string,
  panels: readonly Panel[],
  steps: readonly StepResult[],
  text: Omit<TimelineText, 'yName'>,
): string {
  const all = panels.flatMap((panel) => panel.points);
  const end = Math.max(...all.map((point) => point.t), ...steps.map((step) => step.startS + step.durationS));
  const names = uniqueOf(all.map((point) => point.series));
  const top = (index: number) => 80 + index * (PANEL_HEIGHT + 50);
  const series = panels.flatMap((panel, index) =>
    uniqueOf(panel.points.map((point) => point.series)).map((name, line) => ({
      ...lineOverTime(name, panel.points, colorAt(names.indexOf(name))),
      xAxisIndex: index,
      yAxisIndex: index,
      ...(line === 0 && { markArea: stepBands(steps) }),
    })),
  );
  return renderSvg(
    id,
    {
      title: titleOf(text.title, text.subtitle),
      legend: legendOf(names),
      grid: panels.map((_, index) => ({ left: 80, right: 40, top: top(index), height: PANEL_HEIGHT })),
      xAxis: panels.map((_, index) => ({
        ...xValueAxis({ name: 'time since start (s)', min: 0, max: Math.ceil(end) }),
        gridIndex: index,
      })),
      yAxis: panels.map((panel, index) => ({ ...yValueAxis({ name: panel.yName, min: 0 }), gridIndex: index })),
      series,
    },
    { width: WIDE.width, height: top(panels.length) + 60 + Math.ceil(names.length / 4) * 20 },
  );
}

/** Throughput sampled during the run, when the runner recorded it. */
export function plotThroughputOverTime(result: RunResult): string | undefined {
  return plotTimeline('throughput-over-time', result.series.throughput ?? [], result.steps, {
    title: 'Throughput over time',
    subtitle: 'shaded bands are the steps',
    yName: 'rate (per second)',
  });
}

interface TimelineText {
  readonly title: string;
  readonly subtitle: string;
  readonly yName: string;
}

function plotTimeline(
  id: string,
  points: readonly SeriesPoint[],
  steps: readonly StepResult[],
  text: TimelineText,
): string | undefined {
  if (points.length === 0) return undefined;
  const names = uniqueOf(points.map((point) => point.series));
  const lines = names.map((name, index) => lineOverTime(name, points, colorAt(index)));
  const [first, ...rest] = lines;
  const series = first ? [{ ...first, markArea: stepBands(steps) }, ...rest] : [];
  const end = Math.max(...points.map((point) => point.t), ...steps.map((step) => step.startS + step.durationS));
  return renderSvg(
    id,
    {
      title: titleOf(text.title, text.subtitle),
      legend: legendOf(names),
      grid: { left: 80, right: 40, top: 80, bottom: 80 },
      xAxis: xValueAxis({ name: 'time since start (s)', min: 0, max: Math.ceil(end) }),
      yAxis: yValueAxis({ name: text.yName, min: 0 }),
      series,
    },
    WIDE,
  );
}

function lineOverTime(name: string, points: readonly SeriesPoint[], color: string): LineSeriesOption {
  const data = points
    .filter((point) => point.series === name)
    .map((point): [number, number] => [point.t, point.value])
    .sort((a, b) => a[0] - b[0]);
  return { type: 'line', name, data, color, showSymbol: data.length <= 1, lineStyle: { width: 1.5 } };
}

/** Every other step shaded, each labelled at the top; labels are left out when steps are too many to read. */
function stepBands(steps: readonly StepResult[]): LineSeriesOption['markArea'] {
  const labelled = steps.length <= 24;
  return {
    silent: true,
    label: { show: labelled, position: 'insideTop', fontSize: 9, color: '#555555', rotate: 90, align: 'right' },
    data: steps.map((step, index) => [
      {
        name: step.label,
        xAxis: step.startS,
        itemStyle: { color: index % 2 === 0 ? 'rgba(0, 0, 0, 0.06)' : 'rgba(0, 0, 0, 0.02)' },
      },
      { xAxis: step.startS + step.durationS },
    ]),
  };
}
