/**
 * Money as exact decimal strings with two places ("19.99"), computed in integer cents with BigInt.
 * No binary floating point ever touches an amount.
 */
const moneyPattern = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

/**
 * The largest order total (and reservation total): what DECIMAL(14,2), the column of both, holds.
 * Prices go up to 9,999,999,999.99 and quantities to 1,000 per line, so a large order can exceed it.
 */
export const MAX_ORDER_TOTAL_CENTS = 99_999_999_999_999n; // 999,999,999,999.99

export function isMoney(value: string): boolean {
  return moneyPattern.test(value);
}

export function toCents(amount: string): bigint {
  if (!isMoney(amount)) throw new RangeError(`not an amount: ${amount}`);
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const absolute = cents < 0n ? -cents : cents;
  return `${sign}${absolute / 100n}.${(absolute % 100n).toString().padStart(2, '0')}`;
}

/** Normalises "5", "5.5" and "5.50" to "5.50". */
export function normaliseMoney(amount: string): string {
  return fromCents(toCents(amount));
}
