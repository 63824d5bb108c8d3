/**
 * `@rebind-guard/eslint-plugin`: ESLint rules that catch DNS rebinding, Host, Origin and
 * Bearer/JWT mistakes.
 *
 * @example
 * ```js
 * // eslint.config.js
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * export default [rebindGuard.configs.recommended];
 * ```
 *
 * @packageDocumentation
 */
import { createRequire } from 'node:module';
import { buildConfigs, PLUGIN_NAMESPACE, type RebindGuardConfigs } from './configs.js';
import { rules } from './rules/index.js';
import type { RebindGuardRuleDocs } from './util/create-rule.js';

export type { RebindGuardConfig, RebindGuardConfigs, RebindGuardRuleEntry } from './configs.js';
export type { RebindGuardRuleDocs } from './util/create-rule.js';

// src/index.ts and dist/index.js both sit one level below package.json, so the version is read
// from the one source of truth instead of being copied.
const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The name of a rule of the plugin; its id is `@rebind-guard/<name>`.
 */
export type RebindGuardRuleName = keyof typeof rules;

/**
 * The typed part of a rule's `meta`. ESLint reads the whole `meta` object at run time (schema,
 * default options, …); this is what the plugin promises to TypeScript users.
 *
 * @example
 * ```ts
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * const url = rebindGuard.rules['no-jwt-none-algorithm'].meta.docs?.url; // the rule's docs page
 * ```
 */
export interface RebindGuardRuleMeta {
  type: 'problem' | 'suggestion' | 'layout';
  docs?: (RebindGuardRuleDocs & { url?: string | undefined }) | undefined;
  messages: Record<string, string>;
  hasSuggestions?: boolean | undefined;
}

/**
 * A rule visitor as the plugin exposes it: selector → listener. The listener type is declared with
 * method syntax so that TypeScript compares its parameters bivariantly: the rules' typed
 * typescript-eslint listeners fit it, and it fits the visitor types of ESLint 8.57, 9 and 10.
 */
export interface RebindGuardRuleVisitor {
  [selector: string]: { listener(...args: unknown[]): void }['listener'] | undefined;
}

/**
 * A rule of the plugin, typed minimally (the way typescript-eslint types its own plugin object)
 * so that it is assignable to `ESLint.Plugin['rules']` of ESLint 8.57 (`@types/eslint`), 9 and 10.
 * `create` is for ESLint to call; its `context` is typed `unknown` because each ESLint major (and
 * typescript-eslint) types the rule context differently.
 *
 * @example
 * ```ts
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * const description = rebindGuard.rules['require-host-validation'].meta.docs?.description;
 * ```
 */
export interface RebindGuardRule {
  meta: RebindGuardRuleMeta;
  create(context: unknown): RebindGuardRuleVisitor;
}

/**
 * The plugin object: register it under `@rebind-guard` or use one of its `configs`. Its type is
 * accepted wherever ESLint 8.57, 9 and 10 type a plugin (`ESLint.Plugin`, the `plugins` of
 * `Linter.Config` / `Linter.FlatConfig`, `defineConfig`), so `eslint.config.ts` and `// @ts-check`
 * configs type-check.
 *
 * @example
 * ```ts
 * // eslint.config.js
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * export default [
 *   rebindGuard.configs.recommended,
 *   { rules: { '@rebind-guard/no-untrusted-host-header': 'error' } },
 * ];
 * ```
 */
export interface RebindGuardPlugin {
  meta: { name: string; version: string };
  rules: Record<RebindGuardRuleName, RebindGuardRule>;
  configs: RebindGuardConfigs;
}

const plugins: Record<string, object> = {};

/**
 * The plugin: `meta`, `rules` (keyed by rule name) and flat `configs` (`recommended`, `strict`).
 *
 * @example
 * ```js
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * export default [rebindGuard.configs.strict];
 * ```
 */
const plugin: RebindGuardPlugin = {
  meta: { name: packageJson.name, version: packageJson.version },
  rules,
  configs: buildConfigs(rules, plugins),
};
plugins[PLUGIN_NAMESPACE] = plugin;

export default plugin;

// `require('@rebind-guard/eslint-plugin')` (require(esm), Node >= 20.19) returns this export
// instead of the module namespace, so `eslint.config.cjs`, eslintrc and other CommonJS callers get
// the plugin itself: `const rebindGuard = require('@rebind-guard/eslint-plugin')`. TypeScript >= 5.9
// types that require() as the plugin; older TypeScript and transpiled code without interop helpers
// read `require(...).default`, which the plugin keeps answering (with itself) so they work too.
Object.defineProperty(plugin, 'default', { value: plugin, enumerable: true });
export { plugin as 'module.exports' };
