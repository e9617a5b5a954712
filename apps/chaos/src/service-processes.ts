import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServiceSpec {
  readonly name: string;
  /** The service's main.ts, relative to the repository root. */
  readonly entry: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Fixed for the run, so a restarted service is found where it was. */
  readonly port: number;
  /** Where its stderr/stdout (JSON logs) go, appended across restarts. */
  readonly logFile: string;
}

// Generous: the first boot compiles TypeScript and the gateway plans its supergraph, on a shared 2-core machine.
const READY_TIMEOUT_MS = 240_000;

/**
 * One service as its own OS process (`node --import tsx main.ts`: one process, so SIGSTOP/SIGKILL
 * reach the service itself and not a wrapper). It knows which exits it asked for: any other exit is
 * a crash, which the chaos run counts as a failure.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private log: WriteStream | undefined;
  /** Exits nobody asked for (with their code/signal). */
  readonly crashes: string[] = [];

  constructor(readonly spec: ServiceSpec) {}

  get name(): string {
    return this.spec.name;
  }
  get baseUrl(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and waits until its /ready answers 200. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.log ??= createWriteStream(this.spec.logFile, { flags: 'a' });
    this.expectingExit = false;
    const child = spawn(process.execPath, ['--import', 'tsx', this.spec.entry, ...(this.spec.args ?? [])], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.spec.env, PORT: String(this.spec.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.pipe(this.log, { end: false });
    child.stderr.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) this.crashes.push(`${this.name} exited unexpectedly (code ${code}, signal ${signal})`);
        resolve();
      }),
    );
    await this.waitReady();
  }

  /** Polls /ready until 200; fails if the process exits first. */
  async waitReady(timeoutMs = READY_TIMEOUT_MS): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready (see ${this.spec.logFile})`);
      const ok = await fetch(`${this.baseUrl}/ready`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return Date.now() - started;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms (see ${this.spec.logFile})`);
  }

  /** Sends a signal; a terminating one is marked as asked for. */
  signal(signal: NodeJS.Signals): void {
    if (!this.child?.pid) throw new Error(`${this.name} is not running`);
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') this.expectingExit = true;
    process.kill(this.child.pid, signal);
  }

  /** Resolves when the current process has exited (at once if none runs). */
  waitExit(): Promise<void> {
    return this.exited;
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    if (this.child?.signalCode === null && this.isStopped) this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.running && this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private isStopped = false;
  freeze(): void {
    this.signal('SIGSTOP');
    this.isStopped = true;
  }
  thaw(): void {
    this.signal('SIGCONT');
    this.isStopped = false;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }
}
