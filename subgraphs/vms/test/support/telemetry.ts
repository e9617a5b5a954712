import { gzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import type { VmsDatabase } from '../../src/db/types.ts';

/** POSTs an OTLP/HTTP JSON body to a vms subgraph's /v1/metrics. */
export async function postMetrics(
  baseUrl: string,
  body: unknown,
  options: { token?: string; contentType?: string; gzip?: boolean; raw?: string } = {},
): Promise<{ status: number; body: any }> {
  const text = options.raw ?? JSON.stringify(body);
  const response = await fetch(`${baseUrl}/v1/metrics`, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: options.gzip ? gzipSync(text) : text,
  });
  return { status: response.status, body: await response.json() };
}

export const nanos = (at: Date | number) => `${BigInt(typeof at === 'number' ? at : at.getTime()) * 1_000_000n}`;
export const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** One resource (a VM) with the given metrics, as the vCenter receiver shapes them. */
export function resource(vmRef: string | null, metrics: unknown[]) {
  return { resource: { attributes: vmRef === null ? [str('vcenter.vm.name', 'x')] : [str('vcenter.vm.id', vmRef)] }, scopeMetrics: [{ metrics }] };
}

export function gauge(name: string, unit: string, points: { at: Date | number; value: number; direction?: string; object?: string }[]) {
  return {
    name,
    unit,
    gauge: {
      dataPoints: points.map((p) => ({
        timeUnixNano: nanos(p.at),
        asDouble: p.value,
        attributes: [...(p.direction ? [str('direction', p.direction)] : []), ...(p.object ? [str('object', p.object)] : [])],
      })),
    },
  };
}

export interface RawRow {
  vm_id: string;
  at: Date;
  cpu_percent: number | null;
  memory_percent: number | null;
  disk_read_bytes_per_second: number | null;
  disk_write_bytes_per_second: number | null;
  network_receive_bytes_per_second: number | null;
  network_transmit_bytes_per_second: number | null;
}

export async function rawRows(db: Kysely<VmsDatabase>, vmIds: readonly string[]): Promise<RawRow[]> {
  const { rows } = await sql<RawRow>`select * from telemetry_raw where vm_id = any(${[...vmIds]}::uuid[]) order by vm_id, at`.execute(db);
  return rows;
}

/** Seconds-aligned "now minus n seconds", so samples land on whole 20 s slots. */
export const slotAgo = (seconds: number, now = Date.now()) => new Date(Math.floor(now / 20_000) * 20_000 - seconds * 1000);

/** Runs the rollup pass over everything stored so far (ingest only writes raw; the pass builds the rollup tiers). */
export async function rollUpAll(h: { subgraph: { services: { telemetryRollups: { rollUp(until?: Date): Promise<Date | null> } } } }): Promise<void> {
  await h.subgraph.services.telemetryRollups.rollUp(new Date(Date.now() + 10 * 60_000));
}
