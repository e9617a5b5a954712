// A consumer in its own process (the Redis test spawns it): registers the recording consumer and
// runs until SIGTERM, or until it is killed.
import { createDatabase, RedisEventBus } from '../../src/index.ts';
import { logger, recordingConsumer, type EventTestTables } from './event-fixture.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const database = createDatabase<EventTestTables>({ url: env('CONSUMER_DATABASE_URL'), logger });
const bus = new RedisEventBus({
  url: env('REDIS_URL'),
  prefix: env('EVENT_PREFIX'),
  logger,
  blockMs: 200,
  policy: { retentionMs: 3_600_000, maxAttempts: Number(env('EVENT_MAX_ATTEMPTS')), retryDelayMs: Number(env('EVENT_RETRY_DELAY_MS')) },
});
const registration = bus.register(recordingConsumer(database.db, env('CONSUMER_NAME'), Number(process.env.HANDLER_DELAY_MS ?? 0)));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void registration
    .stop()
    .then(() => bus.close())
    .then(() => database.close())
    .finally(() => process.exit(0));
});
