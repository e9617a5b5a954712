import pg from 'pg';

/**
 * Faster parsers for the two column types every page of rows is full of, answering exactly what
 * pg's defaults answer (anything unusual is handed to them): `timestamptz` (postgres-date runs
 * three regular expressions and a split per value) and `uuid[]` (parsed character by character).
 * A page of 100 VMs has 200 timestamps and 100 org paths. An empty `text[]` (a product's licences and
 * add-ons, mostly) skips the array parser too.
 */
const TIMESTAMPTZ_OID = 1184;
const UUID_ARRAY_OID = 2951;
const TEXT_ARRAY_OID = 1009;

// pg's TypeId lists scalar types only; array oids are registered all the same.
const defaultParser = (oid: number) => pg.types.getTypeParser(oid as never, 'text') as (text: string) => unknown;
const defaultTimestamptz = defaultParser(TIMESTAMPTZ_OID);
const defaultUuidArray = defaultParser(UUID_ARRAY_OID);
const defaultTextArray = defaultParser(TEXT_ARRAY_OID);

// PostgreSQL's output with DateStyle ISO: `2026-11-29 18:40:46.123456+00`, the offset as ±hh[:mm[:ss]].
const TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d{1,6})?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

export function parseTimestamptz(text: string): unknown {
  return parseUtcTimestamp(text) ?? parseZonedTimestamp(text);
}

const ZERO = 48;
/** The digits text[from, to) as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The common case, a UTC session: `YYYY-MM-DD HH:MM:SS[.f…]+00`, read by character codes (a regular
 * expression and its captures cost as much as the rest of a row). Null for anything else.
 */
function parseUtcTimestamp(text: string): Date | null {
  const n = text.length;
  if (n < 22 || n > 29 || text.charCodeAt(n - 3) !== 43 /* + */ || text.charCodeAt(n - 2) !== ZERO || text.charCodeAt(n - 1) !== ZERO) return null;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return null;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const hour = digits(text, 11, 13);
  const minute = digits(text, 14, 16);
  const second = digits(text, 17, 19);
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let ms = 0;
  if (n > 22) {
    // `.` and 1–6 digits; as postgres-date, the fraction in ms truncated (Date.UTC drops the rest).
    if (text[19] !== '.' || n === 23) return null;
    const fraction = digits(text, 20, n - 3);
    if (fraction < 0) return null;
    const places = n - 23;
    ms = places >= 3 ? Math.trunc(fraction / 10 ** (places - 3)) : fraction * 10 ** (3 - places);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

function parseZonedTimestamp(text: string): unknown {
  const m = TIMESTAMPTZ.exec(text);
  const year = m ? Number(m[1]) : 0;
  // Years below 100 (Date.UTC reads them as 19xx), BC dates, infinity: the default parser's cases.
  if (!m || year < 100) return defaultTimestamptz(text);
  // As postgres-date: the fraction in ms, truncated by Date.UTC.
  const ms = m[7] ? 1000 * parseFloat(m[7]) : 0;
  const offsetSeconds = Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0);
  const utc = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  return new Date(utc - (m[8] === '-' ? -1 : 1) * offsetSeconds * 1000);
}

// A one-dimensional array of bare uuids and NULLs: no quotes, braces or spaces inside.
const PLAIN_UUID_ARRAY = /^\{[0-9a-fA-FNUL,-]*\}$/;

export function parseUuidArray(text: string): unknown {
  if (!PLAIN_UUID_ARRAY.test(text)) return defaultUuidArray(text);
  if (text === '{}') return [];
  return text
    .slice(1, -1)
    .split(',')
    .map((item) => (item === 'NULL' ? null : item));
}

export function parseTextArray(text: string): unknown {
  return text === '{}' ? [] : defaultTextArray(text);
}

/** Type parsers for a pool (`new pg.Pool({ types })`): the fast ones above, pg's defaults for the rest. */
export const fastTypeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format !== 'binary') {
      if (oid === TIMESTAMPTZ_OID) return parseTimestamptz;
      if (oid === UUID_ARRAY_OID) return parseUuidArray;
      if (oid === TEXT_ARRAY_OID) return parseTextArray;
    }
    return pg.types.getTypeParser(oid as never, format);
  },
} as pg.CustomTypesConfig;
