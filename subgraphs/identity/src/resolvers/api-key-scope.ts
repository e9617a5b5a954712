import type { ApiKeyScope as Scope } from '@platform/kernel';
import type { ApiKeyScope } from '../__generated__/resolvers-types.ts';

/** GraphQL enum names cannot hold a colon: `VMS_READ` in the schema is `vms:read` everywhere else. */
export const scopeFromEnum = (value: ApiKeyScope): string => value.toLowerCase().replace('_', ':');
export const scopeToEnum = (scope: Scope): ApiKeyScope => scope.toUpperCase().replace(':', '_') as ApiKeyScope;
