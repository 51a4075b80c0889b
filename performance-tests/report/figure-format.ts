/** How figures read in the report's tables: units stay in the column titles, cells hold numbers. */

export const ABSENT = '—';

export function formatNumber(value: number, fractionDigits = 0): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

/** Milliseconds: one decimal below 10 ms, whole milliseconds above. */
export function formatMs(value: number | undefined): string {
  if (value === undefined) return ABSENT;
  return formatNumber(value, value < 10 ? 1 : 0);
}

/** Requests per second: one decimal below 10/s, whole numbers above. */
export function formatRate(value: number): string {
  return formatNumber(value, value < 10 && !Number.isInteger(value) ? 1 : 0);
}

/** A fraction 0..1 as a percentage; two decimals below 1 % so a handful of failures still shows. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined) return ABSENT;
  if (fraction === 0) return '0%';
  const percent = fraction * 100;
  return `${percent.toFixed(percent < 1 ? 2 : 1)}%`;
}

export function formatSeconds(value: number | undefined): string {
  if (value === undefined) return ABSENT;
  return formatNumber(value, value < 10 && !Number.isInteger(value) ? 1 : 0);
}

/** e.g. '16 min 38 s', '42 s', '2 h 05 min'. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const [hours, minutes, rest] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  if (minutes > 0) return `${minutes} min ${rest} s`;
  return `${rest} s`;
}

/** e.g. '2026-11-23 10:15 UTC'. */
export function formatDateTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A setting's value in one line: strings as they are, numbers grouped, anything else as JSON. */
export function formatSetting(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value, Number.isInteger(value) ? 0 : 2);
  return JSON.stringify(value) ?? String(value);
}

export function formatVerdict(met: boolean | null): string {
  if (met === null) return 'not measured';
  return met ? '✓ met' : '✗ missed';
}
