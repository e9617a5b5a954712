import { fail } from '@platform/kernel';
import type { GraphQLError } from 'graphql';

/**
 * A subgraph answered with more bytes than SUBGRAPH_RESPONSE_LIMIT_BYTES: the gateway stops reading
 * (so one operation cannot make it buffer hundreds of megabytes) and refuses that part of the operation.
 * It reaches the client as BAD_USER_INPUT naming the limit: the operation asked for too much.
 */
export function responseTooLarge(maxBytes: number): GraphQLError {
  return fail(
    'BAD_USER_INPUT',
    `A subgraph response exceeded the limit of ${maxBytes} bytes (subgraphResponseBytes); ask for fewer items (a smaller first) or fewer fields.`,
    { limit: 'subgraphResponseBytes', max: maxBytes },
  );
}

/** Reads a body to the end, or throws `responseTooLarge` as soon as it passes `maxBytes` (the caller destroys the stream). */
export async function readLimited(body: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw responseTooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
