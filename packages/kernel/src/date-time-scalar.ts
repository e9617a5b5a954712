import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from './errors.ts';

// ISO-8601 with a date, a time and an explicit zone (Z or ±hh:mm): an instant, never a local time.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: unknown): Date {
  const date = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) {
    throw badInput('DateTime', 'must be an ISO-8601 date and time with a zone, like "2026-01-31T10:00:00Z".');
  }
  return date;
}

/**
 * The `DateTime` scalar of every subgraph: ISO-8601 with a zone in (as a Date), ISO-8601 UTC out.
 * Codegen maps it to `Date` both ways, so resolvers never convert by hand.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseInstant,
  parseLiteral: (ast) => parseInstant(ast.kind === Kind.STRING ? ast.value : null),
});
