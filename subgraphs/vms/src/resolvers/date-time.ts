import { badInput } from '@platform/kernel';
import { GraphQLScalarType, Kind } from 'graphql';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  const date = typeof value === 'string' && ISO.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw badInput('DateTime', 'must be an ISO-8601 date and time with a zone, like "2026-01-31T10:00:00Z".');
  return date;
}

/** ISO-8601 in UTC out; ISO-8601 with an explicit zone in. */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parse,
  parseLiteral(ast) {
    return parse(ast.kind === Kind.STRING ? ast.value : null);
  },
});
