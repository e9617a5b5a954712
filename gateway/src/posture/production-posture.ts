import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GatewayContext } from '../context.ts';

/** Response extensions that describe how the server ran an operation (timings, plans): never sent. */
const TRACING_EXTENSIONS = ['tracing', 'ftv1', 'queryPlan', 'cacheControl'];

/**
 * The gateway's HTTP posture (DESIGN §3: standalone is production, `npm start` development).
 * Both modes: CSRF prevention (a GET or a simple POST needs a JSON content type or a preflight
 * header, so a browser on another site cannot send one with the user's cookies), mutations only over
 * POST (Apollo refuses them over GET), no batched requests, no tracing data, no CDN landing page (the
 * explorer is ours, explorer-routes.ts). Production adds: no "Did you mean …?" suggestions, which
 * would spell out the schema to anonymous callers (introspection itself: introspection-guard.ts).
 */
export function postureOptions(production: boolean) {
  return {
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      noTracingData(),
      unknownOperationRefused(),
    ] as ApolloServerPlugin<GatewayContext>[],
  };
}

function noTracingData(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.extensions) return;
          const extensions = { ...response.body.singleResult.extensions };
          for (const key of TRACING_EXTENSIONS) delete extensions[key];
          response.body.singleResult.extensions = Object.keys(extensions).length > 0 ? extensions : undefined;
        },
      };
    },
  };
}

/**
 * An operationName the document does not define (an explorer tab sending a stale name, a typo) would
 * reach the gateway's executor and come back as an internal error: refuse it up front, naming it.
 */
function unknownOperationRefused(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const name = request.operationName;
          const message = name ? `Unknown operation named "${name}".` : 'Must provide an operation name: the document defines several.';
          throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
        },
      };
    },
  };
}
