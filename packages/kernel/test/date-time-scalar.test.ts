import { Kind } from 'graphql';
import type { GraphQLError } from 'graphql';
import { expect, test } from 'vitest';
import { DateTimeScalar } from '../src/index.ts';

test('serializes a Date as ISO-8601 UTC', () => {
  expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 0, 31, 10, 0, 0, 5)))).toBe('2026-01-31T10:00:00.005Z');
  expect(() => DateTimeScalar.serialize(new Date(NaN))).toThrow('DateTime cannot represent an invalid date');
  expect(() => DateTimeScalar.serialize(42)).toThrow('DateTime cannot represent an invalid date');
});

test('parses ISO-8601 with a zone into a Date, from variables and literals', () => {
  const parsed = DateTimeScalar.parseValue('2026-01-31T12:00:00+02:00');
  expect(parsed).toBeInstanceOf(Date);
  expect(parsed.toISOString()).toBe('2026-01-31T10:00:00.000Z');
  expect(DateTimeScalar.parseValue('2026-01-31T10:00Z').toISOString()).toBe('2026-01-31T10:00:00.000Z');
  expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2026-01-31T10:00:00.123456Z' }, {}).toISOString()).toBe('2026-01-31T10:00:00.123Z');
});

test('refuses a local time, a bare date, nonsense and non-strings as bad input', () => {
  const message = 'DateTime: must be an ISO-8601 date and time with a zone, like "2026-01-31T10:00:00Z".';
  for (const bad of ['2026-01-31T10:00:00', '2026-01-31', 'yesterday', '2026-13-45T10:00:00Z', 1738317600000]) {
    let error: GraphQLError | undefined;
    try {
      DateTimeScalar.parseValue(bad);
    } catch (e) {
      error = e as GraphQLError;
    }
    expect(error?.message).toBe(message);
    expect(error?.extensions['code']).toBe('BAD_USER_INPUT');
  }
  expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' }, {})).toThrow(message);
});
