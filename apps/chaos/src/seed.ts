import { createLogger, ensureDatabase, RedisEventBus } from '@platform/kernel';
import { SUBGRAPHS, seedDemo, startPlatform, type SubgraphName } from '@platform/platform';
import type { ClusterSecrets } from '@platform/platform';

/**
 * Creates the run's databases and loads the demo dataset (organisations, users, catalogue, opening
 * balances, the 3,260-VM fleet) through the embedded composition root, with the run's secrets and its
 * Redis bus, then stops it: the processes started afterwards find migrated, seeded databases, and the
 * seed's events wait for them in Redis like any other.
 */
export async function seedDatabases(options: {
  readonly serverUrl: string;
  readonly databaseUrl: (name: SubgraphName) => string;
  readonly databaseName: (name: SubgraphName) => string;
  readonly redisUrl: string;
  readonly secrets: ClusterSecrets;
}): Promise<Awaited<ReturnType<typeof seedDemo>>> {
  for (const name of SUBGRAPHS) await ensureDatabase(options.serverUrl, options.databaseName(name));
  const logger = createLogger({ part: 'chaos-seed' }, 'error');
  const eventBus = new RedisEventBus({ url: options.redisUrl, logger });
  const databaseUrls = Object.fromEntries(SUBGRAPHS.map((name) => [name, options.databaseUrl(name)])) as Record<SubgraphName, string>;
  const platform = await startPlatform({
    databaseUrls,
    logger,
    eventBus,
    keyEncryptionKey: options.secrets.keyEncryptionKey,
    serviceSecrets: options.secrets.serviceSecrets,
    paymentWebhookSecret: options.secrets.paymentWebhookSecret,
    scryptLog2N: 14,
    nodeEnv: 'production',
  });
  try {
    return await seedDemo(platform);
  } finally {
    await platform.stop();
    await eventBus.close();
  }
}
