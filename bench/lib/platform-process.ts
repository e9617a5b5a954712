/**
 * The platform's six subgraphs (with the demo data) in their own process, so a benchmark in the
 * parent can drive its own gateway at them and tell the subgraphs' CPU from the gateway's. Driven
 * over IPC by bench/fleet-page-mix.ts: sends { ready: { urls } } once seeded; 'cpu' → { cpu: µs };
 * 'profile' → starts profiling, { profileTo: FILE } → writes the profile there and answers
 * { profiled: FILE }; 'stop' → stops and exits.
 */
import { writeFile } from 'node:fs/promises';
import { createLogger } from '@platform/kernel';
import { seedDemo, startPlatform, SUBGRAPHS, type SubgraphName } from '@platform/platform';
import { benchDatabases } from './bench-database.ts';
import { startCpuProfile } from './cpu-profiler.ts';

const send = (message: unknown) => process.send?.(message);
const dbs = await benchDatabases();
const urls = {} as Record<SubgraphName, string>;
for (const name of SUBGRAPHS) urls[name] = await dbs.database(name);
const platform = await startPlatform({ databaseUrls: urls, logger: createLogger({}, 'error'), scryptLog2N: 14, nodeEnv: 'test' });
await seedDemo(platform);
let profiling: Awaited<ReturnType<typeof startCpuProfile>> | undefined;

process.on('message', (message: unknown) => {
  void (async () => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ cpu: user + system });
    } else if (message === 'profile') {
      profiling = await startCpuProfile();
      send({ profiling: true });
    } else if (typeof message === 'object' && message !== null && 'profileTo' in message) {
      const file = (message as { profileTo: string }).profileTo;
      const profile = await profiling!.stop();
      await writeFile(file, JSON.stringify(profile));
      send({ profiled: file });
    } else if (message === 'stop') {
      await platform.stop();
      await dbs.close();
      process.exit(0);
    }
  })();
});
send({ ready: { urls: platform.urls, identityUrl: platform.urls.identity } });
