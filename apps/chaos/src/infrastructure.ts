import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@platform/kernel/embedded-postgres';
import { freePort } from '@platform/kernel/testing';

/**
 * The chaos run's own PostgreSQL: the machine's shared server (127.0.0.1:5432) serves other people's
 * tests, so restarting it is not safe; this one, from the embedded-postgres package on its own port
 * and data directory, is fresh for each run and ours to stop and start.
 */
export class ChaosPostgres {
  private handle: EmbeddedPostgresHandle | undefined;
  private constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(dataDir: string): Promise<ChaosPostgres> {
    rmSync(dataDir, { recursive: true, force: true });
    const pg = new ChaosPostgres(dataDir, await freePort());
    await pg.up();
    return pg;
  }

  url(database: string): string {
    return `postgres://postgres:platform@127.0.0.1:${this.port}/${database}`;
  }

  /** A fast shutdown: PostgreSQL ends every connection, as a restart by an operator would. */
  async down(): Promise<void> {
    await this.handle?.stop();
    this.handle = undefined;
  }

  async up(): Promise<void> {
    this.handle = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port });
  }
}

/**
 * The run's own redis-server, persistent (append-only file, fsync always): the event bus is Redis
 * Streams, so a Redis that came back empty would lose relayed but unconsumed events. A production
 * Redis for this platform needs the same persistence.
 */
export class ChaosRedis {
  private child: ChildProcess | undefined;
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static available(): boolean {
    return spawnSync('redis-server', ['--version']).status === 0;
  }

  static async start(dir: string): Promise<ChaosRedis> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const redis = new ChaosRedis(dir, await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not start within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM: redis-server flushes its append-only file and exits. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    this.child = undefined;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
