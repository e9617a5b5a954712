/**
 * Where a V8 CPU profile (.cpuprofile, from `node --cpu-prof` or inspector's Profiler) spent its
 * time: each sample's self time goes to the area of the file its function is in — `gateway`,
 * `subgraphs/<name>`, `kernel/<dir>`, a node_modules package (`graphql`, `pg`, `@apollo/server`),
 * `node:<module>` for Node's own JavaScript, and V8's `(garbage collector)` / `(program)` / native
 * builtins (JSON.stringify …) by name. Idle time is left out. Samples are counted, not timed: on a
 * loaded machine the gap before a sample includes time the process was not running, so a sample's
 * time delta would charge other processes' time to whatever ran last. `perRequest` spreads the CPU
 * time measured with process.cpuUsage() over the areas by their share of the samples.
 * Run: npx tsx bench/lib/cpu-profile-summary.ts FILE.cpuprofile [cpuMsPerRequest]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** Samples taken while not idle (about one per ms of CPU). */
  readonly samples: number;
  readonly areas: readonly { area: string; share: number }[];
  readonly functions: readonly { fn: string; area: string; share: number }[];
}

/** The area a source URL belongs to (see the file comment). */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : 'V8 builtins';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[url.startsWith('node:internal/') ? 1 : 0]}`;
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? path);
  }
  const own = /\/(subgraphs\/[^/]+|packages\/kernel\/src\/[^/.]+|packages\/[^/]+|gateway|apps\/[^/]+|bench)\//.exec(path);
  if (own?.[1]) return own[1].replace('packages/kernel/src/', 'kernel/');
  return path;
}

/** Several profiles (one per measured part) as one: node ids are offset so they stay apart. */
export function mergeProfiles(profiles: readonly CpuProfile[]): CpuProfile {
  const nodes: ProfileNode[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let offset = 0;
  for (const p of profiles) {
    const at = offset;
    nodes.push(...p.nodes.map((n) => ({ ...n, id: n.id + at, children: n.children?.map((c) => c + at) })));
    samples.push(...p.samples.map((id) => id + at));
    timeDeltas.push(...p.timeDeltas);
    offset += Math.max(0, ...p.nodes.map((n) => n.id));
  }
  return { nodes, samples, timeDeltas };
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfSamples = new Map<number, number>();
  for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
  const areas = new Map<string, number>();
  const functions = new Map<string, { area: string; samples: number }>();
  let total = 0;
  for (const [id, samples] of selfSamples) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    const area = areaOf(frame.url, frame.functionName);
    total += samples;
    areas.set(area, (areas.get(area) ?? 0) + samples);
    const file = frame.url.replace(/^.*\/(node_modules|work\/[^/]+)\//, '');
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    const fn = functions.get(key) ?? { area, samples: 0 };
    fn.samples += samples;
    functions.set(key, fn);
  }
  const share = (n: number) => Math.round((n / Math.max(1, total)) * 1000) / 1000;
  return {
    samples: total,
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([area, n]) => ({ area, share: share(n) })),
    functions: [...functions]
      .sort((a, b) => b[1].samples - a[1].samples)
      .slice(0, top)
      .map(([fn, { area, samples }]) => ({ fn, area, share: share(samples) })),
  };
}

/** `cpuMsPerRequest` spread over the areas by share (areas under 0.5 % of the samples summed as `other`). */
export function perRequest(summary: ProfileSummary, cpuMsPerRequest: number): Record<string, number> {
  const out: Record<string, number> = {};
  let other = 0;
  const ms = (share: number) => Math.round(share * cpuMsPerRequest * 1000) / 1000;
  for (const { area, share } of summary.areas) {
    if (share >= 0.005) out[area] = ms(share);
    else other += share;
  }
  out['other'] = ms(other);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, cpuMs] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.ts FILE.cpuprofile [cpuMsPerRequest]');
  const summary = summariseProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, 40);
  console.log(JSON.stringify(cpuMs ? { ...summary, perRequestMs: perRequest(summary, Number(cpuMs)) } : summary, null, 2));
}
