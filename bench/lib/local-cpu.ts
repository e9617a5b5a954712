/**
 * CPU time where a benchmark's work runs on this machine (Linux /proc): this process, its main thread
 * (the rest of the process is V8's garbage collector and compiler threads, and libuv's pool), and the
 * local PostgreSQL server's processes. All in milliseconds of user + system time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processCpuMs } from './deployed-cluster.ts';

/** This process, every thread. */
export function ownCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** This process's main thread (its thread id is the process id). */
export function mainThreadCpuMs(): number {
  return taskCpuMs(`/proc/self/task/${process.pid}/stat`);
}

/**
 * Every process of the PostgreSQL servers on this machine (postmaster, backends, WAL writer, checkpointer,
 * autovacuum): what a statement costs the database wherever it lands. Meaningful when the benchmark's
 * server is local and nothing else uses it.
 */
export function postgresServerCpuMs(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv0: string;
    try {
      argv0 = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')[0] ?? '';
    } catch {
      continue; // gone
    }
    if (argv0.startsWith('postgres:') || argv0.endsWith('/postgres') || argv0 === 'postgres') total += processCpuMs(Number(name)) ?? 0;
  }
  return total;
}

function taskCpuMs(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime in ticks of 10 ms (USER_HZ 100)
}
