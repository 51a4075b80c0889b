/**
 * Renders an ECharts option to a standalone SVG string, in this process, synchronously: ECharts'
 * server-side renderer needs no DOM, no canvas and no network, so a plot looks the same as a file
 * on disk, inlined in report.html or embedded in docs/performance.md.
 */
import * as echarts from 'echarts';
import type {
  EChartsOption,
  LegendComponentOption,
  LineSeriesOption,
  TitleComponentOption,
  XAXisComponentOption,
  YAXisComponentOption,
} from 'echarts';

export type ChartOption = EChartsOption;

export interface ChartSize {
  readonly width: number;
  readonly height: number;
}

export const WIDE: ChartSize = { width: 960, height: 420 };
export const NORMAL: ChartSize = { width: 760, height: 420 };

const FONT = 'Helvetica, Arial, sans-serif';

/** The same colour for a mode in every plot; modes not listed take the next free colour. */
const KNOWN_MODES = ['sync', 'async', 'sync-direct', 'async-direct', 'noop-202', 'bare-http'];
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

export function colorOfMode(mode: string, modes: readonly string[]): string {
  const known = KNOWN_MODES.indexOf(mode);
  const unknown = modes.filter((name) => !KNOWN_MODES.includes(name));
  const index = known >= 0 ? known : KNOWN_MODES.length + unknown.indexOf(mode);
  return colorAt(index);
}

export function colorAt(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#333333';
}

/**
 * The SVG of one chart. `id` prefixes the ids and CSS classes ECharts generates (by default
 * `zr<n>-`, counting charts per process), so several plots inlined in one HTML page never share one.
 */
export function renderSvg(id: string, option: ChartOption, size: ChartSize): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...size });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString().replaceAll(/\bzr\d+-/g, `${id}-`);
  } finally {
    chart.dispose();
  }
}

export function titleOf(text: string, subtext?: string): TitleComponentOption {
  return { text, subtext, left: 'center', textStyle: { fontSize: 16 }, subtextStyle: { fontSize: 12 } };
}

export function legendOf(names: readonly string[]): LegendComponentOption {
  return { data: [...names], bottom: 4, type: 'plain', itemGap: 16 };
}

/** A fixed bound, or one computed from the data's extent. */
type AxisBound = number | ((extent: { min: number; max: number }) => number);

interface AxisText {
  readonly name: string;
  readonly log?: boolean;
  readonly min?: AxisBound;
  readonly max?: AxisBound;
}

export function xValueAxis({ name, log, min, max }: AxisText): XAXisComponentOption {
  return {
    type: log ? 'log' : 'value',
    name,
    nameLocation: 'middle',
    nameGap: 30,
    min,
    max,
    splitLine: { show: false },
  };
}

export function yValueAxis({ name, log, min, max }: AxisText): YAXisComponentOption {
  return { type: log ? 'log' : 'value', name, nameLocation: 'middle', nameGap: 52, min, max };
}

/** A line through [x, y] points, sorted by x, with a marker on each point. */
export function lineOf(name: string, points: readonly [number, number][], color: string): LineSeriesOption {
  const data = [...points].sort((a, b) => a[0] - b[0]);
  return { type: 'line', name, data, color, symbol: 'circle', symbolSize: 6, showSymbol: true };
}

/** Whether values spread over more than `decades` powers of ten, so a log axis reads better. */
export function spansDecades(values: readonly number[], decades = 1): boolean {
  const positive = values.filter((value) => value > 0);
  if (positive.length === 0) return false;
  return Math.max(...positive) / Math.min(...positive) > 10 ** decades;
}

/** The smallest of 1, 2, 2.5, 5 × 10^k not below `value` (a positive number). */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const factor = [1, 2, 2.5, 5, 10].find((candidate) => candidate * power >= value) ?? 10;
  return factor * power;
}

export function uniqueOf<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
