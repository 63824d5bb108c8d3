// The plugin object and its configs must type-check wherever users put them: `eslint.config.ts`
// or a `// @ts-check` config, on every supported ESLint major (issue 13). ESLint 9 and 10 ship
// their own types (`eslint9` is an npm alias of ESLint 9); ESLint 8.57 is typed by @types/eslint 8
// (`@types/eslint8`, an alias, so TypeScript resolves it for the module name `eslint8`).
import type { ESLint as ESLint10, Linter as Linter10 } from 'eslint';
import { defineConfig as defineConfig10 } from 'eslint/config';
import type { ESLint as ESLint9, Linter as Linter9 } from 'eslint9';
import { defineConfig as defineConfig9 } from 'eslint9/config';
import type { ESLint as ESLint8, Linter as Linter8 } from 'eslint8';
import type { TSESLint } from '@typescript-eslint/utils';
import { expectTypeOf, test } from 'vitest';
import plugin, { type RebindGuardRuleName } from '../src/index.js';

test('shipped configs are flat configs of ESLint 8.57, 9 and 10', () => {
  expectTypeOf(plugin.configs.recommended).toExtend<Linter10.Config>();
  expectTypeOf(plugin.configs.strict).toExtend<Linter10.Config>();
  expectTypeOf([plugin.configs.recommended]).toExtend<Linter10.Config[]>();
  expectTypeOf(plugin.configs.recommended).toExtend<Linter9.Config>();
  expectTypeOf(plugin.configs.strict).toExtend<Linter9.Config>();
  expectTypeOf(plugin.configs.recommended).toExtend<Linter8.FlatConfig>();
  expectTypeOf(plugin.configs.strict).toExtend<Linter8.FlatConfig>();
});

test('the plugin object is an ESLint.Plugin of ESLint 8.57, 9 and 10', () => {
  expectTypeOf(plugin).toExtend<ESLint10.Plugin>();
  expectTypeOf(plugin).toExtend<ESLint9.Plugin>();
  expectTypeOf(plugin).toExtend<ESLint8.Plugin>();
});

test("the README's `plugins: { '@rebind-guard': rebindGuard }` type-checks (TS2322 before issue 13)", () => {
  const custom = {
    plugins: { '@rebind-guard': plugin },
    rules: { '@rebind-guard/require-jwt-verify-options': ['error', { requireIssuer: true }] },
  } satisfies Linter10.Config & Linter9.Config & Linter8.FlatConfig;
  expectTypeOf(custom.plugins['@rebind-guard']).toEqualTypeOf(plugin);
  const configs10: Linter10.Config[] = [plugin.configs.recommended, custom];
  const configs9: Linter9.Config[] = [plugin.configs.recommended, custom];
  const configs8: Linter8.FlatConfig[] = [plugin.configs.recommended, custom];
  expectTypeOf(configs10).toBeArray();
  expectTypeOf(configs9).toBeArray();
  expectTypeOf(configs8).toBeArray();
});

test("defineConfig (ESLint 9 and 10) and typescript-eslint's flat config types accept the plugin and its configs", () => {
  expectTypeOf(defineConfig10(plugin.configs.recommended, { plugins: { '@rebind-guard': plugin } })).toBeArray();
  expectTypeOf(defineConfig9(plugin.configs.strict, { plugins: { '@rebind-guard': plugin } })).toBeArray();
  expectTypeOf(plugin).toExtend<TSESLint.FlatConfig.Plugin>();
  expectTypeOf(plugin.configs.strict).toExtend<TSESLint.FlatConfig.Config>();
});

test('rules are keyed by their names; their meta is typed', () => {
  expectTypeOf(plugin.rules['require-host-validation'].meta.type).toEqualTypeOf<'problem' | 'suggestion' | 'layout'>();
  expectTypeOf<RebindGuardRuleName>().toExtend<string>();
  expectTypeOf<'require-jwt-verify-options'>().toExtend<RebindGuardRuleName>();
  expectTypeOf<'no-such-rule'>().not.toExtend<RebindGuardRuleName>();
  // @ts-expect-error: not a rule of the plugin
  expectTypeOf(plugin.rules['no-such-rule']).toBeObject();
});
