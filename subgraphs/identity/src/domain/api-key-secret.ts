import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key is `cdp_live_<12 hex>_<43 base64url>`: the first part (the prefix) finds the row and
 * may be shown anywhere; the rest is 256 random bits. Such a secret needs no slow hash: SHA-256 of
 * the whole key is stored, and nothing else.
 */
export const API_KEY_PREFIX = 'cdp_live_';
const SHAPE = /^cdp_live_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface MintedSecret {
  readonly prefix: string;
  readonly secret: string;
  readonly hash: Buffer;
}

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

export function mintApiKeySecret(): MintedSecret {
  const prefix = `${API_KEY_PREFIX}${randomBytes(6).toString('hex')}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, secret, hash: hashApiKey(secret) };
}

/** The prefix of a well-formed key, or null (then it is not worth a database lookup). */
export function prefixOf(key: string): string | null {
  const match = SHAPE.exec(key);
  return match ? `${API_KEY_PREFIX}${match[1]}` : null;
}

export const looksLikeApiKey = (value: string): boolean => value.startsWith(API_KEY_PREFIX);

export const secretMatches = (key: string, stored: Buffer): boolean => {
  const presented = hashApiKey(key);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
};
