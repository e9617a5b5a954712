import { METRIC_NAMES } from '../domain/telemetry/samples.ts';
import type { SampleInput } from './telemetry-repository.ts';

/** The COPY statement copyBinary's rows are for (its column order). */
export const COPY_RAW_BINARY = `copy telemetry_raw (vm_id, at, ${METRIC_NAMES.join(', ')}) from stdin with (format binary)`;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_BYTES = SIGNATURE.length + 4 + 4; // signature, flags, header extension length
const FIELDS = 2 + METRIC_NAMES.length;
// Per row: field count, then each field's length and bytes (uuid 16, timestamptz 8, float8 8 each).
const ROW_BYTES = 2 + (4 + 16) + (4 + 8) + METRIC_NAMES.length * (4 + 8);
/** PostgreSQL's epoch (2000-01-01 UTC) in Unix milliseconds: timestamptz is microseconds since then. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;

/**
 * Samples in COPY's binary format: no number or time is formatted here nor parsed by the server (both cost
 * more than the copy itself in text form), and a row is a fixed 106 bytes at most. A metric that did not
 * arrive is NULL.
 */
export function copyBinary(samples: readonly SampleInput[]): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + samples.length * ROW_BYTES + 2);
  let o = SIGNATURE.copy(buf, 0);
  o = buf.writeInt32BE(0, o); // flags: no OIDs
  o = buf.writeInt32BE(0, o); // no header extension
  for (const s of samples) {
    o = buf.writeInt16BE(FIELDS, o);
    o = buf.writeInt32BE(16, o);
    o = writeUuid(buf, s.vmId, o);
    o = buf.writeInt32BE(8, o);
    o = writeInt64(buf, (s.at.getTime() - PG_EPOCH_MS) * 1000, o);
    const v = s.values;
    for (const metric of METRIC_NAMES) {
      const value = v[metric];
      if (value === undefined) o = buf.writeInt32BE(-1, o);
      else {
        o = buf.writeInt32BE(8, o);
        o = buf.writeDoubleBE(value, o);
      }
    }
  }
  o = buf.writeInt16BE(-1, o); // trailer
  return buf.subarray(0, o);
}

/** A uuid's 16 bytes from its text (any case, dashes skipped), written in place: no string or buffer per row. */
function writeUuid(buf: Buffer, id: string, offset: number): number {
  let o = offset;
  let high = -1;
  for (let i = 0; i < id.length; i += 1) {
    const c = id.charCodeAt(i);
    if (c === 45) continue; // '-'
    const nibble = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (nibble < 0) throw new Error(`not a uuid: ${id}`);
    if (high < 0) high = nibble;
    else {
      buf[o++] = (high << 4) | nibble;
      high = -1;
    }
  }
  if (o - offset !== 16 || high >= 0) throw new Error(`not a uuid: ${id}`);
  return o;
}

/** A whole number of microseconds (|n| < 2^53) as a big-endian int64, without a BigInt. */
function writeInt64(buf: Buffer, n: number, offset: number): number {
  const high = Math.floor(n / TWO_32);
  buf.writeInt32BE(high, offset);
  buf.writeUInt32BE(n - high * TWO_32, offset + 4);
  return offset + 8;
}
