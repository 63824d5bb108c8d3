import type { Linter } from 'eslint';
import { expectTypeOf, test } from 'vitest';
import plugin from '../src/index.js';

test('shipped configs are assignable to ESLint flat config types', () => {
  expectTypeOf(plugin.configs.recommended).toExtend<Linter.Config>();
  expectTypeOf(plugin.configs.strict).toExtend<Linter.Config>();
  expectTypeOf([plugin.configs.recommended]).toExtend<Linter.Config[]>();
});
