import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { maskError, type Logger } from '@platform/kernel';
import { isGatewayContext } from './context.ts';

/**
 * Extension keys a subgraph error may carry that describe the inside of the platform: the subgraph's
 * URL and raw response (`response`, set by the data source on HTTP errors), which service answered,
 * and debugging detail. Stripped even from errors whose code is public.
 */
const INTERNAL_EXTENSIONS = ['response', 'serviceName', 'stacktrace', 'exception', 'http'] as const;

export interface ErrorMasking {
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Remembers each error's request id, so the masked message can name it. */
  readonly plugin: ApolloServerPlugin;
}

/**
 * The kernel's masking, then nothing internal left in extensions. formatError sees only the error, so
 * a plugin maps each error object to its request id first. (Errors the gateway raises for a failed
 * fetch are plain Errors, not GraphQLErrors: nothing may be written onto them.)
 */
export function gatewayErrorMasking(logger: Logger): ErrorMasking {
  const requestIds = new WeakMap<object, string>();
  return {
    formatError(formatted, error) {
      const requestId = typeof error === 'object' && error !== null ? requestIds.get(error) : undefined;
      const masked = maskError(formatted, error, logger, requestId);
      if (!masked.extensions) return masked;
      const extensions: Record<string, unknown> = { ...masked.extensions };
      for (const key of INTERNAL_EXTENSIONS) delete extensions[key];
      return { ...masked, extensions };
    },
    plugin: {
      async requestDidStart() {
        return {
          async didEncounterErrors({ contextValue, errors }) {
            if (!isGatewayContext(contextValue)) return;
            for (const error of errors) if (typeof error === 'object' && error !== null) requestIds.set(error, contextValue.requestId);
          },
        };
      },
    },
  };
}
