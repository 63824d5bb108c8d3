import { ESLintUtils } from '@typescript-eslint/utils';

/** Base URL of the documentation site; every rule's `meta.docs.url` is derived from it. */
export const DOCS_BASE_URL = 'https://rebind-guard.dev';

/** Extra `meta.docs` fields of rebind-guard rules; the configs are derived from them. */
export interface RebindGuardRuleDocs {
  /** One-sentence description; must equal the first paragraph of the rule's doc page. */
  description: string;
  /** `true`: the rule is in `configs.recommended` (high precision). Every rule is in `configs.strict`. */
  recommended?: boolean;
  /** Options used by `configs.strict` when they differ from the defaults. */
  strictOptions?: readonly unknown[];
}

/**
 * The one rule factory of the plugin. Docs URLs are derived from the rule name.
 *
 * @example
 * ```ts
 * export default createRule({ name: 'my-rule', meta: { ... }, defaultOptions: [], create(context) { return {}; } });
 * ```
 */
export const createRule = ESLintUtils.RuleCreator<RebindGuardRuleDocs>((name) => `${DOCS_BASE_URL}/rules/${name}`);
