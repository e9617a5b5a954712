import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type http from 'node:http';
import { closeServer, ConfigError, createHttpServer, createLogger, EnvReader, listen, metricsRoutes, readMetricsAccess } from '../src/index.ts';

const TOKEN = 'scrape-token-0123456789';

describe('who may read /metrics', () => {
  test('production without METRICS_TOKEN serves no /metrics; development does; a token must be long enough', () => {
    expect(readMetricsAccess(new EnvReader({}), true)).toEqual({ token: undefined, served: false });
    expect(readMetricsAccess(new EnvReader({}), false)).toEqual({ token: undefined, served: true });
    expect(readMetricsAccess(new EnvReader({ METRICS_TOKEN: TOKEN }), true)).toEqual({ token: TOKEN, served: true });
    expect(() => readMetricsAccess(new EnvReader({ METRICS_TOKEN: 'short' }), true)).toThrow(ConfigError);
    expect(() => readMetricsAccess(new EnvReader({ METRICS_TOKEN: 'short' }), true)).toThrow('METRICS_TOKEN must be at least 16 characters');
    expect(metricsRoutes({ served: false })).toEqual([]);
  });

  describe('with a token', () => {
    let server: http.Server;
    let base: string;
    beforeAll(async () => {
      server = createHttpServer({ routes: metricsRoutes({ token: TOKEN, served: true }), bodyLimitBytes: 1_000, logger: createLogger({}, 'error') });
      base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    });
    afterAll(() => closeServer(server));

    test('a scrape without it, or with another, gets 401 and no figures', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: TOKEN }] as Record<string, string>[]) {
        const response = await fetch(`${base}/metrics`, { headers });
        expect(response.status).toBe(401);
        expect(await response.text()).not.toContain('process_cpu');
      }
    });

    test('a scrape with it gets the Prometheus text format', async () => {
      const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('# TYPE graphql_operation_duration_seconds histogram');
      expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    });
  });
});
