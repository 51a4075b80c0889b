/**
 * One plot per scaling series: the measured X(N) (every repeat a point, the median joined), the
 * fitted USL curve over the measured range, its projection beyond it (dashed, labelled as such),
 * and ideal linear scaling from X(1) for reference.
 */
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts';
import {
  colorAt,
  legendOf,
  niceCeiling,
  NORMAL,
  renderSvg,
  titleOf,
  xValueAxis,
  yValueAxis,
} from '../report/svg-chart';
import { isFitted, PROJECT_TO, type ScalingCurve } from './scaling-curve';
import { describeSeries } from './scaling-tables';

export interface ScalingPlot {
  /** File name without extension, e.g. `scaling-order-worker-drain-default`. */
  readonly name: string;
  readonly title: string;
  readonly svg: string;
}

export function plotNameOf(curve: ScalingCurve): string {
  const { tier, mode, dataset } = curve.series;
  return `scaling-${tier}-${mode}-${dataset}`;
}

export function plotScalingCurve(curve: ScalingCurve): ScalingPlot {
  const name = plotNameOf(curve);
  const title = describeSeries(curve);
  const series = seriesOf(curve);
  const subtitle = curve.fit
    ? `σ = ${curve.fit.sigma.toPrecision(2)}, κ = ${curve.fit.kappa.toPrecision(2)}; beyond N = ${largestFitted(curve)} a projection, not a measurement`
    : `no USL fit: ${curve.fitError ?? 'too few points'}`;
  const svg = renderSvg(
    name,
    {
      title: titleOf(title, subtitle),
      legend: legendOf(series.map((entry) => String(entry.name))),
      grid: { left: 80, right: 30, top: 70, bottom: 70 },
      xAxis: xValueAxis({ name: 'replicas N', min: 0, max: PROJECT_TO }),
      yAxis: yValueAxis({ name: curve.series.unit, min: 0, max: yCeiling(curve) }),
      series,
    },
    NORMAL,
  );
  return { name, title, svg };
}

/** Every repeat, the medians joined, the points the machine limited, the fit and its projection, linear scaling. */
function seriesOf(curve: ScalingCurve): (ScatterSeriesOption | LineSeriesOption)[] {
  const repeats: ScatterSeriesOption = {
    type: 'scatter',
    name: 'each repeat',
    data: curve.series.points.flatMap((point) => point.runs.map((x) => [point.n, x])),
    color: colorAt(0),
    symbolSize: 5,
  };
  const medians = curve.points.map((point): [number, number] => [point.n, point.x]);
  const fit = curve.fit
    ? [
        line('USL fit', projected(curve, true), colorAt(1), 'solid'),
        line(`USL projection to ${PROJECT_TO}`, projected(curve, false), colorAt(1), 'dashed'),
      ]
    : [];
  const single = curve.points.find((point) => point.n === 1)?.x;
  const linear: [number, number][] =
    single === undefined
      ? []
      : [
          [1, single],
          [PROJECT_TO, PROJECT_TO * single],
        ];
  return [
    repeats,
    line('measured (median)', medians, colorAt(0), 'solid'),
    ...machineBoundOf(curve),
    ...fit,
    ...(single === undefined ? [] : [line('linear (N × X(1))', linear, '#999999', 'dotted')]),
  ];
}

/** The points the machine limited, as diamonds: shown, not fitted. */
function machineBoundOf(curve: ScalingCurve): ScatterSeriesOption[] {
  const points = curve.points.filter((point) => !isFitted(point));
  if (points.length === 0) return [];
  return [
    {
      type: 'scatter',
      name: 'limited by the machine (not fitted)',
      data: points.map((point) => [point.n, point.x]),
      color: colorAt(3),
      symbol: 'diamond',
      symbolSize: 12,
    },
  ];
}

function largestFitted(curve: ScalingCurve): number {
  return Math.max(...curve.points.filter(isFitted).map((point) => point.n));
}

/** Room above what was measured and fitted; the linear reference line is cut there rather than flatten the rest. */
function yCeiling(curve: ScalingCurve): number {
  const values = [...curve.series.points.flatMap((point) => point.runs), ...curve.projection.map((point) => point.x)];
  return niceCeiling(Math.max(1, ...values) * 1.5);
}

function projected(curve: ScalingCurve, inside: boolean): [number, number][] {
  const points = curve.projection.filter(
    (point) => point.measured === inside || (!inside && isLastMeasured(curve, point.n)),
  );
  return points.map((point) => [point.n, Math.round(point.x * 10) / 10]);
}

/** The projection starts where the measured range ends, so the two lines join. */
function isLastMeasured(curve: ScalingCurve, n: number): boolean {
  return n === largestFitted(curve);
}

function line(
  name: string,
  data: [number, number][],
  color: string,
  type: 'solid' | 'dashed' | 'dotted',
): LineSeriesOption {
  return {
    type: 'line',
    name,
    data,
    color,
    lineStyle: { type },
    symbol: type === 'solid' ? 'circle' : 'none',
    showSymbol: type === 'solid',
  };
}
