/**
 * `npm run bench`: runs every benchmark in bench/ (each a standalone script printing JSON and
 * writing bench/results/<name>.json), one after another so they do not disturb each other.
 * `npm run bench -- org-tree` runs only those whose file name contains the argument.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '@platform/platform';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && (!filter || f.includes(filter)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n# ${script}`);
  // With the services' Node flags: benchmarks that host a service in their own process measure it as deployed.
  const run = spawnSync(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', path.join(dir, script)], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
