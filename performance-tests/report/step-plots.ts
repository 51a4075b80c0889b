/**
 * Bar plots: what went wrong in each step (errors, 503s, 409 rejections, iterations k6 dropped) and
 * the capacity each mode reached while holding the SLO.
 */
import type { BarSeriesOption, YAXisComponentOption } from 'echarts';
import type { RunResult, StepResult } from './result.schema';
import { NORMAL, colorOfMode, legendOf, niceCeiling, renderSvg, titleOf, uniqueOf, yValueAxis } from './svg-chart';

const DIVISIONS = 5;

interface BarMeasure {
  readonly name: string;
  readonly color: string;
  readonly valueOf: (step: StepResult) => number;
  readonly axis: 0 | 1;
}

const percent = (fraction: number | undefined) => round((fraction ?? 0) * 100, 2);

const ERRORS: BarMeasure = { name: 'errors (%)', color: '#d62728', valueOf: (s) => percent(s.errorRate), axis: 0 };
const UNAVAILABLE: BarMeasure = { name: '503 (%)', color: '#ff7f0e', valueOf: (s) => percent(s.rate503), axis: 0 };
const REJECTED: BarMeasure = {
  name: 'rejected 409 (%)',
  color: '#7f7f7f',
  valueOf: (s) => percent(s.rejectedRate),
  axis: 0,
};
const DROPPED: BarMeasure = {
  name: 'dropped iterations',
  color: '#9467bd',
  valueOf: (s) => s.droppedIterations,
  axis: 1,
};

/** Error, 503 and 409 rates (left axis, %) and dropped iterations (right axis, count) of each step. */
export function plotErrors(result: RunResult): string | undefined {
  const { steps } = result;
  if (steps.length === 0) return undefined;
  const hasRejections = steps.some((step) => step.rejectedRate !== undefined);
  const measures = hasRejections ? [ERRORS, UNAVAILABLE, REJECTED, DROPPED] : [ERRORS, UNAVAILABLE, DROPPED];
  const series = measures.map((measure): BarSeriesOption => ({
    type: 'bar',
    name: measure.name,
    color: measure.color,
    yAxisIndex: measure.axis,
    data: steps.map(measure.valueOf),
    barMaxWidth: 14,
  }));
  return renderSvg(
    'errors',
    {
      title: titleOf('Errors per step', 'share of requests per step (left axis); iterations k6 dropped (right axis)'),
      legend: legendOf(measures.map((measure) => measure.name)),
      grid: { left: 80, right: 80, top: 80, bottom: 70 + labelHeight(steps) },
      xAxis: { type: 'category', data: steps.map((step) => step.label), axisLabel: { rotate: 40, interval: 0 } },
      yAxis: alignedAxes(steps, measures),
      series,
    },
    { width: Math.min(1600, Math.max(NORMAL.width, 120 + steps.length * 56)), height: 440 + labelHeight(steps) },
  );
}

/** The highest rate each mode held within the SLO. */
export function plotCapacity(result: RunResult): string | undefined {
  const capacity = result.capacity ?? [];
  if (capacity.length === 0) return undefined;
  const modes = uniqueOf(capacity.map((entry) => entry.mode));
  const slos = uniqueOf(capacity.map((entry) => entry.slo));
  return renderSvg(
    'capacity',
    {
      title: titleOf('Capacity per mode', `highest rate held within the SLO: ${slos.join('; ')}`),
      grid: { left: 80, right: 40, top: 80, bottom: 60 },
      xAxis: {
        type: 'category',
        data: capacity.map((entry) => entry.mode),
        name: 'mode',
        nameLocation: 'middle',
        nameGap: 32,
      },
      yAxis: yValueAxis({ name: 'capacity (requests/s)', min: 0 }),
      series: [
        {
          type: 'bar',
          name: 'capacity',
          barMaxWidth: 60,
          label: {
            show: true,
            position: 'top',
            formatter: (item) => Math.round(Number(item.value)).toLocaleString('en-US'),
          },
          data: capacity.map((entry) => ({
            value: entry.maxRps,
            itemStyle: { color: colorOfMode(entry.mode, modes) },
          })),
        },
      ],
    },
    NORMAL,
  );
}

/** Percentages on the left, counts on the right, each divided in five up to a round maximum so the grid lines coincide. */
function alignedAxes(steps: readonly StepResult[], measures: readonly BarMeasure[]): YAXisComponentOption[] {
  const highest = (axis: 0 | 1, floor: number) =>
    Math.max(
      floor,
      ...measures.filter((measure) => measure.axis === axis).flatMap((measure) => steps.map(measure.valueOf)),
    );
  const axisOf = (name: string, max: number) => ({ ...yValueAxis({ name, min: 0, max }), interval: max / DIVISIONS });
  return [
    axisOf('share of requests (%)', niceCeiling(highest(0, 1))),
    { ...axisOf('dropped iterations', niceCeiling(highest(1, 10))), splitLine: { show: false } },
  ];
}

/** Room under the axis for the rotated step labels. */
function labelHeight(steps: readonly StepResult[]): number {
  const longest = Math.max(...steps.map((step) => step.label.length));
  return Math.min(160, Math.round(longest * 4.6));
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}
