import Module, { isBuiltin } from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
let installed = false;

/**
 * Answers `require('crypto')` and the like before any resolver hook sees it. The services run under
 * tsx, whose CommonJS hook resolves every require() at run time too, builtins included, and builds an
 * Error (a stack trace) while doing so; Apollo Server requires 'crypto' on every request (to hash the
 * query text), which made that hook about 3 % of a subgraph's CPU. Node's own resolver returns a
 * builtin's id unchanged before looking anywhere else, so answering it here changes nothing but the cost.
 */
export function resolveBuiltinsFirst(): void {
  if (installed) return;
  installed = true;
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return typeof request === 'string' && !request.startsWith('node:') && isBuiltin(request) ? request : resolve.call(this, request, ...rest);
  };
}
