/**
 * CPU time where a benchmark's work runs on this machine (Linux /proc): this process, its main thread
 * (the rest of the process is V8's garbage collector and compiler threads, and libuv's pool), and the
 * local PostgreSQL server's processes. All in milliseconds of user + system time.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process's CPU (every thread) from /proc/<pid>/stat; undefined once the process is gone. */
export function processCpuMs(pid: number): number | undefined {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** This process, every thread. */
export function ownCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** This process's main thread (its thread id is the process id). */
export function mainThreadCpuMs(): number {
  return statCpuMs(`/proc/self/task/${process.pid}/stat`) ?? 0;
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

const TICK_MS = 1000 / 100; // USER_HZ: 100 on every Linux this runs on (`getconf CLK_TCK`)

/** utime + stime of a process's or thread's stat file, in ms; undefined once it is gone. */
function statCpuMs(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // fields 14 and 15 of proc(5)
  } catch {
    return undefined;
  }
}
