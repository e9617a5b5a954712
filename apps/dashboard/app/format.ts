/** Display helpers. Missing values come out as "—", never as 0 (the old dashboards' failure, DESIGN §6). */
export const MISSING = '—';

interface MoneyLike {
  readonly amount: string;
  readonly currency: string;
}

/** Exact decimal strings from the API, grouped for reading; never parsed into a float. */
export function formatMoney(money: MoneyLike | null | undefined): string {
  if (!money) return MISSING;
  const negative = money.amount.startsWith('-');
  const [whole = '0', fraction] = money.amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${money.currency} ${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function formatNumber(value: number | null | undefined, digits = 0, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })}${unit}`;
}

const RATE_UNITS = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined) return MISSING;
  let value = bytesPerSecond;
  let unit = 0;
  while (value >= 1000 && unit < RATE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${RATE_UNITS[unit]}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? MISSING : date.toLocaleString('en-ZA', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

export function humanize(value: string | null | undefined): string {
  if (!value) return MISSING;
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');
}
