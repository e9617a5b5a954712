import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CALLING_SERVICES, type CallingService } from '../start-platform.ts';

/** What configured mode needs generated once and shared by every replica of a service. */
export interface ClusterSecrets {
  /** Each calling service's SERVICE_SECRET (identity gets their SHA-256 in SERVICE_CREDENTIALS). */
  readonly serviceSecrets: Readonly<Record<CallingService, string>>;
  /** identity's KEY_ENCRYPTION_KEY: seals the signing keys in its database, so it must outlive a run. */
  readonly keyEncryptionKey: string;
  /** billing's PAYMENT_WEBHOOK_SECRET. */
  readonly paymentWebhookSecret: string;
}

export function generateClusterSecrets(): ClusterSecrets {
  const secret = () => randomBytes(32).toString('base64url');
  return {
    serviceSecrets: Object.fromEntries(CALLING_SERVICES.map((name) => [name, secret()])) as Record<CallingService, string>,
    keyEncryptionKey: randomBytes(32).toString('base64'),
    paymentWebhookSecret: secret(),
  };
}

/** The secrets kept in `file` (mode 0600), generated there on first use, so a restarted cluster opens its own keys. */
export async function loadClusterSecrets(file: string): Promise<ClusterSecrets> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as ClusterSecrets;
  const secrets = generateClusterSecrets();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
