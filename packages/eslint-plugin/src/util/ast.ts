/**
 * Generic AST helpers shared by the rules: static member names and literals, method calls,
 * functions (enclosing, resolved, returned values), static booleans, nullish values, globals such
 * as `process.env`, and free names for suggestions. Nothing here knows about HTTP or JWTs.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  findVariableFor,
  type ImportContext,
  isGlobal,
  matchesImport,
  resolveConstNode,
  resolveImport,
  unwrapExpression,
} from './imports.js';

/**
 * Static name of a member access: `a.b` → `'b'`, `a['b']` → `'b'`, `` a[`b`] `` → `'b'`.
 *
 * @example
 * ```ts
 * memberName(node) // 'origin' for `req.headers['origin']`
 * ```
 */
export function memberName(node: TSESTree.MemberExpression): string | undefined {
  const property = node.property;
  if (!node.computed) return property.type === AST_NODE_TYPES.Identifier ? property.name : undefined;
  if (property.type === AST_NODE_TYPES.Literal && typeof property.value === 'string') return property.value;
  if (property.type === AST_NODE_TYPES.TemplateLiteral && property.expressions.length === 0) {
    return property.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/** A method call `object.method(...args)` (optional chaining and TS wrappers allowed). */
export interface MethodCall {
  /** The call. */
  call: TSESTree.CallExpression;
  /** The object the method is read from, unwrapped. */
  object: TSESTree.Node;
  /** The method name. */
  method: string;
}

/**
 * Describes `node` as a method call when it is one.
 *
 * @example
 * ```ts
 * asMethodCall(node)?.method // 'startsWith' for `origin?.startsWith('x')`
 * ```
 */
export function asMethodCall(node: TSESTree.Node): MethodCall | undefined {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = unwrapExpression(unwrapped.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const method = memberName(callee);
  if (method === undefined) return undefined;
  return { call: unwrapped, object: unwrapExpression(callee.object), method };
}

/**
 * Is the identifier `name` free to be introduced at module level and referenced from `node`:
 * not declared in any enclosing scope and not referenced anywhere as an unresolved global.
 *
 * @example
 * ```ts
 * if (isNameFree(context, node, 'parseBearer')) { ... add an import ... }
 * ```
 */
export function isNameFree(
  context: Readonly<Pick<TSESLint.RuleContext<string, readonly unknown[]>, 'sourceCode'>>,
  node: TSESTree.Node,
  name: string,
): boolean {
  const scope = context.sourceCode.getScope(node);
  if (ASTUtils.findVariable(scope, name) !== null) return false;
  let global: TSESLint.Scope.Scope = scope;
  while (global.upper !== null) global = global.upper;
  if (global.through.some((reference) => reference.identifier.name === name)) return false;
  // Declared in some unrelated nested scope is fine; declared at module level is caught above.
  return true;
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

/** Function-like nodes whose bodies the rules inspect. */
export type FunctionNode =
  TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

/**
 * Is `node` a function or the Program: where a walk up from an expression leaves its scope?
 *
 * @example
 * ```ts
 * isFunctionOrProgram(node) // true for `(req, res) => { ... }`
 * ```
 */
export function isFunctionOrProgram(node: TSESTree.Node): node is FunctionNode | TSESTree.Program {
  return (
    node.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node.type === AST_NODE_TYPES.FunctionDeclaration ||
    node.type === AST_NODE_TYPES.FunctionExpression ||
    node.type === AST_NODE_TYPES.Program
  );
}

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
    if (isFunctionOrProgram(current)) return current;
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
  if (def?.type === TSESLint.Scope.DefinitionType.FunctionName && def.node.type === AST_NODE_TYPES.FunctionDeclaration)
    return def.node;
  if (
    def?.type === TSESLint.Scope.DefinitionType.Variable &&
    def.node.init !== null &&
    def.node.parent.kind === 'const'
  ) {
    const init = unwrapExpression(def.node.init);
    if (init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression)
      return init;
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
    if (statement.type === AST_NODE_TYPES.ReturnStatement && statement.argument !== null)
      results.push(statement.argument);
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
  if (!statements.slice(0, -1).every((statement) => statement.type === AST_NODE_TYPES.VariableDeclaration))
    return undefined;
  if (last?.type === AST_NODE_TYPES.ReturnStatement && last.argument !== null)
    return { kind: 'return', node: last.argument };
  if (last?.type === AST_NODE_TYPES.ExpressionStatement) return { kind: 'expression', node: last.expression };
  return undefined;
}

/**
 * Is `node` statically `null`, the global `undefined` or `void …`? (An empty string is not
 * nullish; callers that also want `''` test it with {@link literalString}.)
 *
 * @example
 * ```ts
 * isNullish(context, node) // true for `undefined` in `jwt.verify(token, key, undefined)`
 * ```
 */
export function isNullish(context: ImportContext, raw: TSESTree.Node): boolean {
  const node = unwrapExpression(raw);
  if (node.type === AST_NODE_TYPES.Literal) return node.value === null && !('regex' in node);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === 'undefined' && isGlobal(context, node);
  return node.type === AST_NODE_TYPES.UnaryExpression && node.operator === 'void';
}

/**
 * Is `node` `process.env` (the global `process`, or `process` imported from 'process' /
 * 'node:process')?
 *
 * @example
 * ```ts
 * isProcessEnv(context, member.object) // true for the object of `process.env.JWT_SECRET`
 * ```
 */
export function isProcessEnv(context: ImportContext, raw: TSESTree.Node): boolean {
  const env = unwrapExpression(raw);
  if (env.type !== AST_NODE_TYPES.MemberExpression || memberName(env) !== 'env') return false;
  const base = unwrapExpression(env.object);
  if (base.type !== AST_NODE_TYPES.Identifier) return false;
  if (base.name === 'process' && isGlobal(context, base)) return true;
  return matchesImport(resolveImport(context, base), 'process', []);
}
