/** Standalone gateway: `tsx gateway/src/main.ts --supergraph PATH` (env as in config.ts). */
import { ConfigError, createLogger, startTracing, stopOnSignals } from '@platform/kernel';
import { createGateway, readGatewayConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('gateway');

const bootLogger = createLogger({ service: 'gateway' });
try {
  const config = readGatewayConfig(process.env, process.argv.slice(2));
  const logger = createLogger({}, config.logLevel);
  const gateway = createGateway(config, { logger });
  stopOnSignals(gateway, logger);
  const running = await gateway.start();
  logger.info('gateway ready', { url: running.url, explorer: config.explorer ? running.url : undefined, mode: config.nodeEnv });
} catch (error) {
  if (error instanceof ConfigError) bootLogger.error(error.message);
  else bootLogger.error('gateway failed to start', { error });
  process.exit(1);
}
