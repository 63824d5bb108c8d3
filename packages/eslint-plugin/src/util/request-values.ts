/**
 * Helpers that recognise request-derived values (Origin / Referer / Host / Authorization header
 * reads and the variables assigned from them), plus a small regular-expression scanner used to
 * judge host-matching patterns.
 *
 * Everything here is syntactic. Receivers of framework requests are recognised by name
 * (`req`, `request`, `ctx`, `context`, `ctx.request`, `c.req`, …) because ESLint has no types by
 * default; each rule documents that limitation.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, ASTUtils, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { findVariableFor, unwrapExpression, type ImportContext } from './imports.js';

/** Maximum depth when following variables and derived expressions. */
const MAX_DEPTH = 8;

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

/** Static string of a Literal or expression-free TemplateLiteral (no identifier following). */
export function literalString(node: TSESTree.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Literal && typeof unwrapped.value === 'string') return unwrapped.value;
  if (unwrapped.type === AST_NODE_TYPES.TemplateLiteral && unwrapped.expressions.length === 0) {
    return unwrapped.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

const RECEIVER_NAMES = new Set(['req', 'request', 'ctx', 'context']);
const NESTED_RECEIVERS: Readonly<Record<string, readonly string[]>> = {
  ctx: ['req', 'request'],
  context: ['req', 'request'],
  c: ['req'],
  req: ['raw'],
  request: ['raw'],
};

/**
 * Is `node` an HTTP request receiver by the naming heuristic: an identifier named `req`, `request`,
 * `ctx` or `context`, or `ctx.request`, `ctx.req`, `context.request`, `context.req`, `c.req`,
 * `req.raw`, `request.raw`.
 *
 * @example
 * ```ts
 * isRequestReceiver(node) // true for `ctx.request`
 * ```
 */
export function isRequestReceiver(node: TSESTree.Node): boolean {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Identifier) return RECEIVER_NAMES.has(unwrapped.name);
  if (unwrapped.type === AST_NODE_TYPES.MemberExpression) {
    const object = unwrapExpression(unwrapped.object);
    const name = memberName(unwrapped);
    if (object.type !== AST_NODE_TYPES.Identifier || name === undefined) return false;
    return NESTED_RECEIVERS[object.name]?.includes(name) ?? false;
  }
  return false;
}

/** A read of one request header. */
export interface HeaderRead {
  /** Lower-case header name. */
  name: string;
  /** The object holding the headers or the getter (`req` in `req.headers.host` / `req.get('host')`). */
  receiver: TSESTree.Node;
}

const HEADER_GETTERS = new Set(['get', 'header', 'getHeader']);

/**
 * Recognises a header read: `X.headers.name`, `X.headers['name']`, `X.header.name` (Koa),
 * `X.get('Name')`, `X.header('name')`, `X.getHeader('name')`, `X.headers.get('name')`.
 * The receiver is returned as well; callers decide whether it looks like a request.
 *
 * @example
 * ```ts
 * readHeader(node) // { name: 'x-forwarded-host', receiver: req } for `req.get('X-Forwarded-Host')`
 * ```
 */
export function readHeader(node: TSESTree.Node): HeaderRead | undefined {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.MemberExpression) {
    const name = memberName(unwrapped);
    const holder = unwrapExpression(unwrapped.object);
    if (name === undefined || holder.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const holderName = memberName(holder);
    if (holderName !== 'headers' && holderName !== 'header') return undefined;
    return { name: name.toLowerCase(), receiver: unwrapExpression(holder.object) };
  }
  const call = asMethodCall(unwrapped);
  if (call === undefined || !HEADER_GETTERS.has(call.method) || call.call.arguments.length !== 1) return undefined;
  const name = literalString(call.call.arguments[0]);
  if (name === undefined) return undefined;
  let receiver = call.object;
  if (call.method === 'get' && receiver.type === AST_NODE_TYPES.MemberExpression && memberName(receiver) === 'headers') {
    receiver = unwrapExpression(receiver.object);
  } else if (call.method === 'get' && !isRequestReceiver(receiver)) {
    // `map.get('host')` on arbitrary objects is not a header read.
    return undefined;
  }
  return { name: name.toLowerCase(), receiver };
}

/**
 * Where a variable's single value comes from: the initializer of a `const` (or a `let`/`var` never
 * reassigned), and for destructuring the property key that was taken from it.
 */
export interface VariableSource {
  /** The initializer expression. */
  init: TSESTree.Expression;
  /** For `const { host: h } = req.headers`: `'host'`. Undefined for a plain `const h = …`. */
  key?: string;
}

/**
 * Follows an identifier to the value it was assigned once (`const x = …`, `let x = …` never
 * reassigned, `const { key: x } = …`). Returns undefined for parameters, reassigned variables,
 * nested or computed destructuring.
 *
 * @example
 * ```ts
 * variableSource(context, identifier) // { init: <req.headers> , key: 'origin' } for `const { origin } = req.headers`
 * ```
 */
export function variableSource(context: ImportContext, identifier: TSESTree.Identifier): VariableSource | undefined {
  const variable = findVariableFor(context, identifier);
  if (variable === null || variable.defs.length !== 1) return undefined;
  const def = variable.defs[0];
  if (def?.type !== TSESLint.Scope.DefinitionType.Variable) return undefined;
  const declarator = def.node;
  if (declarator.init === null) return undefined;
  for (const reference of variable.references) {
    if (reference.isWrite() && !reference.init) return undefined;
  }
  if (declarator.id.type === AST_NODE_TYPES.Identifier) return { init: declarator.init };
  if (declarator.id.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  for (const property of declarator.id.properties) {
    if (property.type !== AST_NODE_TYPES.Property) continue;
    const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
    if (value !== def.name) continue;
    let key: string | undefined;
    if (!property.computed && property.key.type === AST_NODE_TYPES.Identifier) key = property.key.name;
    else if (property.key.type === AST_NODE_TYPES.Literal && typeof property.key.value === 'string') key = property.key.value;
    return key === undefined ? undefined : { init: declarator.init, key };
  }
  return undefined;
}

/**
 * Splits an identifier into lower-case words: `allowedOrigin` → `['allowed', 'origin']`,
 * `REFERER_HEADER` → `['referer', 'header']`, `baseURL` → `['base', 'url']`, `x-forwarded-host`
 * → `['x', 'forwarded', 'host']`.
 *
 * @example
 * ```ts
 * nameWords('refererHeader') // ['referer', 'header']
 * ```
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_\-$.:]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** Kind of a request-derived value: a URL/origin (`https://host[:port]…`) or a bare host. */
export type OriginValueKind = 'url' | 'host';

const URL_WORDS = new Set(['origin', 'referer', 'referrer', 'url', 'uri', 'href']);
const HOST_WORDS = new Set(['host', 'hostname', 'domain']);

function kindOfName(name: string): OriginValueKind | undefined {
  const words = nameWords(name);
  // The last matching word wins: `originHost` is a host, `hostUrl` a URL.
  for (let index = words.length - 1; index >= 0; index -= 1) {
    const word = words[index];
    if (word === undefined) continue;
    if (URL_WORDS.has(word)) return 'url';
    if (HOST_WORDS.has(word)) return 'host';
  }
  return undefined;
}

const STRING_TRANSFORMS = new Set(['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'trim', 'trimStart', 'trimEnd', 'toString', 'normalize']);

/** Request properties that hold the request target (path and query), never the host. */
const REQUEST_TARGET_PROPERTIES: ReadonlySet<string> = new Set(['url', 'originalUrl', 'path', 'baseUrl', 'pathname', 'querystring', 'search']);

/**
 * Is `node` the request target of a framework request (`req.url`, `req.originalUrl`, `req.path`,
 * `ctx.path`, `ctx.url`, `request.url`)? On Node servers these hold the path and query, not a
 * host, so patterns tested against them are not host checks.
 *
 * @example
 * ```ts
 * isRequestTarget(node) // true for `req.originalUrl`
 * ```
 */
export function isRequestTarget(node: TSESTree.Node): boolean {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = memberName(unwrapped);
  if (name === undefined || !REQUEST_TARGET_PROPERTIES.has(name) || !isRequestReceiver(unwrapped.object)) return false;
  // Hono's `c.req.url` is a whole URL, host included.
  const object = unwrapExpression(unwrapped.object);
  return !(object.type === AST_NODE_TYPES.MemberExpression && unwrapExpression(object.object).type === AST_NODE_TYPES.Identifier && (unwrapExpression(object.object) as TSESTree.Identifier).name === 'c');
}

/**
 * Classifies an expression as an origin/referer/URL value or a host value, or `undefined`:
 * header reads (`req.get('Origin')`, `req.headers.referer`, …), identifiers and properties whose
 * name contains one of origin/referer/referrer/url/uri/href (URL) or host/hostname/domain (host)
 * as a word (`allowedOrigin`, `refererHeader`), variables assigned once from such a value, and
 * `x || ''`, `x ?? ''`, `String(x)`, `x.toLowerCase()`, `x.trim()` of one. The request target
 * (`req.url`, `req.path`, `ctx.url`, and variables holding it) is never a host value.
 *
 * @example
 * ```ts
 * classifyOriginValue(context, node) // 'url' for `req.get('Referer')`
 * ```
 */
export function classifyOriginValue(context: ImportContext, node: TSESTree.Node, depth = 0): OriginValueKind | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const unwrapped = unwrapExpression(node);
  switch (unwrapped.type) {
    case AST_NODE_TYPES.Identifier: {
      const source = variableSource(context, unwrapped);
      // `const url = req.url`, `const { path } = req`: the request target, not a host.
      if (source !== undefined && source.key === undefined && isRequestTarget(source.init)) return undefined;
      if (source?.key !== undefined && REQUEST_TARGET_PROPERTIES.has(source.key) && isRequestReceiver(source.init)) return undefined;
      const byName = kindOfName(unwrapped.name);
      if (byName !== undefined) return byName;
      if (source === undefined) return undefined;
      if (source.key !== undefined) return kindOfName(source.key);
      return classifyOriginValue(context, source.init, depth + 1);
    }
    case AST_NODE_TYPES.MemberExpression: {
      if (isRequestTarget(unwrapped)) return undefined;
      const name = memberName(unwrapped);
      return name === undefined ? undefined : kindOfName(name);
    }
    case AST_NODE_TYPES.CallExpression: {
      const header = readHeader(unwrapped);
      if (header !== undefined) return kindOfName(header.name);
      const call = asMethodCall(unwrapped);
      if (call !== undefined && STRING_TRANSFORMS.has(call.method)) return classifyOriginValue(context, call.object, depth + 1);
      const callee = unwrapExpression(unwrapped.callee);
      if (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'String' && unwrapped.arguments[0] !== undefined) {
        return classifyOriginValue(context, unwrapped.arguments[0], depth + 1);
      }
      return undefined;
    }
    case AST_NODE_TYPES.LogicalExpression:
      return classifyOriginValue(context, unwrapped.left, depth + 1) ?? classifyOriginValue(context, unwrapped.right, depth + 1);
    default:
      return undefined;
  }
}

const AUTHORIZATION_NAMES = new Set(['authorization', 'authheader', 'authorizationheader', 'authzheader']);

/**
 * Is `node` an `Authorization` header value: `X.headers.authorization`, `X.headers['Authorization']`,
 * `X.header.authorization`, `X.get('Authorization')`, `X.header('authorization')`,
 * `X.headers.get('authorization')`, a property or variable named `authorization` / `authHeader` /
 * `auth_header` / `authorizationHeader`, a variable assigned once from one of these, or
 * `x || ''`, `x ?? ''`, `String(x)`, `x.trim()` of one.
 *
 * @example
 * ```ts
 * isAuthorizationValue(context, node) // true for `req.get('Authorization')`
 * ```
 */
export function isAuthorizationValue(context: ImportContext, node: TSESTree.Node, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const unwrapped = unwrapExpression(node);
  switch (unwrapped.type) {
    case AST_NODE_TYPES.Identifier: {
      if (isAuthorizationName(unwrapped.name)) return true;
      const source = variableSource(context, unwrapped);
      if (source === undefined) return false;
      if (source.key !== undefined) return isAuthorizationName(source.key);
      return isAuthorizationValue(context, source.init, depth + 1);
    }
    case AST_NODE_TYPES.MemberExpression: {
      const name = memberName(unwrapped);
      return name !== undefined && isAuthorizationName(name);
    }
    case AST_NODE_TYPES.CallExpression: {
      const header = readHeader(unwrapped);
      if (header !== undefined) return header.name === 'authorization';
      const call = asMethodCall(unwrapped);
      if (call !== undefined && (call.method === 'trim' || call.method === 'trimStart' || call.method === 'toString')) {
        return isAuthorizationValue(context, call.object, depth + 1);
      }
      const callee = unwrapExpression(unwrapped.callee);
      if (callee.type === AST_NODE_TYPES.Identifier && callee.name === 'String' && unwrapped.arguments[0] !== undefined) {
        return isAuthorizationValue(context, unwrapped.arguments[0], depth + 1);
      }
      return false;
    }
    case AST_NODE_TYPES.LogicalExpression:
      return isAuthorizationValue(context, unwrapped.left, depth + 1) || isAuthorizationValue(context, unwrapped.right, depth + 1);
    default:
      return false;
  }
}

function isAuthorizationName(name: string): boolean {
  return AUTHORIZATION_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''));
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

/** A regular expression known statically, with where its pattern text lives in the source. */
export interface StaticRegex {
  /** The pattern source, as the RegExp sees it. */
  pattern: string;
  /** The flags. */
  flags: string;
  /** The node that defines it: a regex Literal, or the `new RegExp(…)` / `RegExp(…)` call. */
  node: TSESTree.Node;
  /** For `new RegExp('…')`: the string node holding the pattern. */
  patternNode?: TSESTree.Literal | TSESTree.TemplateLiteral;
  /** For `new RegExp('…', 'flags')`: the flags node, when present. */
  flagsNode?: TSESTree.Node;
}

/**
 * Resolves a regex Literal, `new RegExp('static', 'flags')` / `RegExp(…)`, or a const identifier
 * bound to one of those. Dynamic patterns give `undefined`.
 *
 * @example
 * ```ts
 * resolveRegex(context, call.arguments[0])?.pattern // 'example\\.com$'
 * ```
 */
export function resolveRegex(context: ImportContext, node: TSESTree.Node, depth = 0): StaticRegex | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Literal && 'regex' in unwrapped) {
    return { pattern: unwrapped.regex.pattern, flags: unwrapped.regex.flags, node: unwrapped };
  }
  if (
    (unwrapped.type === AST_NODE_TYPES.NewExpression || unwrapped.type === AST_NODE_TYPES.CallExpression) &&
    unwrapped.callee.type === AST_NODE_TYPES.Identifier &&
    unwrapped.callee.name === 'RegExp' &&
    isGlobalName(context, unwrapped.callee)
  ) {
    const [patternArg, flagsArg, extra] = unwrapped.arguments;
    if (patternArg === undefined || extra !== undefined) return undefined;
    const patternNode = unwrapExpression(patternArg);
    const pattern = literalString(patternNode);
    if (pattern === undefined) return undefined;
    if (patternNode.type !== AST_NODE_TYPES.Literal && patternNode.type !== AST_NODE_TYPES.TemplateLiteral) return undefined;
    let flags = '';
    if (flagsArg !== undefined) {
      const value = literalString(flagsArg);
      if (value === undefined) return undefined;
      flags = value;
    }
    return {
      pattern,
      flags,
      node: unwrapped,
      patternNode,
      ...(flagsArg === undefined ? {} : { flagsNode: flagsArg }),
    };
  }
  if (unwrapped.type === AST_NODE_TYPES.Identifier) {
    const source = variableSource(context, unwrapped);
    if (source === undefined || source.key !== undefined) return undefined;
    return resolveRegex(context, source.init, depth + 1);
  }
  return undefined;
}

function isGlobalName(context: ImportContext, identifier: TSESTree.Identifier): boolean {
  const variable = findVariableFor(context, identifier);
  return variable === null || variable.defs.length === 0;
}

/**
 * Source text of a JavaScript string literal holding `value`, in the given quote style.
 *
 * @example
 * ```ts
 * quoteString('a\\.b', "'") // "'a\\\\.b'"
 * ```
 */
export function quoteString(value: string, quote: string): string {
  if (quote === '`') {
    return `\`${value.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  }
  const q = quote === '"' ? '"' : "'";
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(new RegExp(q, 'g'), `\\${q}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `${q}${escaped}${q}`;
}

/**
 * Replaces the pattern (and optionally the flags) of a static regex, producing source text for
 * the node in {@link StaticRegex.node}'s position (regex Literal) or for its pattern string.
 *
 * @example
 * ```ts
 * regexFix(fixer, sourceCode, regex, '^a\\.b$') // rewrites `/a.b/` to `/^a\.b$/`
 * ```
 */
export function regexFix(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  regex: StaticRegex,
  pattern: string,
  flags: string = regex.flags,
): TSESLint.RuleFix[] {
  if (regex.patternNode === undefined) {
    // Regex literal. A pattern that starts with `*` would open a comment; ours never does.
    return [fixer.replaceText(regex.node, `/${escapeRegexLiteralSlashes(pattern)}/${flags}`)];
  }
  const raw = sourceCode.getText(regex.patternNode);
  const quote = raw.startsWith('"') ? '"' : raw.startsWith('`') ? '`' : "'";
  const fixes = [fixer.replaceText(regex.patternNode, quoteString(pattern, quote))];
  if (flags !== regex.flags) {
    if (regex.flagsNode === undefined) fixes.push(fixer.insertTextAfter(regex.patternNode, `, ${quoteString(flags, quote)}`));
    else fixes.push(fixer.replaceText(regex.flagsNode, quoteString(flags, quote)));
  }
  return fixes;
}

/** In a regex literal, `/` outside a class must be escaped; `new RegExp` strings need not. */
function escapeRegexLiteralSlashes(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? '';
    if (char === '\\') {
      out += char + (pattern[index + 1] ?? '');
      index += 1;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    out += char === '/' && !inClass ? '\\/' : char;
  }
  return out;
}

/** One element of a scanned regular expression. Offsets index the pattern string. */
export type RegexTerm =
  | { kind: 'char'; value: string; escaped: boolean; start: number; end: number; quantified: boolean; optional: boolean }
  | { kind: 'dot'; start: number; end: number; quantified: boolean; optional: boolean }
  | { kind: 'escape'; start: number; end: number; quantified: boolean; optional: boolean }
  | { kind: 'class'; onlyDot: boolean; start: number; end: number; quantified: boolean; optional: boolean }
  | {
      kind: 'group';
      lookaround: 'ahead' | 'negative-ahead' | 'behind' | undefined;
      alternatives: RegexTerm[][];
      start: number;
      end: number;
      quantified: boolean;
      optional: boolean;
    }
  | { kind: 'start' | 'end' | 'boundary'; start: number; end: number; quantified: boolean; optional: boolean };

/** Alternatives of a scanned pattern; each alternative is a sequence of terms. */
export type RegexAlternatives = RegexTerm[][];

/**
 * Scans a regular expression pattern into alternatives of terms (a deliberately small parser:
 * enough to find anchors, groups, classes, escapes and unescaped dots). Returns undefined when the
 * pattern is not well formed.
 *
 * @example
 * ```ts
 * scanRegex('^a\\.b$') // [[start, char a, char ., char b, end]]
 * ```
 */
export function scanRegex(pattern: string): RegexAlternatives | undefined {
  const state = { index: 0 };
  try {
    const result = scanAlternatives(pattern, state, false);
    return state.index === pattern.length ? result : undefined;
  } catch {
    return undefined;
  }
}

function scanAlternatives(pattern: string, state: { index: number }, inGroup: boolean): RegexAlternatives {
  const alternatives: RegexAlternatives = [[]];
  while (state.index < pattern.length) {
    const char = pattern[state.index] ?? '';
    if (char === ')') {
      if (!inGroup) throw new Error('unbalanced');
      return alternatives;
    }
    if (char === '|') {
      alternatives.push([]);
      state.index += 1;
      continue;
    }
    const term = scanTerm(pattern, state);
    scanQuantifier(pattern, state, term);
    alternatives[alternatives.length - 1]?.push(term);
  }
  if (inGroup) throw new Error('unterminated group');
  return alternatives;
}

function scanTerm(pattern: string, state: { index: number }): RegexTerm {
  const start = state.index;
  const char = pattern[start] ?? '';
  const base = { start, quantified: false, optional: false };
  switch (char) {
    case '^':
      state.index += 1;
      return { kind: 'start', ...base, end: state.index };
    case '$':
      state.index += 1;
      return { kind: 'end', ...base, end: state.index };
    case '.':
      state.index += 1;
      return { kind: 'dot', ...base, end: state.index };
    case '[': {
      let index = start + 1;
      let depth = 1;
      while (index < pattern.length && depth > 0) {
        const current = pattern[index];
        if (current === '\\') index += 2;
        else {
          if (current === '[') depth += 1;
          else if (current === ']') depth -= 1;
          index += 1;
        }
      }
      if (depth !== 0) throw new Error('unterminated class');
      state.index = index;
      const body = pattern.slice(start + 1, index - 1);
      return { kind: 'class', onlyDot: body === '.' || body === '\\.', ...base, end: index };
    }
    case '(': {
      let index = start + 1;
      let lookaround: 'ahead' | 'negative-ahead' | 'behind' | undefined;
      if (pattern[index] === '?') {
        const rest = pattern.slice(index + 1);
        if (rest.startsWith('=')) {
          lookaround = 'ahead';
          index += 2;
        } else if (rest.startsWith('!')) {
          lookaround = 'negative-ahead';
          index += 2;
        } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
          lookaround = 'behind';
          index += 3;
        } else if (rest.startsWith('<')) {
          const close = pattern.indexOf('>', index);
          if (close === -1) throw new Error('bad group name');
          index = close + 1;
        } else {
          // `(?:`, and modifier groups such as `(?i:`.
          const colon = pattern.indexOf(':', index);
          if (colon === -1 || !/^[a-z-]*$/.test(pattern.slice(index + 1, colon))) throw new Error('bad group');
          index = colon + 1;
        }
      }
      state.index = index;
      const alternatives = scanAlternatives(pattern, state, true);
      state.index += 1; // ')'
      return { kind: 'group', lookaround, alternatives, ...base, end: state.index };
    }
    case '\\': {
      const next = pattern[start + 1];
      if (next === undefined) throw new Error('trailing backslash');
      let end = start + 2;
      if (next === 'b' || next === 'B') {
        state.index = end;
        return { kind: 'boundary', ...base, end };
      }
      if (next === 'u' && pattern[end] === '{') end = pattern.indexOf('}', end) + 1;
      else if (next === 'u') end += 4;
      else if (next === 'x') end += 2;
      else if (next === 'c') end += 1;
      else if ((next === 'p' || next === 'P') && pattern[end] === '{') end = pattern.indexOf('}', end) + 1;
      else if (next === 'k' && pattern[end] === '<') end = pattern.indexOf('>', end) + 1;
      if (end <= start) throw new Error('bad escape');
      state.index = end;
      if (/^[dDwWsS0-9pPkux]$/.test(next) || /^[fnrtv]$/.test(next) || next === 'c') {
        return { kind: 'escape', ...base, end };
      }
      return { kind: 'char', value: next, escaped: true, ...base, end };
    }
    default:
      state.index += 1;
      return { kind: 'char', value: char, escaped: false, ...base, end: state.index };
  }
}

function scanQuantifier(pattern: string, state: { index: number }, term: RegexTerm): void {
  const char = pattern[state.index];
  let optional = false;
  if (char === '*' || char === '?') {
    optional = true;
    state.index += 1;
  } else if (char === '+') {
    state.index += 1;
  } else if (char === '{') {
    const match = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(state.index));
    if (match === null) return;
    optional = match[1] === '0';
    state.index += match[0].length;
  } else {
    return;
  }
  if (pattern[state.index] === '?') state.index += 1;
  term.quantified = true;
  term.optional = optional;
  term.end = state.index;
}

function isLabelChar(term: RegexTerm | undefined): boolean {
  return term?.kind === 'char' && /^[A-Za-z0-9]$/.test(term.value);
}

/**
 * Offsets of unescaped `.` characters that sit between host-name labels (`example.com`,
 * `[a-z]+.example`, `(www.)?`). A `.` inside a class, escaped, quantified (`.*`), or at the
 * start of the pattern is not reported.
 *
 * @example
 * ```ts
 * unescapedHostDots(scanRegex('^a.b\\.c$')!) // [2]
 * ```
 */
export function unescapedHostDots(alternatives: RegexAlternatives): number[] {
  const found: number[] = [];
  const visit = (sequences: RegexAlternatives, nested: boolean): void => {
    for (const sequence of sequences) {
      sequence.forEach((term, index) => {
        if (term.kind === 'group') {
          visit(term.alternatives, true);
          return;
        }
        if (term.kind !== 'dot' || term.quantified) return;
        const previous = sequence[index - 1];
        const next = sequence[index + 1];
        const previousIsLabel =
          isLabelChar(previous) ||
          (previous?.kind === 'char' && previous.value === '-') ||
          previous?.kind === 'class' ||
          (previous?.kind === 'group' && previous.lookaround === undefined);
        const nextIsLabel =
          isLabelChar(next) ||
          (next?.kind === 'group' && next.lookaround === undefined && next.alternatives.every((alt) => isLabelChar(alt[0]))) ||
          (next === undefined && nested && isLabelChar(previous));
        if (previousIsLabel && nextIsLabel) found.push(term.start);
      });
    }
  };
  visit(alternatives, false);
  return found;
}

/** Does every path through `sequence` begin at `^` (or at a literal `.` label boundary)? */
function startsAnchored(sequence: readonly RegexTerm[]): boolean {
  for (const term of sequence) {
    if (term.kind === 'boundary' || (term.kind === 'group' && term.lookaround !== undefined)) continue;
    if (term.kind === 'start') return true;
    if (term.kind === 'char') return term.escaped && term.value === '.' && !term.optional;
    if (term.kind === 'class') return term.onlyDot && !term.optional;
    if (term.kind === 'group') return !term.optional && term.alternatives.every(startsAnchored);
    return false;
  }
  return false;
}

/** Does every path through `sequence` end at `$`, at a `/` path separator, or at a negative lookahead? */
function endsAnchored(sequence: readonly RegexTerm[]): boolean {
  for (let index = sequence.length - 1; index >= 0; index -= 1) {
    const term = sequence[index];
    if (term === undefined) return false;
    if (term.kind === 'boundary' || term.kind === 'start') continue;
    if (term.kind === 'end') return true;
    if (term.kind === 'char') return term.value === '/' && !term.optional;
    if (term.kind === 'group') {
      if (term.lookaround === 'negative-ahead') return true;
      if (term.lookaround === 'behind') continue;
      if (term.optional) {
        // `(\/.*)?` at the end: the pattern can also end before it.
        if (term.alternatives.every(endsAnchored)) continue;
        return false;
      }
      return term.alternatives.every(endsAnchored);
    }
    return false;
  }
  return false;
}

/** Anchoring of a scanned pattern. */
export interface RegexAnchoring {
  /** Every top-level alternative is anchored at the start. */
  start: boolean;
  /** Every top-level alternative is anchored at the end. */
  end: boolean;
}

/**
 * Checks that every top-level alternative of a host pattern is anchored at both ends. A leading
 * escaped `.` counts as a start boundary (`\.example\.com$` is a subdomain check), and a trailing
 * `/`, `(\/|$)` or negative lookahead counts as an end boundary.
 *
 * @example
 * ```ts
 * regexAnchoring(scanRegex('^a\\.com|b\\.com$')!) // { start: false, end: false }
 * ```
 */
export function regexAnchoring(alternatives: RegexAlternatives): RegexAnchoring {
  return { start: alternatives.every(startsAnchored), end: alternatives.every(endsAnchored) };
}

/**
 * Does the pattern look like it matches a host name or origin: a dotted name (`example.com`,
 * `example\.com`, `example[.]com`) or `localhost`?
 *
 * @example
 * ```ts
 * isHostLikePattern('^https:\\/\\/') // false
 * ```
 */
export function isHostLikePattern(pattern: string): boolean {
  return /[A-Za-z0-9\])](?:\\\.|\.|\[\\?\.\])[A-Za-z(]/.test(pattern) || /localhost/i.test(pattern);
}

/**
 * Escapes the `.` at the given pattern offsets.
 *
 * @example
 * ```ts
 * escapeDotsAt('a.b', [1]) // 'a\\.b'
 * ```
 */
export function escapeDotsAt(pattern: string, offsets: readonly number[]): string {
  let out = '';
  for (let index = 0; index < pattern.length; index += 1) {
    out += offsets.includes(index) ? '\\.' : (pattern[index] ?? '');
  }
  return out;
}
