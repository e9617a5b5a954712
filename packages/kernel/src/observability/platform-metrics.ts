import { counter, histogram, sampledGauge } from './metrics-registry.ts';

/**
 * Every figure the platform reports, in one place (the Grafana dashboard in
 * deploy/observability/ reads these names). Durations in seconds, as Prometheus expects.
 */
export const platformMetrics = {
  /** Per operation: rate is rate(..._count), latency the histogram; at the gateway and in each subgraph. */
  operationDuration: histogram('graphql_operation_duration_seconds', 'GraphQL operations served, by service, operation name and type', [
    'service',
    'operation',
    'type',
  ]),
  operationErrors: counter('graphql_operation_errors_total', 'GraphQL errors answered, by service, operation name and error code', [
    'service',
    'operation',
    'code',
  ]),
  /** The gateway's calls to each subgraph (one per fetch node of a query plan). */
  subgraphRequestDuration: histogram('gateway_subgraph_request_duration_seconds', 'Requests from the gateway to a subgraph, by subgraph', ['subgraph']),
  subgraphErrors: counter(
    'gateway_subgraph_errors_total',
    'Failed subgraph requests and errors in subgraph answers, by subgraph and code (TIMEOUT and UNREACHABLE for transport failures)',
    ['subgraph', 'code'],
  ),
  rateLimitRefusals: counter('gateway_rate_limit_refusals_total', 'Requests refused RATE_LIMITED at the gateway, by principal kind', ['principal']),
  openSubscriptions: sampledGauge('gateway_subscriptions_open', 'Client subscriptions open on the gateway (graphql-ws)', []),
  droppedEvents: counter('gateway_subscription_events_dropped_total', 'Subscription events dropped for clients reading slower than events arrive', []),
  loginThrottled: counter('identity_login_throttled_total', 'Sign-ins refused RATE_LIMITED, by reason (account, address, busy)', ['reason']),
  telemetryPoints: counter('telemetry_points_ingested_total', 'Telemetry data points received on /v1/metrics, stored or not', []),
  telemetryRejected: counter('telemetry_points_rejected_total', 'Telemetry data points rejected (malformed, unknown or invisible VM, duplicate)', []),
  outboxRelayed: counter('outbox_events_relayed_total', 'Outbox rows published to the event bus, by service', ['service']),
  outboxDelay: histogram(
    'outbox_relay_delay_seconds',
    'Time from an outbox row being written to its publication, by service',
    ['service'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  ),
  consumerLag: histogram(
    'events_consumer_lag_seconds',
    'Time from an event occurring to a consumer handling it, by consumer',
    ['consumer'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  ),
  eventsHandled: counter('events_handled_total', 'Event deliveries, by consumer and outcome (ok, failed)', ['consumer', 'outcome']),
  eventsParked: counter('events_parked_total', 'Events parked after repeated failures, by consumer', ['consumer']),
  dbPool: sampledGauge('db_pool_connections', 'Database pool connections by service and state (in_use, idle)', ['service', 'state']),
  dbPoolWaiting: sampledGauge('db_pool_waiting_requests', 'Queries waiting for a pooled database connection, by service', ['service']),
} as const;
