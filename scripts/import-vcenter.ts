/**
 * `npm run import:vcenter -- FILE --map POOL=ORG_ID [--map …] [--url URL] [--token TOKEN]`: uploads a
 * vCenter inventory snapshot (the vSphere REST shapes, any size) to the vms subgraph's streaming route
 * `POST /import/vcenter`, printing its progress and the import report. The token is a provider ADMIN's
 * access token (`--token` or PLATFORM_TOKEN); the URL is the vms subgraph's own (`--url` or VMS_URL,
 * default http://127.0.0.1:4005), not the gateway's, whose 1 MB body limit stays. The file is streamed,
 * never read whole. Exits 1 when the import was refused or failed; nothing is written then.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

export interface ImportOptions {
  readonly file: string;
  readonly maps: readonly string[];
  readonly url: string;
  readonly token: string;
  /** Each NDJSON line of the answer, as it arrives. */
  readonly onLine?: (line: Record<string, unknown>) => void;
}

/** Streams the file to the route; resolves to the last line (`{report}` or `{error}`), or the refusal's JSON. */
export async function importVcenter(options: ImportOptions): Promise<{ ok: boolean; last: Record<string, unknown> }> {
  const query = options.maps.map((m) => `map=${encodeURIComponent(m)}`).join('&');
  const res = await fetch(`${options.url.replace(/\/+$/, '')}/import/vcenter?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}`, 'content-length': String((await stat(options.file)).size) },
    body: Readable.toWeb(createReadStream(options.file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (!res.headers.get('content-type')?.includes('ndjson') || !res.body) {
    const last = (await res.json()) as Record<string, unknown>;
    options.onLine?.(last);
    return { ok: false, last };
  }
  let last: Record<string, unknown> = {};
  let pending = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    pending += Buffer.from(chunk).toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (text.trim() === '') continue;
      last = JSON.parse(text) as Record<string, unknown>;
      options.onLine?.(last);
    }
  }
  return { ok: 'report' in last, last };
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ImportOptions {
  const maps: string[] = [];
  let file: string | undefined;
  let url = env['VMS_URL'] ?? 'http://127.0.0.1:4005';
  let token = env['PLATFORM_TOKEN'];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--map') maps.push(value());
    else if (arg === '--url') url = value();
    else if (arg === '--token') token = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (file === undefined) file = arg;
    else throw new Error(`one FILE only (also got ${arg})`);
  }
  if (!file) throw new Error('usage: npm run import:vcenter -- FILE --map POOL=ORG_ID [--map …] [--url VMS_URL] [--token TOKEN]');
  if (maps.length === 0) throw new Error('give at least one --map POOL=ORG_ID');
  if (!token) throw new Error('give a provider admin access token: --token or PLATFORM_TOKEN');
  return { file, maps, url, token };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const options = parseArgs(process.argv.slice(2), process.env);
    const { ok } = await importVcenter({ ...options, onLine: (line) => console.log(JSON.stringify(line)) });
    process.exitCode = ok ? 0 : 1;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
