import { EnvReader, readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export interface {{Name}}Config extends ServiceConfig {
  /** How often the outbox relay looks for new events. */
  readonly outboxIntervalMs: number;
}

/** Read once at boot; a missing or malformed variable stops the process naming it. */
export function read{{Name}}Config(env: Env = process.env): {{Name}}Config {
  const r = new EnvReader(env);
  return Object.freeze({
    ...readServiceConfig('{{name}}', {{port}}, env),
    outboxIntervalMs: r.int('OUTBOX_INTERVAL_MS', 250, { min: 10, max: 60_000 }),
  });
}
