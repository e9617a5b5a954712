import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '@platform/kernel';
import type { KeyEncryptionKey } from '../config.ts';

/** A private key at rest: AES-256-GCM under a key-encryption key, named by its id so the KEK can rotate. */
export interface Sealed {
  readonly sealed: string;
  readonly kekId: string;
}

const IV = 12;
const TAG = 16;

/** Seals with the first (current) key; opens with whichever configured key sealed the row. */
export class KeySealer {
  constructor(private readonly keks: readonly KeyEncryptionKey[]) {}

  get currentId(): string {
    return this.keks[0]!.id;
  }

  seal(plain: unknown, aad: string): Sealed {
    const kek = this.keks[0]!;
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', kek.key, iv).setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url'), kekId: kek.id };
  }

  /** `aad` binds the ciphertext to its row (the kid), so a sealed key cannot be moved to another row. */
  open({ sealed, kekId }: Sealed, aad: string): unknown {
    const kek = this.keks.find((k) => k.id === kekId);
    if (!kek) {
      throw new ConfigError(
        'KEY_ENCRYPTION_KEY',
        `does not match the key that sealed the signing keys (key id ${kekId}; configured: ${this.keks.map((k) => k.id).join(', ')}). Set it to that key, or list that key in KEY_ENCRYPTION_KEYS_PREVIOUS`,
      );
    }
    const raw = Buffer.from(sealed, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek.key, raw.subarray(0, IV)).setAAD(Buffer.from(aad));
      decipher.setAuthTag(raw.subarray(IV, IV + TAG));
      return JSON.parse(Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]).toString('utf8'));
    } catch {
      throw new ConfigError(kek.variable, `cannot open the signing key sealed under key id ${kekId} (wrong key or altered data)`);
    }
  }
}
