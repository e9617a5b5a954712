import type { ApiKeyResolvers, CreatedApiKeyResolvers } from '../__generated__/resolvers-types.ts';
import { scopeToEnum } from './api-key-scope.ts';

export const ApiKey: ApiKeyResolvers = {
  organization: (key) => ({ id: key.organizationId }),
  owner: (key, _args, ctx) => ctx.loaders.visibleUser.load(key.ownerUserId),
  scopes: (key) => key.scopes.map(scopeToEnum),
};

export const CreatedApiKey: CreatedApiKeyResolvers = {};
