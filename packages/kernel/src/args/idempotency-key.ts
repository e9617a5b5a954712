import { badInput } from '../errors.ts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

// Visible ASCII only: a key is compared byte for byte, so spaces, control characters and look-alike
// Unicode would make two keys that read the same differ.
const KEY = new RegExp(`^[\\x21-\\x7E]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`);

/** A client-supplied idempotency key: 1 to 200 printable ASCII characters, no spaces. */
export function parseIdempotencyKey(value: string, field = 'idempotencyKey'): string {
  if (!KEY.test(value)) throw badInput(field, `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable characters without spaces.`);
  return value;
}
