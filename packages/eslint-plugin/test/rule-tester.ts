import * as espree from 'espree';
import { RuleTester, type InvalidTestCase, type ValidTestCase } from '@typescript-eslint/rule-tester';
import * as tsParser from '@typescript-eslint/parser';
import type { RuleModule } from '@typescript-eslint/utils/ts-eslint';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** Cases for one rule. `typescript` cases use TS syntax and run with `@typescript-eslint/parser` only. */
export interface RuleCases<MessageIds extends string, Options extends readonly unknown[]> {
  valid: (ValidTestCase<Options> | string)[];
  invalid: InvalidTestCase<MessageIds, Options>[];
  typescript?: {
    valid: (ValidTestCase<Options> | string)[];
    invalid: InvalidTestCase<MessageIds, Options>[];
  };
}

const espreeTester = new RuleTester({
  languageOptions: {
    // espree is ESLint's default parser; the rule must work without TypeScript.
    parser: espree as never,
    ecmaVersion: 'latest',
    sourceType: 'module',
  },
});

const tsTester = new RuleTester({
  languageOptions: { parser: tsParser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
});

/**
 * Runs one rule's table with both espree and `@typescript-eslint/parser`, and its `typescript`
 * cases with `@typescript-eslint/parser` only.
 */
export function runRule<MessageIds extends string, Options extends readonly unknown[]>(
  name: string,
  rule: RuleModule<MessageIds, Options>,
  cases: RuleCases<MessageIds, Options>,
): void {
  // @typescript-eslint/rule-tester pins its own copy of @typescript-eslint/utils; the rule object is
  // the same at runtime, only the nominal types of the two copies differ.
  const testerRule = rule as unknown as Parameters<typeof espreeTester.run<MessageIds, Options>>[1];
  espreeTester.run(`${name} (espree)`, testerRule, { valid: cases.valid, invalid: cases.invalid });
  tsTester.run(`${name} (typescript-eslint)`, testerRule, {
    valid: [...cases.valid, ...(cases.typescript?.valid ?? [])],
    invalid: [...cases.invalid, ...(cases.typescript?.invalid ?? [])],
  });
}
