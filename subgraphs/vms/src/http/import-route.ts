import type http from 'node:http';
import { PassThrough } from 'node:stream';
import { badInput, createRequestContext, isUuid, sendJson, type HttpRoute, type Logger, type OrgDirectory, type TokenVerifier } from '@platform/kernel';
import { GraphQLError } from 'graphql';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';
import type { InventoryImport, PoolTarget } from '../domain/inventory-import.ts';
import { MAX_SNAPSHOT_VMS, parseSnapshotVm, parseVcenterName, type SnapshotVm } from '../domain/vcenter-snapshot.ts';

/** Upload size refused past this (a 10,000-VM snapshot is about 10 MB). */
const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** A progress line every this many VMs read. */
const PROGRESS_EVERY = 1000;

const STATUS_OF: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404 };

interface RouteDeps {
  readonly verifyToken: TokenVerifier;
  readonly orgDirectory: OrgDirectory;
  readonly logger: Logger;
}

/**
 * `POST /import/vcenter?map=POOL=ORG_ID&map=…` with `Authorization: Bearer <token>` (provider ADMIN) and a
 * vCenter snapshot as the body: the same import as the GraphQL mutation, for fleets too large for the
 * 1 MB GraphQL body limit. The body is parsed as a stream (stream-json), one VM at a time, so memory
 * holds the reduced records, never the document. Auth and mappings are checked before the body is read
 * (a plain JSON error with a 4xx status); after that the answer is NDJSON: `{"progress":…}` lines, then
 * one `{"report":…}` (the GraphQL InventoryImportReport) or `{"error":…}` (nothing written).
 */
export function vcenterImportRoute(inventory: InventoryImport, deps: RouteDeps): HttpRoute {
  return {
    method: 'POST',
    path: '/import/vcenter',
    streamBody: true,
    handler: async (req, res) => {
      let pools: Map<string, PoolTarget>;
      let actor: string;
      try {
        const ctx = await createRequestContext(req, deps);
        actor = (await ctx.access.assertProviderStaff('ADMIN', 'import an inventory')).sub;
        pools = await parseMappings(new URL(req.url ?? '/', 'http://localhost').searchParams.getAll('map'), deps.orgDirectory);
      } catch (error) {
        req.resume();
        if (!(error instanceof GraphQLError)) throw error;
        const code = String(error.extensions['code']);
        sendJson(res, STATUS_OF[code] ?? 400, { errors: [{ message: error.message, extensions: error.extensions }] });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
      const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
      try {
        const started = Date.now();
        const snapshot = await readSnapshot(req, (parsed) => line({ progress: { phase: 'reading', vms: parsed } }));
        line({ progress: { phase: 'writing', vms: snapshot.vms.length } });
        const report = await inventory.run(snapshot, pools, actor);
        line({ report, ms: Date.now() - started });
      } catch (error) {
        req.resume();
        if (error instanceof GraphQLError) line({ error: { message: error.message, code: error.extensions['code'], field: error.extensions['field'] } });
        else {
          deps.logger.error('vCenter import failed', { error });
          line({ error: { message: 'Internal error', code: 'INTERNAL' } });
        }
      }
      res.end();
    },
  };
}

/** `POOL=ORG_ID` pairs (split at the last `=`): each pool once, each organisation one that exists. */
async function parseMappings(maps: readonly string[], directory: OrgDirectory): Promise<Map<string, PoolTarget>> {
  if (maps.length === 0) throw badInput('map', 'give at least one POOL=ORG_ID mapping.');
  if (maps.length > 1000) throw badInput('map', 'may list at most 1,000 pools.');
  const pairs = maps.map((m, i) => {
    const at = m.lastIndexOf('=');
    const pool = m.slice(0, Math.max(at, 0)).trim();
    const orgId = m.slice(at + 1).toLowerCase();
    if (at <= 0 || pool === '' || !isUuid(orgId)) throw badInput(`map[${i}]`, 'must be POOL=ORG_ID with the organisation id a UUID.');
    return { pool, orgId, i };
  });
  const nodes = await directory.lookup([...new Set(pairs.map((p) => p.orgId))]);
  const pools = new Map<string, PoolTarget>();
  for (const { pool, orgId, i } of pairs) {
    const node = nodes.get(orgId);
    if (!node) throw badInput(`map[${i}]`, 'no organisation has this id.');
    if (pools.has(pool)) throw badInput(`map[${i}]`, `${pool} is mapped twice.`);
    pools.set(pool, { organizationId: node.id, orgPath: [...node.ancestors, node.id] });
  }
  return pools;
}

/** Reads `{ vcenter, vms: [...] }` from the stream, validating each VM as it arrives (fields named `snapshot.vms[i]…`). */
async function readSnapshot(req: http.IncomingMessage, progress: (parsed: number) => void) {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_UPLOAD_BYTES) req.destroy(new Error('upload too large'));
  });
  // The top-level vcenter string is read off the token stream; only vms[i] are assembled, one at a time.
  let vcenter: unknown;
  let depth = 0;
  let key: string | null = null;
  const watchVcenter = (token: parser.Token): parser.Token => {
    if (token.name === 'startObject' || token.name === 'startArray') depth += 1;
    else if (token.name === 'endObject' || token.name === 'endArray') depth -= 1;
    else if (depth === 1 && token.name === 'keyValue') key = token.value;
    else if (depth === 1 && key === 'vcenter' && token.name === 'stringValue') vcenter = token.value;
    return token;
  };
  // Through a PassThrough: stopping early (a bad VM) tears down the parser, not the request, which is then drained.
  const source = req.pipe(new PassThrough());
  const pipeline = chain([source, parser(), watchVcenter, pick({ filter: /^vms\.\d+$/ }), streamValues()]);
  const vms: SnapshotVm[] = [];
  const seen = new Set<string>();
  try {
    for await (const item of pipeline as AsyncIterable<{ value: unknown }>) {
      if (vms.length >= MAX_SNAPSHOT_VMS) throw badInput('snapshot.vms', 'may hold at most 50,000 VMs per import.');
      vms.push(parseSnapshotVm(item.value, `snapshot.vms[${vms.length}]`, seen));
      if (vms.length % PROGRESS_EVERY === 0) progress(vms.length);
    }
  } catch (error) {
    req.unpipe(source);
    req.resume();
    if (error instanceof GraphQLError) throw error;
    if (bytes > MAX_UPLOAD_BYTES) throw badInput('snapshot', `is larger than ${MAX_UPLOAD_BYTES} bytes.`);
    throw badInput('snapshot', 'is not valid JSON.');
  }
  return { vcenter: parseVcenterName(vcenter, 'snapshot.vcenter'), vms };
}
