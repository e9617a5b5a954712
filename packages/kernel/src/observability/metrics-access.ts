/**
 * Who may read /metrics. The figures name operations, consumers and error rates: an operator's view,
 * not the public's. With METRICS_TOKEN set, a scrape must send `Authorization: Bearer <token>`.
 * Without it, /metrics is open in development and test, and not served at all in production
 * (read by readMetricsAccess in config.ts).
 */
export interface MetricsAccess {
  readonly token?: string;
  readonly served: boolean;
}

/** Development default for callers that build a config by hand (tests, the embedded platform). */
export const OPEN_METRICS: MetricsAccess = Object.freeze({ served: true });

export const MIN_METRICS_TOKEN_LENGTH = 16;
