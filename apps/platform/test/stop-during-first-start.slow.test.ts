import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, expect, inject, test } from 'vitest';
import { SUBGRAPHS } from '../src/start-platform.ts';

// `npm start` on an empty server, Ctrl-C while the demo seed runs: background work (outbox relays,
// sweepers, consumers) stops before the database goes, so the process exits within seconds, quietly.
const START = fileURLToPath(new URL('../../../scripts/start.ts', import.meta.url));
const server = inject('adminDatabaseUrl');
const prefixes: string[] = [];

/** Statements on the server's maintenance connection. */
async function onServer(statements: (client: pg.Client) => Promise<void>) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await statements(client);
  } finally {
    await client.end();
  }
}

afterAll(() =>
  onServer(async (client) => {
    for (const prefix of prefixes) for (const name of SUBGRAPHS) await client.query(`drop database if exists "${prefix}${name}" with (force)`);
  }),
);

/** What a terminal does on Ctrl-C: SIGINT to the whole foreground process group. */
async function startThenInterrupt(afterUpMs: number, { databaseDiesToo }: { databaseDiesToo: boolean }) {
  const prefix = `stop_${process.pid}_${prefixes.length}_`;
  prefixes.push(prefix);
  const child = spawn(process.execPath, ['--import', 'tsx', START], {
    env: { ...process.env, DATABASE_URL: server, PLATFORM_DATABASE_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'warn' },
    detached: true, // a process group of its own, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!stdout.includes('subgraphs up')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, afterUpMs));
  expect(stdout).not.toMatch(/seeded|demo data already present/); // still seeding
  const signalledAt = Date.now();
  process.kill(-child.pid!, 'SIGINT');
  // Embedded, the Ctrl-C reaches PostgreSQL too: its connections end at once and no new ones are let in.
  if (databaseDiesToo) await killDatabases(prefix);
  const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000))]);
  const seconds = (Date.now() - signalledAt) / 1000;
  if (code === 'hung') process.kill(-child.pid!, 'SIGKILL');
  return { code, seconds, stdout, stderr };
}

const killDatabases = (prefix: string) =>
  onServer(async (client) => {
    for (const name of SUBGRAPHS) await client.query(`alter database "${prefix}${name}" allow_connections false`);
    await client.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname like $1 and pid <> pg_backend_pid()`, [`${prefix}%`]);
  });

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const retries = (stderr: string) => stderr.split('\n').filter((line) => line.includes('will retry')).length;

for (const [moment, afterUpMs] of [
  ['while demo passwords are hashed', 200],
  ['while wallets and the fleet are seeded', 2_500],
] as const) {
  test(`Ctrl-C ${moment}: stopped and exited 0 within 5 s, no stack trace, no retry loop`, async () => {
    const run = await startThenInterrupt(afterUpMs, { databaseDiesToo: false });
    expect({ code: run.code, quick: run.seconds < 5 }, `${run.seconds}s\n${run.stdout}\n${run.stderr}`).toEqual({ code: 0, quick: true });
    expect(run.stdout).toMatch(/stopping…[\s\S]*stopped/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(retries(run.stderr)).toBe(0);
  });
}

test('Ctrl-C that takes the database down with it (embedded PostgreSQL): exits within 5 s, no stack trace, at most one "will retry"', async () => {
  const run = await startThenInterrupt(1_000, { databaseDiesToo: true });
  expect({ code: run.code, quick: run.seconds < 5 }, `${run.seconds}s\n${run.stdout}\n${run.stderr}`).toEqual({ code: 0, quick: true });
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(retries(run.stderr), run.stderr).toBeLessThanOrEqual(1);
});
