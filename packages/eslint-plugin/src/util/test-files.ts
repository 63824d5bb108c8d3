import path from 'node:path';

/**
 * Globs (relative to ESLint's `cwd`) of files treated as tests by rules with an
 * `ignoreTestFiles` option. Documented in the rules' docs; kept in sync with {@link isTestFile}.
 */
export const TEST_FILE_GLOBS: readonly string[] = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/__mocks__/**',
];

const TEST_DIRECTORIES = new Set(['test', 'tests', '__tests__', '__mocks__']);
const TEST_BASENAME = /\.(?:test|spec)\.[^./]+$/u;

/**
 * Does `filename` match one of {@link TEST_FILE_GLOBS}? Directories are matched on the path
 * relative to `cwd`, so a checkout that lives under `/home/me/test/` is not all "test files".
 *
 * @example
 * ```ts
 * isTestFile('/repo/src/auth.test.ts', '/repo') // true
 * isTestFile('/repo/src/auth.ts', '/repo')      // false
 * ```
 */
export function isTestFile(filename: string, cwd: string): boolean {
  const relative = path.isAbsolute(filename) ? path.relative(cwd, filename) : filename;
  const normalized = (relative.startsWith('..') ? filename : relative).replaceAll('\\', '/');
  const segments = normalized.split('/');
  const basename = segments.pop() ?? '';
  if (TEST_BASENAME.test(basename)) return true;
  return segments.some((segment) => TEST_DIRECTORIES.has(segment));
}
