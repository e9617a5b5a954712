import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SubgraphName } from '../start-platform.ts';

/** Every service that runs as a process of its own (configured mode: its src/main.ts). */
export type ServiceName = SubgraphName | 'gateway';

/** The repository's root, where the services' main files and `.data/` are. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Lines of output kept per process (the newest), for tests that read what it logged. */
const MAX_LINES = 50_000;

/**
 * Node flags every service process runs with (the Dockerfile's CMD says the same). A young generation of up
 * to 64 MB per semi-space: telemetry ingest keeps a few thousand samples per batch alive across database
 * round trips, and with the 16 MB default they are copied and promoted by scavenge after scavenge (the
 * ingest benchmark: about 30 % less CPU per sample in the vms process). V8 grows it only under such load.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

export const serviceEntry = (service: ServiceName): string =>
  service === 'gateway' ? path.join(REPO_ROOT, 'gateway', 'src', 'main.ts') : path.join(REPO_ROOT, 'subgraphs', service, 'src', 'main.ts');

export interface ServiceProcessOptions {
  readonly service: ServiceName;
  /** Another main file to run instead of the service's (a stand-in, in tests), relative to the repository root. */
  readonly entry?: string;
  /** This replica's name in output and logs, e.g. `vms-2`. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The service's whole configuration (PORT and HOST are added); nothing else is inherited but PATH and HOME. */
  readonly env: Readonly<Record<string, string>>;
  /** Sees every line the process writes (stdout and stderr), e.g. to print it with a prefix. */
  readonly onLine?: (name: string, line: string) => void;
  /** A file that gets every line too, appended across restarts (chaos runs keep each service's log). */
  readonly logFile?: string;
  /** How long start() waits for GET /ready to answer 200; default 300 s (a loaded machine compiles slowly). */
  readonly readyTimeoutMs?: number;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One replica of one service as an operating-system process (`node --import tsx <service>/src/main.ts`),
 * for the local cluster, its tests and chaos runs. `start()` resolves once the service answers
 * GET /ready; `signal()` sends any signal (SIGSTOP/SIGCONT pause and resume it); `kill()` is SIGKILL
 * (a crash: nothing is cleaned up); `stop()` is SIGTERM (a graceful stop), SIGKILL after a grace
 * period; `restart()` stops and starts it again on the same port. `lines` holds what it wrote, and
 * `crashes` every exit nobody asked for (not by kill, stop or a terminating signal sent through it).
 */
export class ServiceProcess {
  readonly url: string;
  readonly lines: string[] = [];
  readonly crashes: string[] = [];
  private child: ChildProcess | undefined;
  private exit: Promise<ProcessExit> | undefined;
  private expectingExit = false;
  private log: WriteStream | undefined;

  constructor(readonly options: ServiceProcessOptions) {
    this.url = `http://${options.host}:${options.port}`;
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Whether the process is alive (a SIGSTOPped one counts as alive). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the current process exits. */
  exited(): Promise<ProcessExit> {
    return this.exit ?? Promise.resolve({ code: null, signal: null });
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { service, entry, host, port, env, logFile } = this.options;
    if (logFile) this.log ??= createWriteStream(logFile, { flags: 'a' });
    this.expectingExit = false;
    const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, '--import', 'tsx', entry ? path.join(REPO_ROOT, entry) : serviceEntry(service)], {
      cwd: REPO_ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env, HOST: host, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exit = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectingExit) this.crashes.push(`${this.name} exited unexpectedly (code ${code}, signal ${signal})`);
        resolve({ code, signal });
      }),
    );
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) this.record(line);
      });
      stream.on('end', () => rest && this.record(rest));
    }
    await this.waitReady(child);
  }

  /** Sends a signal; a terminating one counts as an exit asked for. */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') this.expectingExit = true;
    this.child!.kill(signal);
  }

  /** SIGSTOP: the process stays alive but answers nothing (a hung service). */
  freeze(): void {
    this.signal('SIGSTOP');
  }

  thaw(): void {
    this.signal('SIGCONT');
  }

  /** SIGKILL, as a crash: resolves once the process is gone. */
  async kill(): Promise<ProcessExit> {
    this.signal('SIGKILL');
    return this.exited();
  }

  /** SIGTERM (SIGCONT first, in case it is paused), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<ProcessExit> {
    if (!this.running) return this.exited();
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited();
    } finally {
      clearTimeout(timer);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops it and closes its log file. */
  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }

  private record(line: string): void {
    this.lines.push(line);
    this.log?.write(`${line}\n`);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    this.options.onLine?.(this.name, line);
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 300_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${this.name} exited before it was ready (${child.exitCode ?? child.signalCode}): ${this.lines.slice(-20).join('\n')}`);
      const ready = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${this.name} was not ready within ${this.options.readyTimeoutMs ?? 300_000} ms: ${this.lines.slice(-20).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
