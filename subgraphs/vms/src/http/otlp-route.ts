import type http from 'node:http';
import { createGunzip } from 'node:zlib';
import {
  createRequestContext,
  platformMetrics,
  sendJson,
  type ConcurrencyGate,
  type HttpRoute,
  type Logger,
  type OrgDirectory,
  type TokenVerifier,
} from '@platform/kernel';
import { GraphQLError } from 'graphql';
import type { TelemetryIngest } from '../domain/telemetry/ingest-service.ts';
import { decodeOtlpMetrics } from '../domain/telemetry/otlp-decode.ts';

/** Decompressed body refused past this: a 5,000-VM scrape of the vCenter receiver is a few MB. */
export const MAX_OTLP_BODY_BYTES = 32 * 1024 * 1024;
export const TELEMETRY_WRITE = 'telemetry:write';

interface RouteDeps {
  readonly verifyToken: TokenVerifier;
  readonly orgDirectory: OrgDirectory;
  readonly logger: Logger;
  /** Bounds the batches in the database at once (TELEMETRY_INGEST_*). */
  readonly gate: ConcurrencyGate;
}

/** google.rpc.Status codes OTLP/HTTP answers carry, by HTTP status. */
const RPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 413: 8, 415: 3, 503: 14 };

class OtlpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `POST /v1/metrics`: OTLP/HTTP metrics in JSON (`Content-Type: application/json`, optionally
 * `Content-Encoding: gzip`, the otlphttp exporter's default), from a token whose scopes include
 * `telemetry:write`. The answer is an ExportMetricsServiceResponse: `{}` when every data point was
 * stored, else `partialSuccess { rejectedDataPoints, errorMessage }` (OTLP partial success, HTTP 200).
 * The batch is committed before the answer. Protobuf is refused with 415 (JSON only, for now). Past
 * TELEMETRY_INGEST_CONCURRENCY batches at once (and the queue behind them), 503 with Retry-After.
 */
export function otlpMetricsRoute(ingest: TelemetryIngest, deps: RouteDeps): HttpRoute {
  return {
    method: 'POST',
    path: '/v1/metrics',
    streamBody: true,
    handler: async (req, res) => {
      try {
        const ctx = await createRequestContext(req, deps).catch((error: unknown) => {
          throw error instanceof GraphQLError ? new OtlpRefusal(401, error.message) : error;
        });
        if (ctx.caller.kind !== 'authenticated') throw new OtlpRefusal(401, 'Send a bearer token with the scope telemetry:write.');
        const caller = ctx.caller;
        if (!caller.scopes.includes(TELEMETRY_WRITE)) throw new OtlpRefusal(403, 'This token lacks the scope telemetry:write.');
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/json') {
          throw new OtlpRefusal(415, `Content-Type ${type || '(none)'} is not supported: send OTLP/HTTP JSON (application/json).`);
        }
        const body = await readJson(req);
        const batch = (() => {
          try {
            return decodeOtlpMetrics(body);
          } catch (error) {
            if (error instanceof GraphQLError) throw new OtlpRefusal(400, error.message);
            throw error;
          }
        })();
        const admitted = await deps.gate.run(() =>
          ingest.ingest(batch, {
            anyVm: caller.typ === 'service',
            canSee: (orgId) => ctx.access.canSee(orgId),
          }),
        );
        if (!admitted) {
          // Nothing of it was stored: the collector's retry (OTLP: 503 with Retry-After) sends it again.
          sendJson(res, 503, { code: 14, message: 'Too many batches are being ingested; retry this one later.' }, { 'retry-after': '1' });
          return;
        }
        const result = admitted.value;
        platformMetrics.telemetryPoints.inc(result.rejectedDataPoints + result.acceptedDataPoints);
        platformMetrics.telemetryRejected.inc(result.rejectedDataPoints);
        const answer =
          result.rejectedDataPoints > 0 || result.errorMessage
            ? { partialSuccess: { rejectedDataPoints: String(result.rejectedDataPoints), errorMessage: result.errorMessage ?? '' } }
            : {};
        sendJson(res, 200, answer);
      } catch (error) {
        req.resume();
        if (error instanceof OtlpRefusal) {
          sendJson(res, error.status, { code: RPC_CODE[error.status] ?? 2, message: error.message });
          return;
        }
        // Storage trouble: 503 tells a collector to retry the batch later (nothing of it was committed).
        deps.logger.error('telemetry ingest failed', { error });
        sendJson(res, 503, { code: 14, message: 'Internal error; retry later.' }, { 'retry-after': '5' });
      }
    },
  };
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') throw new OtlpRefusal(415, `Content-Encoding ${encoding} is not supported (gzip or none).`);
  const source: AsyncIterable<Buffer> = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > MAX_OTLP_BODY_BYTES) throw new OtlpRefusal(413, `The body is larger than ${MAX_OTLP_BODY_BYTES} bytes; send smaller batches.`);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof OtlpRefusal) throw error;
    throw new OtlpRefusal(400, 'The body is not valid gzip.');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new OtlpRefusal(400, 'The body is not valid JSON.');
  }
}
