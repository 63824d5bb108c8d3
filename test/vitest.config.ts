import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rebind-guard/test',
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'artifacts/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
