/**
 * Framework apps the rules track: which call creates an Express, Koa or Fastify app.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { type ImportContext, matchesImport, resolveImport } from './imports.js';

/** HTTP frameworks whose apps the rules track. */
export type AppFramework = 'express' | 'koa' | 'fastify';

/**
 * Which framework app a call / `new` creates: `express()`, `new Koa()`, `fastify()` /
 * `Fastify({...})` (default or named `fastify` export), resolved through imports.
 *
 * @example
 * ```ts
 * appFrameworkOf(context, node) // 'express' for `const app = express()` with `import express from 'express'`
 * ```
 */
export function appFrameworkOf(
  context: ImportContext,
  node: TSESTree.CallExpression | TSESTree.NewExpression,
): AppFramework | undefined {
  const ref = resolveImport(context, node.callee);
  if (ref === undefined) return undefined;
  if (node.type === AST_NODE_TYPES.CallExpression) {
    if (matchesImport(ref, 'express', [])) return 'express';
    if (matchesImport(ref, 'fastify', []) || matchesImport(ref, 'fastify', ['fastify'])) return 'fastify';
    return undefined;
  }
  if (matchesImport(ref, 'koa', [])) return 'koa';
  return undefined;
}
