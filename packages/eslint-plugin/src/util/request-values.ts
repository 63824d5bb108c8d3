/**
 * Request-value heuristics: which expressions are request receivers (`req`, `ctx`, …), header
 * reads, and Origin / Referer / Host / Authorization values, including variables assigned from
 * them.
 *
 * Everything here is syntactic. Receivers of framework requests are recognised by name
 * (`req`, `request`, `ctx`, `context`, `ctx.request`, `c.req`, …) because ESLint has no types by
 * default; each rule documents that limitation.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { asMethodCall, memberName } from './ast.js';
import { getSingleAssignment, type ImportContext, literalString, unwrapExpression } from './imports.js';

/** Maximum depth when following variables and derived expressions. */
const MAX_DEPTH = 8;

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
  if (
    call.method === 'get' &&
    receiver.type === AST_NODE_TYPES.MemberExpression &&
    memberName(receiver) === 'headers'
  ) {
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
 * reassigned, `const { key: x } = …`): a one-level view of {@link getSingleAssignment}, which it
 * is built on. Returns undefined for parameters, reassigned variables, nested or computed
 * destructuring.
 *
 * @example
 * ```ts
 * variableSource(context, identifier) // { init: <req.headers> , key: 'origin' } for `const { origin } = req.headers`
 * ```
 */
export function variableSource(context: ImportContext, identifier: TSESTree.Identifier): VariableSource | undefined {
  const binding = getSingleAssignment(context, identifier);
  if (binding?.path === undefined || binding.path.length > 1) return undefined;
  const [key] = binding.path;
  return key === undefined ? { init: binding.init } : { init: binding.init, key };
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

/** String methods whose result is the whole value, re-cased, trimmed or normalised. */
export const WHOLE_VALUE_STRING_METHODS: readonly string[] = [
  'toLowerCase',
  'toUpperCase',
  'toLocaleLowerCase',
  'trim',
  'trimStart',
  'trimEnd',
  'toString',
  'normalize',
];
/** String methods whose result is a part of the value (`.split(' ')[1]`, `.slice(7)`). */
export const PART_STRING_METHODS: readonly string[] = [
  'split',
  'replace',
  'replaceAll',
  'slice',
  'substring',
  'substr',
];

const STRING_TRANSFORMS = new Set(WHOLE_VALUE_STRING_METHODS);

/** Request properties that hold the request target (path and query), never the host. */
const REQUEST_TARGET_PROPERTIES: ReadonlySet<string> = new Set([
  'url',
  'originalUrl',
  'path',
  'baseUrl',
  'pathname',
  'querystring',
  'search',
]);

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
  return !(
    object.type === AST_NODE_TYPES.MemberExpression &&
    unwrapExpression(object.object).type === AST_NODE_TYPES.Identifier &&
    (unwrapExpression(object.object) as TSESTree.Identifier).name === 'c'
  );
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
export function classifyOriginValue(
  context: ImportContext,
  node: TSESTree.Node,
  depth = 0,
): OriginValueKind | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const unwrapped = unwrapExpression(node);
  switch (unwrapped.type) {
    case AST_NODE_TYPES.Identifier: {
      const source = variableSource(context, unwrapped);
      // `const url = req.url`, `const { path } = req`: the request target, not a host.
      if (source !== undefined && source.key === undefined && isRequestTarget(source.init)) return undefined;
      if (source?.key !== undefined && REQUEST_TARGET_PROPERTIES.has(source.key) && isRequestReceiver(source.init))
        return undefined;
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
      if (call !== undefined && STRING_TRANSFORMS.has(call.method))
        return classifyOriginValue(context, call.object, depth + 1);
      const callee = unwrapExpression(unwrapped.callee);
      if (
        callee.type === AST_NODE_TYPES.Identifier &&
        callee.name === 'String' &&
        unwrapped.arguments[0] !== undefined
      ) {
        return classifyOriginValue(context, unwrapped.arguments[0], depth + 1);
      }
      return undefined;
    }
    case AST_NODE_TYPES.LogicalExpression:
      return (
        classifyOriginValue(context, unwrapped.left, depth + 1) ??
        classifyOriginValue(context, unwrapped.right, depth + 1)
      );
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
      if (
        callee.type === AST_NODE_TYPES.Identifier &&
        callee.name === 'String' &&
        unwrapped.arguments[0] !== undefined
      ) {
        return isAuthorizationValue(context, unwrapped.arguments[0], depth + 1);
      }
      return false;
    }
    case AST_NODE_TYPES.LogicalExpression:
      return (
        isAuthorizationValue(context, unwrapped.left, depth + 1) ||
        isAuthorizationValue(context, unwrapped.right, depth + 1)
      );
    default:
      return false;
  }
}

function isAuthorizationName(name: string): boolean {
  return AUTHORIZATION_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''));
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
    return node.arguments.length === 1 && literalString(node.arguments[0])?.toLowerCase() === 'origin';
  }
  return false;
}
