/** PostgreSQL error classification, so domains can turn constraint violations into user errors. */
export interface PgError {
  code: string;
  constraint?: string;
  detail?: string;
}

export function isPgError(error: unknown): error is PgError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean =>
  isPgError(error) && error.code === '23505' && (constraint === undefined || error.constraint === constraint);

export const isCheckViolation = (error: unknown, constraint?: string): boolean =>
  isPgError(error) && error.code === '23514' && (constraint === undefined || error.constraint === constraint);

export const isSerializationFailure = (error: unknown): boolean => isPgError(error) && (error.code === '40001' || error.code === '40P01');
