import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { resolveBuiltinsFirst } from '../src/http/builtin-resolution.ts';

test('with builtins answered first, require() still gives the same modules and paths as before', () => {
  const require = createRequire(import.meta.url);
  const before = { pg: require.resolve('pg'), graphql: require.resolve('graphql') };
  resolveBuiltinsFirst();
  resolveBuiltinsFirst(); // twice is once
  expect(require('crypto')).toBe(crypto);
  expect(require('node:fs')).toBe(fs);
  expect(require.resolve('crypto')).toBe('crypto');
  expect(require.resolve('pg')).toBe(before.pg);
  expect(require.resolve('graphql')).toBe(before.graphql);
  expect(() => require.resolve('no-such-package-anywhere')).toThrow(/Cannot find module/);
});
