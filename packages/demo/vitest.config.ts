import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@rebind-guard/demo',
    include: ['test/**/*.test.ts'],
  },
});
