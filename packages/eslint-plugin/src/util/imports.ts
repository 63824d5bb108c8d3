/**
 * Import tracking and static value resolution shared by every rule.
 *
 * Rules never match bare names: they resolve an expression to the import it denotes through
 * scope analysis (`context.sourceCode.getScope(node)`), so a local variable that shadows an import
 * never matches. Anything that cannot be resolved statically yields `undefined` (or
 * `{ unknown: true }`), and rules stay silent on it.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';

const { DefinitionType } = TSESLint.Scope;

/** The part of a rule context the helpers need; any `RuleContext` is assignable to it. */
export type ImportContext = Readonly<Pick<TSESLint.RuleContext<string, readonly unknown[]>, 'sourceCode'>>;

/**
 * What an expression denotes: an export of a module, possibly a property path below it.
 *
 * @example
 * ```ts
 * // const { verify: v } = require('jsonwebtoken'); v(...)
 * const ref: ImportRef = { module: 'jsonwebtoken', path: ['verify'] };
 * ```
 */
export interface ImportRef {
  /** Module specifier as written, e.g. 'jsonwebtoken', '@fastify/jwt', 'node:crypto'. */
  module: string;
  /**
   * Property path below the module's export: [] is the module itself (namespace / default /
   * whole require), ['verify'] is jwt.verify / import { verify } / const { verify } = require(...).
   * A default import of a CommonJS module is []; `import { default as x }` is also [], and a
   * `.default` read directly on a module value is folded away (`require('x').default` is []).
   */
  path: string[];
}

/**
 * Result of {@link findProperty}.
 * - `{ found: true, value, property }`: the key is present; `value` is the raw value node (pass it
 *   to {@link resolveConstNode} to follow const identifiers).
 * - `{ found: false }`: the key is definitely absent.
 * - `{ unknown: true }`: the object (or a spread / computed key in it) cannot be resolved; rules
 *   must stay silent about a "missing" property.
 */
export type PropertyLookup =
  | { found: true; unknown?: undefined; value: TSESTree.Node; property: TSESTree.Property }
  | { found: false; unknown?: undefined }
  | { found?: undefined; unknown: true };

/** Maximum alias-following depth; guards against cycles such as `const a = b, b = a`. */
const MAX_DEPTH = 24;

const NOT_FOUND: PropertyLookup = Object.freeze({ found: false });
const UNKNOWN: PropertyLookup = Object.freeze({ unknown: true });

/**
 * Strips wrappers that do not change the runtime value: TS `as` / `satisfies` / `!` / `<T>x`,
 * `ChainExpression` (`a?.b`), and comma sequences (`(0, x.y)` evaluates to `x.y`).
 *
 * @example
 * ```ts
 * unwrapExpression(node) // `(0, jwt.verify)` or `jwt.verify!` → the MemberExpression `jwt.verify`
 * ```
 */
export function unwrapExpression(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSSatisfiesExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.TSInstantiationExpression:
        current = current.expression;
        break;
      case AST_NODE_TYPES.ChainExpression:
        current = current.expression;
        break;
      case AST_NODE_TYPES.SequenceExpression: {
        const last = current.expressions[current.expressions.length - 1];
        if (last === undefined) return current;
        current = last;
        break;
      }
      default:
        return current;
    }
  }
}

/**
 * Finds the variable an identifier refers to through scope analysis (never by name alone across
 * scopes: the innermost declaration wins, so shadowing locals are respected).
 *
 * @example
 * ```ts
 * const variable = findVariableFor(context, identifierNode);
 * ```
 */
export function findVariableFor(
  context: ImportContext,
  identifier: TSESTree.Identifier,
): TSESLint.Scope.Variable | null {
  const scope = context.sourceCode.getScope(identifier);
  return ASTUtils.findVariable(scope, identifier);
}

/**
 * The declarator that binds `variable` when it is bound exactly once and never reassigned
 * (`const`, or `let`/`var` without later writes). Otherwise `undefined`.
 */
/**
 * Is the identifier a reference to a global (no declaration in the file), such as `process`,
 * `RegExp` or `URL`?
 *
 * @example
 * ```ts
 * isGlobal(context, callee) // true for `URL` in `new URL(x)` unless the file declares `URL`
 * ```
 */
export function isGlobal(context: ImportContext, identifier: TSESTree.Identifier): boolean {
  const variable = findVariableFor(context, identifier);
  return variable === null || variable.defs.length === 0;
}

function singleAssignmentDeclarator(variable: TSESLint.Scope.Variable): TSESTree.VariableDeclarator | undefined {
  if (variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (def === undefined || def.type !== DefinitionType.Variable) return undefined;
  const declarator = def.node;
  if (declarator.init === null) return undefined;
  if (declarator.parent.kind !== 'const') {
    // `let`/`var`: accept only when the declarator's initialisation is the one and only write.
    for (const reference of variable.references) {
      if (reference.isWrite() && !reference.init) return undefined;
    }
  }
  return declarator;
}

type PatternPath = { path: string[] } | 'unresolvable' | undefined;

/** Path of property keys from the root of a destructuring pattern to `target`. */
function patternPath(pattern: TSESTree.Node, target: TSESTree.Node, prefix: string[]): PatternPath {
  if (pattern === target) return { path: prefix };
  switch (pattern.type) {
    case AST_NODE_TYPES.ObjectPattern: {
      for (const property of pattern.properties) {
        if (property.type === AST_NODE_TYPES.RestElement) {
          if (containsNode(property, target)) return 'unresolvable';
          continue;
        }
        if (!containsNode(property.value, target)) continue;
        const key = staticPropertyKeyOf(property);
        if (key === undefined) return 'unresolvable';
        return patternPath(property.value, target, [...prefix, key]);
      }
      return undefined;
    }
    case AST_NODE_TYPES.AssignmentPattern:
      // `{ verify = fallback }`: the bound value is normally the property; keep the path.
      return patternPath(pattern.left, target, prefix);
    case AST_NODE_TYPES.ArrayPattern:
    case AST_NODE_TYPES.RestElement:
      return containsNode(pattern, target) ? 'unresolvable' : undefined;
    default:
      return undefined;
  }
}

function containsNode(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** Static key of a non-computed property or a computed property with a literal key. */
function staticPropertyKeyOf(
  property: TSESTree.Property | TSESTree.MemberExpression | TSESTree.PropertyDefinition,
): string | undefined {
  const key = property.type === AST_NODE_TYPES.MemberExpression ? property.property : property.key;
  const computed = property.computed;
  if (!computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal) {
    if (typeof key.value === 'string') return key.value;
    if (typeof key.value === 'number') return String(key.value);
    return undefined;
  }
  if (
    computed &&
    key.type === AST_NODE_TYPES.TemplateLiteral &&
    key.expressions.length === 0 &&
    key.quasis[0]?.value.cooked !== undefined &&
    key.quasis[0].value.cooked !== null
  ) {
    return key.quasis[0].value.cooked;
  }
  return undefined;
}

/**
 * Static key of an object `Property` (`a`, `'a'`, `['a']`, `1`) or `undefined` when computed from
 * something dynamic.
 *
 * @example
 * ```ts
 * getPropertyKey(objectExpression.properties[0]) // 'algorithms'
 * ```
 */
export function getPropertyKey(property: TSESTree.Property): string | undefined {
  return staticPropertyKeyOf(property);
}

/** Is this identifier (the callee of a call) Node's `require`, either global or `createRequire(...)`? */
function isRequireIdentifier(context: ImportContext, identifier: TSESTree.Identifier, depth: number): boolean {
  if (identifier.name !== 'require') {
    // `const req = createRequire(import.meta.url)` under another name.
    const variable = findVariableFor(context, identifier);
    return variable !== null && isCreateRequireVariable(context, variable, depth);
  }
  if (isGlobal(context, identifier)) return true; // global / implicit CommonJS `require`
  const variable = findVariableFor(context, identifier);
  return variable !== null && isCreateRequireVariable(context, variable, depth);
}

function isCreateRequireVariable(context: ImportContext, variable: TSESLint.Scope.Variable, depth: number): boolean {
  const declarator = singleAssignmentDeclarator(variable);
  if (declarator?.id.type !== AST_NODE_TYPES.Identifier || declarator.init === null) return false;
  const init = unwrapExpression(declarator.init);
  if (init.type !== AST_NODE_TYPES.CallExpression) return false;
  const ref = resolveImportAt(context, init.callee, depth + 1);
  return matchesImport(ref, 'module', ['createRequire']);
}

/** Static module specifier of `require('x')` / `import('x')`, else undefined. */
function moduleSpecifierOf(context: ImportContext, node: TSESTree.Node, depth: number): string | undefined {
  if (node.type === AST_NODE_TYPES.ImportExpression) {
    return literalString(node.source);
  }
  if (
    node.type === AST_NODE_TYPES.CallExpression &&
    node.callee.type === AST_NODE_TYPES.Identifier &&
    node.arguments.length === 1 &&
    node.arguments[0] !== undefined &&
    isRequireIdentifier(context, node.callee, depth)
  ) {
    return literalString(node.arguments[0]);
  }
  return undefined;
}

/**
 * Static string of a string Literal or an expression-free TemplateLiteral, without following
 * identifiers (see {@link getStaticString} for that); TS wrappers are looked through.
 *
 * @example
 * ```ts
 * literalString(node) // 'Bearer ' for `'Bearer '` or `` `Bearer ` ``
 * ```
 */
export function literalString(raw: TSESTree.Node | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const node = unwrapExpression(raw);
  if (node.type === AST_NODE_TYPES.Literal && typeof node.value === 'string') return node.value;
  if (node.type === AST_NODE_TYPES.TemplateLiteral && node.expressions.length === 0) {
    return node.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

function appendPath(ref: ImportRef | undefined, segments: readonly string[]): ImportRef | undefined {
  if (ref === undefined) return undefined;
  const path = [...ref.path];
  for (const segment of segments) {
    // `ns.default` / `require('x').default` is the module value itself (CJS / ESM interop).
    if (segment === 'default' && path.length === 0) continue;
    path.push(segment);
  }
  return { module: ref.module, path };
}

function resolveImportAt(context: ImportContext, raw: TSESTree.Node, depth: number): ImportRef | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrapExpression(raw);
  switch (node.type) {
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.ImportExpression: {
      const specifier = moduleSpecifierOf(context, node, depth);
      return specifier === undefined ? undefined : { module: specifier, path: [] };
    }
    case AST_NODE_TYPES.AwaitExpression: {
      // `await import('x')` is the namespace of 'x'.
      const argument = unwrapExpression(node.argument);
      return argument.type === AST_NODE_TYPES.ImportExpression
        ? resolveImportAt(context, argument, depth + 1)
        : undefined;
    }
    case AST_NODE_TYPES.MemberExpression: {
      const key = node.computed ? getStaticStringAt(context, node.property, depth + 1) : staticPropertyKeyOf(node);
      if (key === undefined) return undefined;
      return appendPath(resolveImportAt(context, node.object, depth + 1), [key]);
    }
    case AST_NODE_TYPES.Identifier:
      return resolveIdentifierImport(context, node, depth);
    default:
      return undefined;
  }
}

function resolveIdentifierImport(
  context: ImportContext,
  identifier: TSESTree.Identifier,
  depth: number,
): ImportRef | undefined {
  const variable = findVariableFor(context, identifier);
  if (variable === null || variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (def === undefined) return undefined;

  if (def.type === DefinitionType.ImportBinding) {
    const binding = def.node;
    switch (binding.type) {
      case AST_NODE_TYPES.ImportSpecifier: {
        const declaration = binding.parent;
        if (declaration.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
        if (declaration.importKind === 'type' || binding.importKind === 'type') return undefined;
        const imported =
          binding.imported.type === AST_NODE_TYPES.Identifier ? binding.imported.name : binding.imported.value;
        return { module: declaration.source.value, path: imported === 'default' ? [] : [imported] };
      }
      case AST_NODE_TYPES.ImportDefaultSpecifier:
      case AST_NODE_TYPES.ImportNamespaceSpecifier: {
        const declaration = binding.parent;
        if (declaration.importKind === 'type') return undefined;
        return { module: declaration.source.value, path: [] };
      }
      case AST_NODE_TYPES.TSImportEqualsDeclaration: {
        // `import jwt = require('jsonwebtoken')`
        if (binding.importKind === 'type') return undefined;
        const reference = binding.moduleReference;
        if (reference.type !== AST_NODE_TYPES.TSExternalModuleReference) return undefined;
        const specifier = literalString(reference.expression);
        return specifier === undefined ? undefined : { module: specifier, path: [] };
      }
      default:
        return undefined;
    }
  }

  if (def.type !== DefinitionType.Variable) return undefined;
  const declarator = singleAssignmentDeclarator(variable);
  if (declarator?.init == null) return undefined;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) {
    return resolveImportAt(context, declarator.init, depth + 1);
  }
  const located = patternPath(declarator.id, def.name, []);
  if (located === undefined || located === 'unresolvable') return undefined;
  return appendPath(resolveImportAt(context, declarator.init, depth + 1), located.path);
}

/**
 * Resolves an expression (Identifier, MemberExpression chain, `require('x')`, `await import('x')`,
 * `(0, x.y)`, TS `as`/`!` wrappers) to the import it denotes, following single-assignment aliases
 * (`const v = jwt.verify; const j = jwt`) and destructuring (`const { verify: v } = require('x')`).
 * Uses scope analysis, so a local that shadows an import does not resolve.
 *
 * @returns the import, or `undefined` when it cannot be resolved statically.
 * @example
 * ```ts
 * const ref = resolveImport(context, call.callee);
 * if (matchesImport(ref, 'jsonwebtoken', ['verify'])) { ... }
 * ```
 */
export function resolveImport(context: ImportContext, node: TSESTree.Node): ImportRef | undefined {
  return resolveImportAt(context, node, 0);
}

function normalizeModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

/**
 * Does `ref` denote `module` (one of several modules) and, when given, exactly `path`?
 * `node:` prefixes are ignored on both sides ('node:crypto' matches 'crypto').
 *
 * @example
 * ```ts
 * matchesImport(resolveImport(context, call.callee), 'jsonwebtoken', ['verify'])
 * matchesImport(ref, ['jwt-decode'], []) // the default export / module value
 * ```
 */
export function matchesImport(
  ref: ImportRef | undefined,
  module: string | readonly string[],
  path?: readonly string[],
): boolean {
  if (ref === undefined) return false;
  const modules = typeof module === 'string' ? [module] : module;
  const wanted = normalizeModule(ref.module);
  if (!modules.some((candidate) => normalizeModule(candidate) === wanted)) return false;
  if (path === undefined) return true;
  return path.length === ref.path.length && path.every((segment, index) => ref.path[index] === segment);
}

/**
 * Is `node` a call (or `new`) whose callee resolves to `module` / `path`?
 *
 * @example
 * ```ts
 * if (isImportCall(context, node, 'jsonwebtoken', ['verify'])) { ... }
 * ```
 */
export function isImportCall(
  context: ImportContext,
  node: TSESTree.Node,
  module: string | readonly string[],
  path?: readonly string[],
): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression && node.type !== AST_NODE_TYPES.NewExpression) return false;
  return matchesImport(resolveImport(context, node.callee), module, path);
}

/** Is the object bound to `variable` mutated through a property write or `Object.assign(x, …)`? */
function isMutatedObject(context: ImportContext, variable: TSESLint.Scope.Variable): boolean {
  for (const reference of variable.references) {
    if (reference.init) continue;
    let child: TSESTree.Node = reference.identifier;
    let parent: TSESTree.Node = child.parent;
    // Skip value-preserving wrappers (`(opts as X).a = …`, `opts!.a = …`).
    while (
      parent.type === AST_NODE_TYPES.TSAsExpression ||
      parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      parent.type === AST_NODE_TYPES.TSSatisfiesExpression
    ) {
      child = parent;
      parent = parent.parent;
    }
    if (
      parent.type === AST_NODE_TYPES.CallExpression &&
      parent.arguments[0] === child &&
      parent.callee.type === AST_NODE_TYPES.MemberExpression &&
      parent.callee.object.type === AST_NODE_TYPES.Identifier &&
      parent.callee.object.name === 'Object' &&
      staticPropertyKeyOf(parent.callee) !== undefined &&
      ['assign', 'defineProperty', 'defineProperties', 'setPrototypeOf'].includes(
        staticPropertyKeyOf(parent.callee) ?? '',
      )
    ) {
      return true;
    }
    // Walk up a member chain `opts.a.b` and see whether its end is written.
    let member: TSESTree.Node = child;
    let memberParent: TSESTree.Node = parent;
    let sawMember = false;
    while (memberParent.type === AST_NODE_TYPES.MemberExpression && memberParent.object === member) {
      sawMember = true;
      member = memberParent;
      memberParent = memberParent.parent;
    }
    if (!sawMember) continue;
    if (memberParent.type === AST_NODE_TYPES.AssignmentExpression && memberParent.left === member) return true;
    if (memberParent.type === AST_NODE_TYPES.UpdateExpression) return true;
    if (memberParent.type === AST_NODE_TYPES.UnaryExpression && memberParent.operator === 'delete') return true;
    if (
      memberParent.type === AST_NODE_TYPES.CallExpression &&
      memberParent.callee === member &&
      member.type === AST_NODE_TYPES.MemberExpression &&
      ['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'].includes(
        staticPropertyKeyOf(member) ?? '',
      )
    ) {
      return true;
    }
  }
  return false;
}

function isStaticShape(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.ObjectExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.Literal:
      return true;
    case AST_NODE_TYPES.TemplateLiteral:
      return node.expressions.length === 0;
    default:
      return false;
  }
}

function resolveConstNodeAt(context: ImportContext, raw: TSESTree.Node, depth: number): TSESTree.Node | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrapExpression(raw);
  if (isStaticShape(node)) return node;
  if (node.type === AST_NODE_TYPES.Identifier) {
    const variable = findVariableFor(context, node);
    if (variable === null) return undefined;
    const declarator = singleAssignmentDeclarator(variable);
    if (declarator?.init == null) return undefined;
    const def = variable.defs[0];
    if (def === undefined) return undefined;
    let resolved: TSESTree.Node | undefined;
    if (declarator.id.type === AST_NODE_TYPES.Identifier) {
      resolved = resolveConstNodeAt(context, declarator.init, depth + 1);
    } else {
      // `const { jwtOptions } = config` where config is a const object.
      const located = patternPath(declarator.id, def.name, []);
      if (located === undefined || located === 'unresolvable') return undefined;
      resolved = resolvePathAt(context, declarator.init, located.path, depth + 1);
    }
    if (
      resolved !== undefined &&
      (resolved.type === AST_NODE_TYPES.ObjectExpression || resolved.type === AST_NODE_TYPES.ArrayExpression) &&
      isMutatedObject(context, variable)
    ) {
      return undefined;
    }
    return resolved;
  }
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    // `config.jwt.options` where config is a const object literal.
    const key = node.computed ? getStaticStringAt(context, node.property, depth + 1) : staticPropertyKeyOf(node);
    if (key === undefined) return undefined;
    return resolvePathAt(context, node.object, [key], depth + 1);
  }
  return undefined;
}

function resolvePathAt(
  context: ImportContext,
  base: TSESTree.Node,
  path: readonly string[],
  depth: number,
): TSESTree.Node | undefined {
  let current: TSESTree.Node | undefined = resolveConstNodeAt(context, base, depth);
  for (const key of path) {
    if (current === undefined) return undefined;
    const lookup = findPropertyAt(context, current, key, depth + 1);
    if (lookup.found !== true) return undefined;
    current = resolveConstNodeAt(context, lookup.value, depth + 1);
  }
  return current;
}

/**
 * Resolves a node to a static value node when possible: follows single-assignment (`const`)
 * identifiers to their initializers, destructuring and member reads of const object literals, and
 * unwraps TS `as const` / `satisfies` / `!`. The result is an ObjectExpression, ArrayExpression,
 * Literal or TemplateLiteral without expressions; objects and arrays that are later mutated
 * (`opts.x = …`, `Object.assign(opts, …)`, `arr.push(…)`) are treated as unresolvable.
 *
 * @returns the resolved node, or `undefined` when the value is not statically known.
 * @example
 * ```ts
 * const options = resolveConstNode(context, call.arguments[2]);
 * if (options?.type === AST_NODE_TYPES.ObjectExpression) { ... }
 * ```
 */
export function resolveConstNode(context: ImportContext, node: TSESTree.Node): TSESTree.Node | undefined {
  return resolveConstNodeAt(context, node, 0);
}

function getStaticStringAt(context: ImportContext, raw: TSESTree.Node, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const unwrapped = unwrapExpression(raw);
  if (unwrapped.type === AST_NODE_TYPES.BinaryExpression && unwrapped.operator === '+') {
    const left = getStaticStringAt(context, unwrapped.left, depth + 1);
    const right = left === undefined ? undefined : getStaticStringAt(context, unwrapped.right, depth + 1);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  if (unwrapped.type === AST_NODE_TYPES.TemplateLiteral && unwrapped.expressions.length > 0) {
    let result = '';
    for (const [index, quasi] of unwrapped.quasis.entries()) {
      if (quasi.value.cooked === null) return undefined;
      result += quasi.value.cooked;
      const expression = unwrapped.expressions[index];
      if (expression !== undefined) {
        const part = getStaticStringAt(context, expression, depth + 1);
        if (part === undefined) return undefined;
        result += part;
      }
    }
    return result;
  }
  const node = resolveConstNodeAt(context, unwrapped, depth + 1);
  if (node === undefined) return undefined;
  return literalString(node);
}

/**
 * Static string value of a string Literal, a TemplateLiteral whose parts are all static, a `+`
 * concatenation of static strings, or a const identifier bound to one.
 *
 * @example
 * ```ts
 * getStaticString(context, node) // 'RS256' for `'RS256'`, `ALG` (const ALG = 'RS256'), `` `RS${'256'}` ``
 * ```
 */
export function getStaticString(context: ImportContext, node: TSESTree.Node): string | undefined {
  return getStaticStringAt(context, node, 0);
}

function findPropertyAt(context: ImportContext, objectNode: TSESTree.Node, key: string, depth: number): PropertyLookup {
  if (depth > MAX_DEPTH) return UNKNOWN;
  const object = resolveConstNodeAt(context, objectNode, depth + 1);
  if (object?.type !== AST_NODE_TYPES.ObjectExpression) return UNKNOWN;
  // Later properties override earlier ones, so scan from the end.
  for (let index = object.properties.length - 1; index >= 0; index -= 1) {
    const property = object.properties[index];
    if (property === undefined) continue;
    if (property.type === AST_NODE_TYPES.SpreadElement) {
      const spread = unwrapExpression(property.argument);
      if (spread.type === AST_NODE_TYPES.Literal && spread.value === null) continue;
      if (spread.type === AST_NODE_TYPES.Identifier && spread.name === 'undefined' && isGlobal(context, spread))
        continue;
      const inner = findPropertyAt(context, spread, key, depth + 1);
      if (inner.found === false) continue;
      return inner;
    }
    const propertyKey = staticPropertyKeyOf(property);
    if (propertyKey === undefined) {
      if (property.computed) return UNKNOWN; // a dynamic key might be `key`
      continue;
    }
    if (propertyKey !== key) continue;
    if (property.kind !== 'init') return UNKNOWN; // getter / setter: value not static
    return { found: true, value: property.value, property };
  }
  return NOT_FOUND;
}

/**
 * Finds a property by static key in an object literal (after {@link resolveConstNode}), following
 * spreads of const objects. Later properties and spreads override earlier ones.
 *
 * @returns `{ found: true, value, property }`, `{ found: false }`, or `{ unknown: true }` when the
 * object, a spread or a computed key cannot be resolved (rules must then stay silent about a
 * "missing" property).
 * @example
 * ```ts
 * const algorithms = findProperty(context, optionsNode, 'algorithms');
 * if (algorithms.unknown) return;
 * if (!algorithms.found) context.report({ node, messageId: 'missingAlgorithms' });
 * ```
 */
export function findProperty(context: ImportContext, object: TSESTree.Node, key: string): PropertyLookup {
  return findPropertyAt(context, object, key, 0);
}

/**
 * Follows single-assignment identifiers (`const x = <init>`, or `let`/`var` never reassigned) to
 * their initializer, whatever it is (a call, a `new`, a logical expression…), unwrapping TS
 * wrappers on the way. Returns the last node reached: the node itself when it is not an alias.
 * Destructured bindings are not followed (the node itself is returned).
 *
 * @example
 * ```ts
 * // const key = new TextEncoder().encode('s'); jwtVerify(t, key)
 * followConstAlias(context, keyArgument) // the NewExpression … `.encode('s')` CallExpression
 * ```
 */
export function followConstAlias(context: ImportContext, node: TSESTree.Node): TSESTree.Node {
  let current = unwrapExpression(node);
  for (let depth = 0; depth < MAX_DEPTH && current.type === AST_NODE_TYPES.Identifier; depth += 1) {
    const variable = findVariableFor(context, current);
    if (variable === null) break;
    const declarator = singleAssignmentDeclarator(variable);
    if (declarator?.init == null || declarator.id.type !== AST_NODE_TYPES.Identifier) break;
    current = unwrapExpression(declarator.init);
  }
  return current;
}

/** Result of {@link getSingleAssignment}. */
export interface SingleAssignment {
  variable: TSESLint.Scope.Variable;
  declarator: TSESTree.VariableDeclarator;
  /** The declarator's initializer. */
  init: TSESTree.Expression;
  /** Property path from `init` to the binding; `[]` for `const x = init`; `undefined` for array/rest patterns. */
  path: string[] | undefined;
}

/**
 * How an identifier got its value, when it is bound exactly once (`const`, or `let`/`var` never
 * reassigned) by a variable declarator with an initializer: the declarator, the variable, and —
 * for destructuring — the property path from the initializer to the binding
 * (`const { a: { b } } = init` → `['a', 'b']`; `[]` for a plain `const x = init`).
 * `path` is `undefined` for array patterns and rest elements (positions are not property keys).
 *
 * @example
 * ```ts
 * const binding = getSingleAssignment(context, identifier);
 * if (binding?.path?.length === 0) { use(binding.init); }
 * ```
 */
export function getSingleAssignment(
  context: ImportContext,
  identifier: TSESTree.Identifier,
): SingleAssignment | undefined {
  const variable = findVariableFor(context, identifier);
  if (variable === null) return undefined;
  const declarator = singleAssignmentDeclarator(variable);
  const def = variable.defs[0];
  if (declarator === undefined || declarator.init === null || def === undefined) return undefined;
  const init = declarator.init;
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return { variable, declarator, init, path: [] };
  const located = patternPath(declarator.id, def.name, []);
  return {
    variable,
    declarator,
    init,
    path: located === undefined || located === 'unresolvable' ? undefined : located.path,
  };
}
