import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createLogger, InMemoryEventBus, newId } from '@platform/kernel';
import { createTestAuth, TestOrgTree } from '@platform/kernel/testing';
import { createVmsSubgraph, readVmsConfig, profileOf, simulatedSample } from '@platform/vms';
import { copyBinary } from '../subgraphs/vms/src/db/telemetry-copy.ts';
import { benchDatabases } from './lib/bench-database.ts';
import { postgresServerCpuMs, ownCpuMs } from './lib/local-cpu.ts';
const dbs = await benchDatabases();
const url = await dbs.database('copyfmt');
const auth = await createTestAuth();
const tree = new TestOrgTree();
const vms = createVmsSubgraph(readVmsConfig({ DATABASE_URL: url, PORT: '0', NODE_ENV: 'test', TELEMETRY_ROLLUP_INTERVAL_MS: '3600000' }), { logger: createLogger({}, 'error'), verifyToken: auth.verifyToken, orgDirectory: tree, eventBus: new InMemoryEventBus(), serviceTokens: async () => auth.serviceToken('vms', []) });
await vms.start();
const ids = Array.from({ length: 1250 }, () => newId());
const pool = new pg.Pool({ connectionString: url, max: 1 });
const base = Math.floor(Date.now() / 20000) * 20000 - 3600_000 * 5;
await vms.services.telemetryPartitions.ensureFor([new Date(base), new Date(base + 3600_000 * 3)]);
const rows = (k: number) => ids.map((id) => { const at = new Date(base + k * 20000); return { vmId: id, at, values: simulatedSample(profileOf(id), at) }; });
const text = (k: number) => rows(k).map((s) => [s.vmId, s.at.toISOString(), s.values.cpu_percent, s.values.memory_percent, s.values.disk_read_bytes_per_second, s.values.disk_write_bytes_per_second, s.values.network_receive_bytes_per_second, s.values.network_transmit_bytes_per_second].join('\t')).join('\n') + '\n';
const cols = 'telemetry_raw (vm_id, at, cpu_percent, memory_percent, disk_read_bytes_per_second, disk_write_bytes_per_second, network_receive_bytes_per_second, network_transmit_bytes_per_second)';
let k = 0;
for (const round of [0, 1, 2]) {
  for (const fmt of ['text', 'binary']) {
    const inputs = Array.from({ length: 30 }, () => (fmt === 'text' ? text(k++) : copyBinary(rows(k++))));
    const p0 = postgresServerCpuMs(); const n0 = ownCpuMs(); const t0 = performance.now();
    for (const input of inputs) {
      const c = await pool.connect();
      await c.query('begin');
      const s = c.query(copyFrom(`copy ${cols} from stdin${fmt === 'binary' ? ' with (format binary)' : ''}`));
      s.end(input); await finished(s);
      await c.query('commit'); c.release();
    }
    const ms = performance.now() - t0;
    if (round > 0) console.log(fmt, 'pg ms/1000', ((postgresServerCpuMs() - p0) / 37.5).toFixed(1), 'node ms/1000', ((ownCpuMs() - n0) / 37.5).toFixed(1), 'wall ms/1000', (ms / 37.5).toFixed(1));
  }
}
await pool.end(); await vms.stop(); await dbs.close();
