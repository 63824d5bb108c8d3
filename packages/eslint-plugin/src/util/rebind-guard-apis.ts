/**
 * One registry of the APIs the rules recognise as Host validation: this project's own packages
 * (adapters, `rebindGuard`, `rebindGuard.optional`, `createGuard`, `guardUpgrades`) and the
 * third-party Host checks (host-validation, the MCP SDK's middleware and transports, v1 and v2
 * package names). Every rule asks these predicates instead of keeping its own module list.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { type ImportContext, type ImportRef, matchesImport, resolveConstNode } from './imports.js';
import { isMatchAllRegexSource, resolveRegex } from './regex.js';

/** The framework adapters of rebind-guard. */
export const REBIND_GUARD_ADAPTERS = ['@rebind-guard/express', '@rebind-guard/koa', '@rebind-guard/fastify'] as const;

/** The framework-free core package. */
export const REBIND_GUARD_CORE = '@rebind-guard/core';

/** Modules that export `guardUpgrades` (the adapters re-export it from `@rebind-guard/core/node`). */
const GUARD_UPGRADES_MODULES = [...REBIND_GUARD_ADAPTERS, '@rebind-guard/core/node'] as const;

/**
 * Is `ref` an adapter's guard factory: `rebindGuard` (named or default export) or
 * `rebindGuard.optional` (Express and Koa)?
 *
 * @example
 * ```ts
 * // import { rebindGuard } from '@rebind-guard/express'; app.use(rebindGuard.optional({ hosts }))
 * isAdapterFactory(resolveImport(context, call.callee)) // true
 * ```
 */
export function isAdapterFactory(ref: ImportRef | undefined): boolean {
  return (
    matchesImport(ref, REBIND_GUARD_ADAPTERS, []) ||
    matchesImport(ref, REBIND_GUARD_ADAPTERS, ['rebindGuard']) ||
    matchesImport(ref, REBIND_GUARD_ADAPTERS, ['optional']) ||
    matchesImport(ref, REBIND_GUARD_ADAPTERS, ['rebindGuard', 'optional'])
  );
}

/**
 * Is `ref` core's `createGuard`?
 *
 * @example
 * ```ts
 * isCreateGuard(resolveImport(context, call.callee)) // true for `createGuard` from '@rebind-guard/core'
 * ```
 */
export function isCreateGuard(ref: ImportRef | undefined): boolean {
  return matchesImport(ref, REBIND_GUARD_CORE, ['createGuard']);
}

/**
 * Is `ref` `guardUpgrades(server, options)` from an adapter or from `@rebind-guard/core/node`?
 *
 * @example
 * ```ts
 * isGuardUpgrades(resolveImport(context, call.callee)) // true for `guardUpgrades` from '@rebind-guard/core/node'
 * ```
 */
export function isGuardUpgrades(ref: ImportRef | undefined): boolean {
  return matchesImport(ref, GUARD_UPGRADES_MODULES, ['guardUpgrades']);
}

/**
 * Where the Host allowlist options of a rebind-guard call sit: index 0 for `rebindGuard(opts)`,
 * `rebindGuard.optional(opts)` and `createGuard(opts)`, index 1 for `guardUpgrades(server, opts)`;
 * `undefined` when `ref` is none of them.
 *
 * @example
 * ```ts
 * const index = guardOptionsIndex(resolveImport(context, call.callee));
 * if (index !== undefined) checkHosts(call.arguments[index]);
 * ```
 */
export function guardOptionsIndex(ref: ImportRef | undefined): number | undefined {
  if (isAdapterFactory(ref) || isCreateGuard(ref)) return 0;
  if (isGuardUpgrades(ref)) return 1;
  return undefined;
}

/** Does `ref` come from `module` or any of its sub-paths (`@modelcontextprotocol/sdk/server/…`)? */
function fromPackage(ref: ImportRef, packages: readonly string[]): boolean {
  return packages.some((name) => ref.module === name || ref.module.startsWith(`${name}/`));
}

/** The MCP TypeScript SDK: v1 (`@modelcontextprotocol/sdk/...`) and the v2 split packages. */
export const MCP_PACKAGES = [
  '@modelcontextprotocol/sdk',
  '@modelcontextprotocol/server',
  '@modelcontextprotocol/server-legacy',
  '@modelcontextprotocol/express',
  '@modelcontextprotocol/node',
  '@modelcontextprotocol/hono',
  '@modelcontextprotocol/fastify',
] as const;

/** MCP SDK exports that validate the Host header (middleware, or app helpers that install it). */
const MCP_HOST_VALIDATORS: ReadonlySet<string> = new Set([
  'hostHeaderValidation',
  'localhostHostValidation',
  'createMcpExpressApp',
  'createMcpHonoApp',
  'createMcpFastifyApp',
]);

/** MCP server transports that take `enableDnsRebindingProtection`. */
const MCP_TRANSPORTS: ReadonlySet<string> = new Set([
  'StreamableHTTPServerTransport',
  'SSEServerTransport',
  'NodeStreamableHTTPServerTransport',
  'WebStandardStreamableHTTPServerTransport',
]);

/** The last name of an import path: `hostHeaderValidation` for `mw.hostHeaderValidation`. */
function exportName(ref: ImportRef): string | undefined {
  return ref.path.length === 1 ? ref.path[0] : undefined;
}

/**
 * Is `ref` an MCP SDK Host validator (`hostHeaderValidation`, `localhostHostValidation`,
 * `createMcpExpressApp`, …) from the v1 package or the v2 packages (`@modelcontextprotocol/express`, …)?
 *
 * @example
 * ```ts
 * // import { hostHeaderValidation } from '@modelcontextprotocol/express';
 * isMcpHostValidator(resolveImport(context, call.callee)) // true
 * ```
 */
export function isMcpHostValidator(ref: ImportRef | undefined): boolean {
  if (ref === undefined || !fromPackage(ref, MCP_PACKAGES)) return false;
  const name = exportName(ref);
  return name !== undefined && MCP_HOST_VALIDATORS.has(name);
}

/**
 * Is `ref` an MCP server transport class that has the `enableDnsRebindingProtection` option
 * (v1 `StreamableHTTPServerTransport` / `SSEServerTransport`, v2 `NodeStreamableHTTPServerTransport`, …)?
 *
 * @example
 * ```ts
 * // import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
 * isMcpTransport(resolveImport(context, newExpression.callee)) // true
 * ```
 */
export function isMcpTransport(ref: ImportRef | undefined): boolean {
  if (ref === undefined || !fromPackage(ref, MCP_PACKAGES)) return false;
  const name = exportName(ref);
  return name !== undefined && MCP_TRANSPORTS.has(name);
}

/**
 * Is `ref` a third-party or rebind-guard Host validator that an app registers as middleware or
 * plugin: a rebind-guard adapter factory, `host-validation`, or an MCP SDK Host validator?
 *
 * @example
 * ```ts
 * if (isHostValidatorFactory(resolveImport(context, call.callee))) facts.validated = true;
 * ```
 */
export function isHostValidatorFactory(ref: ImportRef | undefined): boolean {
  return isAdapterFactory(ref) || matchesImport(ref, 'host-validation', []) || isMcpHostValidator(ref);
}

/** Host allowlist strings that match every host. */
const MATCH_ALL_HOST_STRINGS: ReadonlySet<string> = new Set(['*', '0.0.0.0/0', '::/0', '[::]/0', '0/0']);

/**
 * If `node` is a Host allowlist entry that matches every host (`/.*\/`, `/^.*$/`, `new RegExp('.*')`,
 * `'*'`, `'0.0.0.0/0'`, `'::/0'`), returns its source text for messages; otherwise `undefined`.
 *
 * @example
 * ```ts
 * matchAllHostEntry(context, element) // '/.*\/' for `/.*\/`
 * ```
 */
export function matchAllHostEntry(context: ImportContext, node: TSESTree.Node): string | undefined {
  const regex = resolveRegex(context, node);
  if (regex !== undefined) return isMatchAllRegexSource(regex.pattern) ? `/${regex.pattern}/${regex.flags}` : undefined;
  const resolved = resolveConstNode(context, node);
  if (resolved?.type === AST_NODE_TYPES.Literal && typeof resolved.value === 'string') {
    return MATCH_ALL_HOST_STRINGS.has(resolved.value.trim()) ? resolved.value : undefined;
  }
  return undefined;
}
