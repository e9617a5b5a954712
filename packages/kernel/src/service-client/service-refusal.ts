import { ERROR_CODES, type ErrorCode } from '../errors.ts';

/**
 * An expected refusal from another subgraph (its error code from the closed set, its message and
 * extensions), as opposed to an outage: callers decide on it (reject, compensate), never retry it.
 */
export class ServiceRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
