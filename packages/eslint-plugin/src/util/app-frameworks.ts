/**
 * Helpers shared by the CORS, host-check and host-validation rules: recognising framework apps,
 * request `Origin` reads, static booleans and Host allowlist entries that match everything.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  findVariableFor,
  matchesImport,
  resolveConstNode,
  resolveImport,
  unwrapExpression,
  type ImportContext,
  type ImportRef,
} from './imports.js';

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

/**
 * Static name of a member access: `a.b` → 'b', `a['b']` → 'b'; `undefined` when computed from
 * something dynamic.
 *
 * @example
 * ```ts
 * memberName(node) // 'setHeader' for `res.setHeader`
 * ```
 */
export function memberName(node: TSESTree.MemberExpression): string | undefined {
  if (!node.computed) {
    return node.property.type === AST_NODE_TYPES.Identifier ? node.property.name : undefined;
  }
  const property = node.property;
  if (property.type === AST_NODE_TYPES.Literal && typeof property.value === 'string') return property.value;
  if (property.type === AST_NODE_TYPES.TemplateLiteral && property.expressions.length === 0) {
    return property.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/**
 * Static boolean value of a literal or a const bound to one.
 *
 * @example
 * ```ts
 * staticBoolean(context, node) // true for `true` or `CREDENTIALS` (const CREDENTIALS = true)
 * ```
 */
export function staticBoolean(context: ImportContext, node: TSESTree.Node): boolean | undefined {
  const resolved = resolveConstNode(context, node);
  if (resolved?.type === AST_NODE_TYPES.Literal && typeof resolved.value === 'boolean') return resolved.value;
  return undefined;
}

/** Is `value` a static string literal argument equal (case-insensitively) to `expected`? */
function isLiteralString(node: TSESTree.Node | undefined, expected: string): boolean {
  if (node === undefined) return false;
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Literal && typeof unwrapped.value === 'string') {
    return unwrapped.value.toLowerCase() === expected;
  }
  if (unwrapped.type === AST_NODE_TYPES.TemplateLiteral && unwrapped.expressions.length === 0) {
    return unwrapped.quasis[0]?.value.cooked?.toLowerCase() === expected;
  }
  return false;
}

/**
 * Is `node` a direct read of the request's `Origin` header, in the shapes Node frameworks offer?
 * `req.headers.origin`, `req.headers['origin']`, `ctx.header.origin`, `ctx.request.headers.origin`,
 * `req.get('origin')`, `req.header('Origin')`, `ctx.get('Origin')`, `request.headers.get('origin')`.
 * Matching is structural (request objects are parameters, not imports).
 *
 * @example
 * ```ts
 * isRequestOriginRead(node) // true for `req.headers.origin`
 * ```
 */
export function isRequestOriginRead(raw: TSESTree.Node): boolean {
  const node = unwrapExpression(raw);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    if (memberName(node)?.toLowerCase() !== 'origin') return false;
    const object = unwrapExpression(node.object);
    if (object.type !== AST_NODE_TYPES.MemberExpression) return false;
    const holder = memberName(object);
    return holder === 'headers' || holder === 'header';
  }
  if (node.type === AST_NODE_TYPES.CallExpression) {
    const callee = unwrapExpression(node.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const method = memberName(callee);
    if (method !== 'get' && method !== 'header') return false;
    return node.arguments.length === 1 && isLiteralString(node.arguments[0], 'origin');
  }
  return false;
}

/**
 * Does this RegExp source match every string (`.*`, `^.*$`, `.+`, `[\s\S]*`, `(.*)` …)?
 *
 * @example
 * ```ts
 * isMatchAllRegexSource('^.*$') // true
 * ```
 */
export function isMatchAllRegexSource(source: string): boolean {
  let body = source;
  if (body.startsWith('^')) body = body.slice(1);
  if (body.endsWith('$') && !body.endsWith('\\$')) body = body.slice(0, -1);
  for (;;) {
    const group = /^\((?:\?:)?(.*)\)$/su.exec(body);
    if (group?.[1] === undefined) break;
    body = group[1];
  }
  return /^(?:\.|\[\\s\\S\]|\[\\S\\s\]|\[\\w\\W\]|\[\\d\\D\]|\[\^\])[*+]\??$/u.test(body);
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
  const regex = staticRegExp(context, node);
  if (regex !== undefined) return isMatchAllRegexSource(regex.pattern) ? `/${regex.pattern}/${regex.flags}` : undefined;
  const resolved = resolveConstNode(context, node);
  if (resolved?.type === AST_NODE_TYPES.Literal && typeof resolved.value === 'string') {
    return MATCH_ALL_HOST_STRINGS.has(resolved.value.trim()) ? resolved.value : undefined;
  }
  return undefined;
}

/** A statically known regular expression. */
export interface StaticRegExp {
  /** The pattern source, without slashes. */
  pattern: string;
  /** The flags, e.g. 'i'. */
  flags: string;
  /** The RegExp literal node when the expression is (or is a const bound to) a literal. */
  literal?: TSESTree.RegExpLiteral;
}

/**
 * Static RegExp of a regex literal, a const bound to one, or `new RegExp('src', 'flags')` /
 * `RegExp('src')` with the global `RegExp` and static string arguments.
 *
 * @example
 * ```ts
 * staticRegExp(context, node) // { pattern: '.*', flags: '' } for `new RegExp('.*')`
 * ```
 */
export function staticRegExp(context: ImportContext, raw: TSESTree.Node): StaticRegExp | undefined {
  const node = unwrapExpression(raw);
  if (
    (node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.CallExpression) &&
    node.callee.type === AST_NODE_TYPES.Identifier &&
    node.callee.name === 'RegExp' &&
    isGlobal(context, node.callee)
  ) {
    const [patternNode, flagsNode] = node.arguments;
    if (patternNode === undefined || patternNode.type === AST_NODE_TYPES.SpreadElement) return undefined;
    const pattern = resolveConstNode(context, patternNode);
    if (pattern?.type !== AST_NODE_TYPES.Literal || typeof pattern.value !== 'string') return undefined;
    let flags = '';
    if (flagsNode !== undefined) {
      if (flagsNode.type === AST_NODE_TYPES.SpreadElement) return undefined;
      const flagsValue = resolveConstNode(context, flagsNode);
      if (flagsValue?.type !== AST_NODE_TYPES.Literal || typeof flagsValue.value !== 'string') return undefined;
      flags = flagsValue.value;
    }
    return { pattern: pattern.value, flags };
  }
  const resolved = resolveConstNode(context, node);
  if (resolved?.type === AST_NODE_TYPES.Literal && 'regex' in resolved) {
    return { pattern: resolved.regex.pattern, flags: resolved.regex.flags, literal: resolved };
  }
  return undefined;
}

/** Is this identifier unbound in the file (a global such as `RegExp` or `process`)? */
export function isGlobal(context: ImportContext, identifier: TSESTree.Identifier): boolean {
  const variable = findVariableFor(context, identifier);
  return variable === null || variable.defs.length === 0;
}

/**
 * Does `ref` come from a module path under `prefix` (e.g. any '@modelcontextprotocol/sdk/…' entry
 * point) with exactly `path`?
 *
 * @example
 * ```ts
 * matchesModulePrefix(ref, '@modelcontextprotocol/sdk', ['hostHeaderValidation'])
 * ```
 */
export function matchesModulePrefix(ref: ImportRef | undefined, prefix: string, path: readonly string[]): boolean {
  if (ref === undefined) return false;
  if (ref.module !== prefix && !ref.module.startsWith(`${prefix}/`)) return false;
  return ref.path.length === path.length && path.every((segment, index) => ref.path[index] === segment);
}

/** Function-like nodes whose bodies the rules inspect. */
export type FunctionNode =
  | TSESTree.ArrowFunctionExpression
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression;

/**
 * The innermost function enclosing `node`, or the Program for top-level code.
 *
 * @example
 * ```ts
 * enclosingFunction(callNode) // the middleware `(req, res, next) => { ... }`
 * ```
 */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | TSESTree.Program {
  let current: TSESTree.Node | undefined = node.parent;
  while (current !== undefined) {
    if (
      current.type === AST_NODE_TYPES.ArrowFunctionExpression ||
      current.type === AST_NODE_TYPES.FunctionDeclaration ||
      current.type === AST_NODE_TYPES.FunctionExpression ||
      current.type === AST_NODE_TYPES.Program
    ) {
      return current;
    }
    current = current.parent;
  }
  throw new Error('node outside a Program');
}

/**
 * Resolves a node to a function expression/declaration: inline functions, and identifiers bound to
 * a function declaration or a const function expression.
 *
 * @example
 * ```ts
 * resolveFunction(context, originOption) // the arrow of `origin: (ctx) => ctx.get('Origin')`
 * ```
 */
export function resolveFunction(context: ImportContext, raw: TSESTree.Node): FunctionNode | undefined {
  const node = unwrapExpression(raw);
  if (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration
  ) {
    return node;
  }
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = findVariableFor(context, node);
  if (variable?.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (def?.type === TSESLint.Scope.DefinitionType.FunctionName && def.node.type === AST_NODE_TYPES.FunctionDeclaration) return def.node;
  if (def?.type === TSESLint.Scope.DefinitionType.Variable && def.node.init !== null && def.node.parent.kind === 'const') {
    const init = unwrapExpression(def.node.init);
    if (init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression) return init;
  }
  return undefined;
}

/**
 * The expressions a simple function evaluates to: the body of an expression-bodied arrow, or the
 * arguments of the `return` statements directly in its body (not nested blocks or functions).
 *
 * @example
 * ```ts
 * returnedExpressions(fn) // [`ctx.get('Origin')`] for `(ctx) => ctx.get('Origin')`
 * ```
 */
export function returnedExpressions(fn: FunctionNode): TSESTree.Expression[] {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return [fn.body];
  const results: TSESTree.Expression[] = [];
  for (const statement of fn.body.body) {
    if (statement.type === AST_NODE_TYPES.ReturnStatement && statement.argument !== null) results.push(statement.argument);
  }
  return results;
}

/**
 * The object literal a config expression denotes: an object (or const bound to one), or the object
 * returned by a config function (`defineConfig(({ mode }) => ({ ... }))`).
 *
 * @example
 * ```ts
 * configObjects(context, call.arguments[0])
 * ```
 */
export function configObjects(context: ImportContext, node: TSESTree.Node): TSESTree.ObjectExpression[] {
  const resolved = resolveConstNode(context, node);
  if (resolved?.type === AST_NODE_TYPES.ObjectExpression) return [resolved];
  const fn = resolveFunction(context, node);
  if (fn === undefined) return [];
  const objects: TSESTree.ObjectExpression[] = [];
  for (const expression of returnedExpressions(fn)) {
    const value = resolveConstNode(context, expression);
    if (value?.type === AST_NODE_TYPES.ObjectExpression) objects.push(value);
  }
  return objects;
}

/**
 * Fixer ranges that remove one element of an array literal together with its separating comma.
 * Returns `undefined` when the element is the only one (an empty list may change the meaning).
 */
export function elementRemovalRange(
  sourceCode: ImportContext['sourceCode'],
  element: TSESTree.Node,
): [number, number] | undefined {
  const array = element.parent;
  if (array?.type !== AST_NODE_TYPES.ArrayExpression || array.elements.length < 2) return undefined;
  const index = array.elements.indexOf(element as TSESTree.Expression);
  if (index === -1) return undefined;
  const after = sourceCode.getTokenAfter(element);
  if (index < array.elements.length - 1 && after?.value === ',') {
    const next = sourceCode.getTokenAfter(after);
    return [element.range[0], next === null ? after.range[1] : next.range[0]];
  }
  const before = sourceCode.getTokenBefore(element);
  if (before?.value === ',') return [before.range[0], element.range[1]];
  return undefined;
}

/**
 * Fixer range that removes one property of an object literal together with its comma.
 */
export function propertyRemovalRange(
  sourceCode: ImportContext['sourceCode'],
  property: TSESTree.Property,
): [number, number] | undefined {
  const object = property.parent;
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  const after = sourceCode.getTokenAfter(property);
  const before = sourceCode.getTokenBefore(property);
  if (after?.value === ',') {
    const next = sourceCode.getTokenAfter(after);
    return [property.range[0], next === null ? after.range[1] : next.range[0]];
  }
  if (before?.value === ',') return [before.range[0], property.range[1]];
  // The only property: `{ credentials: true }` → `{}`.
  return [property.range[0], property.range[1]];
}

/**
 * The one thing a straight-line function does: its expression body, or the last statement of a
 * block made only of variable declarations followed by one `return x` (`kind: 'return'`) or one
 * expression statement (`kind: 'expression'`). Functions with branches yield `undefined`.
 *
 * @example
 * ```ts
 * soleResult(fn) // { kind: 'expression', node: `cb(null, true)` } for `(o, cb) => { cb(null, true); }`
 * ```
 */
export function soleResult(fn: FunctionNode): { kind: 'return' | 'expression'; node: TSESTree.Node } | undefined {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return { kind: 'return', node: fn.body };
  const statements = fn.body.body;
  const last = statements[statements.length - 1];
  if (!statements.slice(0, -1).every((statement) => statement.type === AST_NODE_TYPES.VariableDeclaration)) return undefined;
  if (last?.type === AST_NODE_TYPES.ReturnStatement && last.argument !== null) return { kind: 'return', node: last.argument };
  if (last?.type === AST_NODE_TYPES.ExpressionStatement) return { kind: 'expression', node: last.expression };
  return undefined;
}
