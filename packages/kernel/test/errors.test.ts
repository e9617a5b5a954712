import { type GraphQLError } from 'graphql';
import { expect, test } from 'vitest';
import { badInput, createLogger, fail, fieldsUnder, maskError } from '../src/index.ts';

const logged: Record<string, unknown>[] = [];
const quiet = { ...createLogger({}, 'error'), error: (msg: string, fields: Record<string, unknown> = {}) => void logged.push({ msg, ...fields }) };

test('badInput names the field in the message and the extensions', () => {
  const error = badInput('amount', 'must be more than zero.');
  expect(error.message).toBe('amount: must be more than zero.');
  expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
});

test('fieldsUnder puts a domain field under the argument the client wrote', async () => {
  const moved = await fieldsUnder('input', async () => {
    throw badInput('amount', 'must be more than zero.');
  }).catch((e: GraphQLError) => e);
  expect(moved.message).toBe('input.amount: must be more than zero.');
  expect(moved.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
  // Already a path under the argument, no field, or not a GraphQL error: unchanged.
  const already = badInput('input.name', 'x');
  expect(await fieldsUnder('input', async () => Promise.reject(already)).catch((e) => e)).toBe(already);
  const plain = fail('FORBIDDEN', 'no');
  expect(await fieldsUnder('input', async () => Promise.reject(plain)).catch((e) => e)).toBe(plain);
  expect(await fieldsUnder('input', async () => 42)).toBe(42);
});

test('maskError keeps expected errors without internals and hides everything else behind the request id', () => {
  const expected = maskError({ message: 'amount: bad', extensions: { code: 'BAD_USER_INPUT', field: 'amount', stacktrace: ['at x'] } }, null, quiet, 'req-1');
  expect(expected).toEqual({ message: 'amount: bad', extensions: { code: 'BAD_USER_INPUT', field: 'amount' } });
  const internal = maskError(
    { message: 'relation "wallets" does not exist at postgres://u:p@db/x', path: ['wallet'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    new Error('boom'),
    quiet,
    'req-2',
  );
  expect(internal).toEqual({ message: 'Internal error (request req-2)', path: ['wallet'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-2' } });
  expect(JSON.stringify(internal)).not.toMatch(/postgres|relation|boom/);
  expect(logged).toEqual([expect.objectContaining({ msg: 'masked error', requestId: 'req-2' })]); // the cause goes to the log
});
