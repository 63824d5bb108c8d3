import type { RebindGuardRuleDocs } from './util/create-rule.js';

/** The namespace the plugin is registered under; rule ids are `@rebind-guard/<rule>`. */
export const PLUGIN_NAMESPACE = '@rebind-guard';

/** The part of a rule the configs are derived from. */
export interface ConfigurableRule {
  meta: { docs?: Partial<RebindGuardRuleDocs> | undefined };
}

/**
 * A rule entry of the shipped configs: `'error'` or `['error', ...options]`.
 *
 * @example
 * ```ts
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * const entry = rebindGuard.configs.strict.rules['@rebind-guard/require-jwt-verify-options']; // ['error', { requireIssuer: true }]
 * ```
 */
export type RebindGuardRuleEntry = 'error' | ['error', ...unknown[]];

/**
 * A flat config shipped by the plugin. Deliberately structural (no `eslint` or typescript-eslint
 * config types) so that it is assignable to the config types of ESLint 9 and 10, `defineConfig`
 * and typescript-eslint alike.
 *
 * @example
 * ```ts
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * const config = rebindGuard.configs.recommended; // { name, plugins: { '@rebind-guard': plugin }, rules }
 * ```
 */
export interface RebindGuardConfig {
  name: string;
  plugins: Record<string, object>;
  rules: Record<string, RebindGuardRuleEntry>;
}

/**
 * The flat configs shipped by the plugin: `recommended` (high-precision rules) and `strict` (all
 * rules, stricter options).
 *
 * @example
 * ```ts
 * // eslint.config.js
 * import rebindGuard from '@rebind-guard/eslint-plugin';
 * export default [rebindGuard.configs.recommended];
 * ```
 */
export type RebindGuardConfigs = {
  /** High-precision rules (`meta.docs.recommended: true`) with their default options. */
  recommended: RebindGuardConfig;
  /** Every rule; rules with `meta.docs.strictOptions` use those options. */
  strict: RebindGuardConfig;
};

/**
 * Derives `recommended` and `strict` from the rules' `meta.docs` — configs are never kept by hand.
 * Both configs share `plugins`, so the caller can register the plugin object once it exists
 * (`plugins['@rebind-guard'] = plugin`); ESLint requires the same object wherever it is registered.
 *
 * @example
 * ```ts
 * const plugins = {};
 * const configs = buildConfigs(rules, plugins);
 * const plugin = { meta, rules, configs };
 * plugins[PLUGIN_NAMESPACE] = plugin;
 * ```
 */
export function buildConfigs(
  rules: Readonly<Record<string, ConfigurableRule>>,
  plugins: Record<string, object>,
): RebindGuardConfigs {
  const recommended: Record<string, RebindGuardRuleEntry> = {};
  const strict: Record<string, RebindGuardRuleEntry> = {};
  for (const [name, rule] of Object.entries(rules).sort(([a], [b]) => a.localeCompare(b))) {
    const id = `${PLUGIN_NAMESPACE}/${name}`;
    const docs = rule.meta.docs;
    if (docs?.recommended === true) recommended[id] = 'error';
    const strictOptions = docs?.strictOptions;
    strict[id] = strictOptions === undefined || strictOptions.length === 0 ? 'error' : ['error', ...strictOptions];
  }
  return {
    recommended: { name: `${PLUGIN_NAMESPACE}/recommended`, plugins, rules: recommended },
    strict: { name: `${PLUGIN_NAMESPACE}/strict`, plugins, rules: strict },
  };
}
