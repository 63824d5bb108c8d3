import { describe, expect, it } from 'vitest';
import { isTestFile, TEST_FILE_GLOBS } from '../../src/util/test-files.js';

describe('isTestFile', () => {
  it.each([
    ['/repo/src/auth.test.ts', true],
    ['/repo/src/auth.spec.js', true],
    ['/repo/test/helpers.js', true],
    ['/repo/tests/helpers.js', true],
    ['/repo/src/__tests__/auth.js', true],
    ['/repo/src/__mocks__/jwt.js', true],
    ['src/auth.test.mjs', true],
    ['C:\\repo\\src\\auth.spec.ts', true],
    ['/repo/src/auth.ts', false],
    ['/repo/src/testing.ts', false],
    ['/repo/src/latest/auth.ts', false],
    ['/repo/src/contest.test-utils.ts', false],
  ])('%s → %s', (file, expected) => {
    expect(isTestFile(file, '/repo')).toBe(expected);
  });

  it('matches directories relative to cwd only', () => {
    expect(isTestFile('/home/me/test/project/src/auth.ts', '/home/me/test/project')).toBe(false);
    expect(isTestFile('/elsewhere/test/auth.ts', '/repo')).toBe(true);
  });

  it('documents its globs', () => {
    expect(TEST_FILE_GLOBS).toEqual([
      '**/*.test.*',
      '**/*.spec.*',
      '**/test/**',
      '**/tests/**',
      '**/__tests__/**',
      '**/__mocks__/**',
    ]);
  });
});
