import { expect, test } from 'vitest';
import { ConfigError, readServiceConfig } from '../src/index.ts';

const valid = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' };

test('a valid environment gives a frozen config with defaults', () => {
  const config = readServiceConfig('demo', 4010, valid);
  expect(config).toMatchObject({ serviceName: 'demo', port: 4010, host: '127.0.0.1', databaseUrl: valid.DATABASE_URL, production: true });
  expect(Object.isFrozen(config)).toBe(true);
});

test('a service started on its own is in production posture unless NODE_ENV says otherwise', () => {
  expect(readServiceConfig('demo', 4010, valid).production).toBe(true);
  expect(readServiceConfig('demo', 4010, { ...valid, NODE_ENV: 'development' }).production).toBe(false);
  expect(readServiceConfig('demo', 4010, { ...valid, NODE_ENV: 'test' }).production).toBe(false);
});

test.each([
  [{}, 'DATABASE_URL', /DATABASE_URL is required/],
  [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /DATABASE_URL must be a URL/],
  [{ ...valid, PORT: 'eighty' }, 'PORT', /PORT must be an integer/],
  [{ ...valid, PORT: '70000' }, 'PORT', /PORT must be between 0 and 65535/],
  [{ ...valid, NODE_ENV: 'prod' }, 'NODE_ENV', /NODE_ENV must be one of/],
  [{ ...valid, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /LOG_LEVEL must be one of/],
])('a bad environment stops boot naming the variable (%o)', (env, variable, message) => {
  let error: unknown;
  try {
    readServiceConfig('demo', 4010, env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).variable).toBe(variable);
  expect((error as Error).message).toMatch(message);
});
