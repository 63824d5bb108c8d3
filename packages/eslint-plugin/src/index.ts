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

export type { RebindGuardConfig, RebindGuardConfigs, RebindGuardRuleEntry } from './configs.js';
export type { RebindGuardRuleDocs } from './util/create-rule.js';

// src/index.ts and dist/index.js both sit one level below package.json, so the version is read
// from the one source of truth instead of being copied.
const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/**
 * The plugin object: register it under `@rebind-guard` or use one of its `configs`.
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
  rules: typeof rules;
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
