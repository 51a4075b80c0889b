/**
 * Sync and async in one chart over the same offered rates: how long a client waits for its answer
 * (acceptance) and how long until its order is placed (end-to-end). A sync order is placed when it
 * is answered, so sync has one line; async has two, whose gap is the time in the queue.
 * Percentiles p99 (solid) and p50 (dashed), from a published load run's summary.
 */
import type { LineSeriesOption } from 'echarts';
import type { ModePair } from './load-summary-tables';
import { WIDE, colorAt, legendOf, lineOf, renderSvg, spansDecades, titleOf, xValueAxis, yValueAxis } from './svg-chart';

export const MODE_LATENCY_PLOT = 'modes-latency';

interface Curve {
  readonly name: string;
  readonly color: string;
  readonly p99: (pair: ModePair) => number | undefined;
  readonly p50: (pair: ModePair) => number | undefined;
}

const CURVES: readonly Curve[] = [
  { name: 'sync (answered = placed)', color: colorAt(0), p99: (p) => p.sync.p99_ms, p50: (p) => p.sync.p50_ms },
  { name: 'async acceptance', color: colorAt(1), p99: (p) => p.async.p99_ms, p50: (p) => p.async.p50_ms },
  {
    name: 'async end-to-end',
    color: colorAt(2),
    p99: (p) => p.async.e2e?.p99_ms,
    p50: (p) => p.async.e2e?.p50_ms,
  },
];

/** The SVG, or undefined when no rate was offered to both modes. */
export function plotModeLatency(pairs: readonly ModePair[]): string | undefined {
  if (pairs.length === 0) return undefined;
  const series = CURVES.flatMap((curve) => [
    lineOf(`${curve.name} p99`, pointsOf(pairs, curve.p99), curve.color),
    dashed(lineOf(`${curve.name} p50`, pointsOf(pairs, curve.p50), curve.color)),
  ]).filter((line) => (line.data as unknown[]).length > 0);
  const values = series.flatMap((line) => (line.data as [number, number][]).map(([, y]) => y));
  const log = spansDecades(values, 1);
  return renderSvg(
    MODE_LATENCY_PLOT,
    {
      title: titleOf(
        'Sync vs async: acceptance and end-to-end latency',
        'per offered rate; p99 solid, p50 dashed; end-to-end: POST → order placed or rejected',
      ),
      legend: legendOf(series.map((line) => String(line.name))),
      grid: { left: 80, right: 40, top: 80, bottom: 90 },
      xAxis: xValueAxis({ name: 'offered rate (requests/s)', min: 0 }),
      yAxis: yValueAxis({
        name: `milliseconds${log ? ' (log scale)' : ''}`,
        log,
        ...(log ? {} : { min: 0 }),
      }),
      series,
    },
    { ...WIDE, height: 460 },
  );
}

function pointsOf(pairs: readonly ModePair[], valueOf: (pair: ModePair) => number | undefined): [number, number][] {
  return pairs.flatMap((pair) => {
    const value = valueOf(pair);
    return value === undefined || value <= 0 ? [] : [[pair.offeredRps, value] as [number, number]];
  });
}

function dashed(line: LineSeriesOption): LineSeriesOption {
  return { ...line, lineStyle: { type: 'dashed', width: 1.5 }, symbol: 'emptyCircle' };
}
