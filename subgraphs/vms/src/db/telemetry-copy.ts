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
 * arrive is NULL. Each VM's id is turned into its 16 bytes once per batch.
 */
export function copyBinary(samples: readonly SampleInput[]): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + samples.length * ROW_BYTES + 2);
  let o = SIGNATURE.copy(buf, 0);
  o = buf.writeInt32BE(0, o); // flags: no OIDs
  o = buf.writeInt32BE(0, o); // no header extension
  const uuids = new Map<string, Buffer>();
  for (const s of samples) {
    o = buf.writeInt16BE(FIELDS, o);
    let uuid = uuids.get(s.vmId);
    if (uuid === undefined) uuids.set(s.vmId, (uuid = uuidBytes(s.vmId)));
    o = buf.writeInt32BE(16, o);
    o += uuid.copy(buf, o);
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

/** A uuid's 16 bytes from its text (any case; the dashes skipped). */
function uuidBytes(id: string): Buffer {
  const hex = id.replaceAll('-', '');
  if (hex.length !== 32) throw new Error(`not a uuid: ${id}`);
  return Buffer.from(hex, 'hex');
}

/** A whole number of microseconds (|n| < 2^53) as a big-endian int64, without a BigInt. */
function writeInt64(buf: Buffer, n: number, offset: number): number {
  const high = Math.floor(n / TWO_32);
  buf.writeInt32BE(high, offset);
  buf.writeUInt32BE(n - high * TWO_32, offset + 4);
  return offset + 8;
}
