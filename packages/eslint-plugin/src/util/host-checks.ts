/**
 * Request Host reads and hand-written Host allowlist checks: which expressions carry the Host
 * header (or a proxy's `X-Forwarded-Host` / `Forwarded`), and which functions reject a request
 * whose Host is not on a list.
 *
 * Syntactic, like the rest of the request-value helpers: request objects are recognised by their
 * usual names (`req`, `request`, `ctx`, `context`, …).
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import { asMethodCall, memberName } from './ast.js';
import { findVariableFor, type ImportContext, literalString, unwrapExpression } from './imports.js';
import { isRequestReceiver, nameWords, readHeader, variableSource } from './request-values.js';

/** Header names that carry the Host a request was sent to (directly or through a proxy). */
export const HOST_HEADERS: ReadonlySet<string> = new Set(['host', 'x-forwarded-host', ':authority']);
/** Request properties derived from Host on Express (`req.hostname`, `req.host`), Koa and Fastify. */
export const HOST_PROPERTIES: ReadonlySet<string> = new Set(['hostname', 'host']);
/** Koa context / request properties that embed the Host header. */
export const KOA_URL_PROPERTIES: ReadonlySet<string> = new Set(['origin', 'href', 'URL']);
/** Headers a proxy sets and any client (a rebound page included) can forge. */
const FORWARDED_HEADERS: ReadonlySet<string> = new Set(['x-forwarded-host', 'forwarded']);

const MAX_DEPTH = 8;

/**
 * Is `node` the Koa context (or its request), where `origin` / `href` / `URL` embed the Host?
 *
 * @example
 * ```ts
 * isKoaReceiver(node) // true for `ctx.request`
 * ```
 */
export function isKoaReceiver(node: TSESTree.Node): boolean {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Identifier) return unwrapped.name === 'ctx' || unwrapped.name === 'context';
  if (unwrapped.type === AST_NODE_TYPES.MemberExpression) {
    return memberName(unwrapped) === 'request' && isKoaReceiver(unwrapped.object);
  }
  return false;
}

/**
 * Is `node` a direct read of the Host / X-Forwarded-Host header or a Host-derived request
 * property (`req.hostname`, `ctx.host`, Koa's `ctx.origin`)?
 *
 * @example
 * ```ts
 * isHostSource(node) // true for `req.headers.host` and `req.get('X-Forwarded-Host')`
 * ```
 */
export function isHostSource(node: TSESTree.Node): boolean {
  const unwrapped = unwrapExpression(node);
  const header = readHeader(unwrapped);
  if (header !== undefined) return HOST_HEADERS.has(header.name) && isRequestReceiver(header.receiver);
  if (unwrapped.type !== AST_NODE_TYPES.MemberExpression) return false;
  const name = memberName(unwrapped);
  if (name === undefined) return false;
  if (HOST_PROPERTIES.has(name)) return isRequestReceiver(unwrapped.object);
  return KOA_URL_PROPERTIES.has(name) && isKoaReceiver(unwrapped.object);
}

/**
 * Is `node` a read of a header that only a proxy should set: `X-Forwarded-Host` or `Forwarded`
 * (`req.headers['x-forwarded-host']`, `req.get('Forwarded')`, …)?
 *
 * @example
 * ```ts
 * isForwardedHostRead(node) // true for `req.headers['x-forwarded-host']`
 * ```
 */
export function isForwardedHostRead(node: TSESTree.Node): boolean {
  const header = readHeader(node);
  return header !== undefined && FORWARDED_HEADERS.has(header.name) && isRequestReceiver(header.receiver);
}

/**
 * Does `node` evaluate to something read from the request's Host: a Host read itself, a
 * variable assigned once from an expression that contains one (`const host = req.headers.host
 * ?.split(':')[0]`), or a destructured `const { hostname } = req`?
 *
 * @example
 * ```ts
 * carriesHost(context, node) // true for `host` after `const host = (req.headers.host || '').toLowerCase()`
 * ```
 */
export function carriesHost(context: ImportContext, node: TSESTree.Node, depth = 0): boolean {
  return findInValue(context, node, depth, isHostSource);
}

/**
 * Does `node` evaluate to something read from `X-Forwarded-Host` / `Forwarded`, directly or
 * through variables assigned once (`const host = req.headers['x-forwarded-host'] || req.headers.host`)?
 *
 * @example
 * ```ts
 * carriesForwardedHost(context, node) // true for that `host`
 * ```
 */
export function carriesForwardedHost(context: ImportContext, node: TSESTree.Node, depth = 0): boolean {
  return findInValue(context, node, depth, isForwardedHostRead);
}

/** Searches an expression (and the single values of the variables it names) for a read. */
function findInValue(
  context: ImportContext,
  raw: TSESTree.Node,
  depth: number,
  isRead: (node: TSESTree.Node) => boolean,
): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrapExpression(raw);
  if (isRead(node)) return true;
  switch (node.type) {
    case AST_NODE_TYPES.Identifier: {
      const source = variableSource(context, node);
      if (source === undefined) {
        // `let hostname; try { hostname = new URL(`http://${req.headers.host}`).hostname } …`: any assignment counts.
        const variable = findVariableFor(context, node);
        return (
          variable?.references.some(
            (reference) =>
              reference.writeExpr != null &&
              reference.writeExpr !== node &&
              findInValue(context, reference.writeExpr, depth + 1, isRead),
          ) ?? false
        );
      }
      if (source.key === undefined) return findInValue(context, source.init, depth + 1, isRead);
      // `const { hostname } = req`, `const { host } = req.headers`
      const init = unwrapExpression(source.init);
      if (isRead === isHostSource && HOST_PROPERTIES.has(source.key) && isRequestReceiver(init)) return true;
      const holder = init.type === AST_NODE_TYPES.MemberExpression ? memberName(init) : undefined;
      if (
        init.type !== AST_NODE_TYPES.MemberExpression ||
        (holder !== 'headers' && holder !== 'header') ||
        !isRequestReceiver(init.object)
      ) {
        // `const { hostname } = new URL(`http://${req.headers.host}`)`: a part of a carrying value.
        return findInValue(context, init, depth + 1, isRead);
      }
      const key = source.key.toLowerCase();
      return isRead === isHostSource ? HOST_HEADERS.has(key) : FORWARDED_HEADERS.has(key);
    }
    case AST_NODE_TYPES.MemberExpression:
      return findInValue(context, node.object, depth + 1, isRead);
    case AST_NODE_TYPES.CallExpression: {
      const call = asMethodCall(node);
      if (call !== undefined) return findInValue(context, call.object, depth + 1, isRead);
      const [argument] = node.arguments;
      return (
        argument !== undefined &&
        argument.type !== AST_NODE_TYPES.SpreadElement &&
        findInValue(context, argument, depth + 1, isRead)
      );
    }
    case AST_NODE_TYPES.NewExpression:
      return node.arguments.some(
        (argument) =>
          argument.type !== AST_NODE_TYPES.SpreadElement && findInValue(context, argument, depth + 1, isRead),
      );
    case AST_NODE_TYPES.LogicalExpression:
      return findInValue(context, node.left, depth + 1, isRead) || findInValue(context, node.right, depth + 1, isRead);
    case AST_NODE_TYPES.ConditionalExpression:
      return (
        findInValue(context, node.consequent, depth + 1, isRead) ||
        findInValue(context, node.alternate, depth + 1, isRead)
      );
    case AST_NODE_TYPES.TemplateLiteral:
      return node.expressions.some((expression) => findInValue(context, expression, depth + 1, isRead));
    case AST_NODE_TYPES.BinaryExpression:
      return (
        node.operator === '+' &&
        (findInValue(context, node.left, depth + 1, isRead) || findInValue(context, node.right, depth + 1, isRead))
      );
    default:
      return false;
  }
}

/** Methods that test membership of their argument in a list (`ALLOWED.has(host)`). */
const MEMBERSHIP_METHODS: ReadonlySet<string> = new Set(['has', 'includes', 'indexOf', 'test']);
/** Methods that test a value against their argument (`host.endsWith('.example.com')`, `host.includes('localhost')`). */
const VALUE_TESTS: ReadonlySet<string> = new Set(['match', 'endsWith', 'startsWith', 'includes', 'indexOf']);
/** Words that name a Host check function (`isAllowedHost(host)`, `validateHost(host)`). */
const CHECK_WORDS: ReadonlySet<string> = new Set([
  'allow',
  'allowed',
  'valid',
  'validate',
  'trusted',
  'permitted',
  'check',
  'verify',
]);
const EQUALITY = new Set(['===', '!==', '==', '!=']);

/**
 * Is `test` a comparison of a value satisfying `carries` against an allowlist: membership
 * (`LIST.has(v)`, `LIST.includes(v)`, `LIST.indexOf(v)`, `re.test(v)`, `v in MAP`), equality
 * with another value (`v === 'localhost'`), or a call of a function named like a check
 * (`isAllowedHost(v)`)? Negations and `&&` / `||` combinations are looked through.
 *
 * @example
 * ```ts
 * comparesValue(context, ifStatement.test, (node) => carriesHost(context, node)) // true for `!ALLOWED.has(req.hostname)`
 * ```
 */
export function comparesValue(
  context: ImportContext,
  raw: TSESTree.Node,
  carries: (node: TSESTree.Node) => boolean,
  depth = 0,
): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrapExpression(raw);
  switch (node.type) {
    case AST_NODE_TYPES.UnaryExpression:
      return node.operator === '!' && comparesValue(context, node.argument, carries, depth + 1);
    case AST_NODE_TYPES.LogicalExpression:
      return (
        comparesValue(context, node.left, carries, depth + 1) || comparesValue(context, node.right, carries, depth + 1)
      );
    case AST_NODE_TYPES.BinaryExpression:
      if (node.operator === 'in') return carries(node.left);
      if (EQUALITY.has(node.operator)) {
        // `LIST.indexOf(host) === -1` is membership; `host === 'x'` is equality.
        return (
          comparesValue(context, node.left, carries, depth + 1) ||
          comparesValue(context, node.right, carries, depth + 1) ||
          ((carries(node.left) || carries(node.right)) && !isEmptyValue(node.left) && !isEmptyValue(node.right))
        );
      }
      return false;
    case AST_NODE_TYPES.CallExpression: {
      const call = asMethodCall(node);
      const args = node.arguments.filter(
        (argument): argument is TSESTree.Expression => argument.type !== AST_NODE_TYPES.SpreadElement,
      );
      if (call !== undefined && MEMBERSHIP_METHODS.has(call.method) && args.some((argument) => carries(argument)))
        return true;
      if (call !== undefined && VALUE_TESTS.has(call.method) && carries(call.object)) return true;
      const callee = unwrapExpression(node.callee);
      const name =
        callee.type === AST_NODE_TYPES.Identifier
          ? callee.name
          : callee.type === AST_NODE_TYPES.MemberExpression
            ? memberName(callee)
            : undefined;
      return (
        name !== undefined &&
        nameWords(name).some((word) => CHECK_WORDS.has(word)) &&
        args.some((argument) => carries(argument))
      );
    }
    default:
      return false;
  }
}

/** `''`, `undefined`, `null`: a presence check, not a comparison with a host name. */
function isEmptyValue(raw: TSESTree.Node): boolean {
  const node = unwrapExpression(raw);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name === 'undefined';
  if (node.type === AST_NODE_TYPES.Literal) return node.value === null || literalString(node) === '';
  return false;
}

/** Setter methods whose numeric argument is an HTTP status (`res.status(403)`, `ctx.throw(403)`). */
const STATUS_METHODS: ReadonlySet<string> = new Set(['status', 'sendStatus', 'writeHead', 'code', 'throw', 'send']);

function isClientErrorStatus(raw: TSESTree.Node | undefined): boolean {
  if (raw === undefined) return false;
  const node = unwrapExpression(raw);
  return (
    node.type === AST_NODE_TYPES.Literal && typeof node.value === 'number' && node.value >= 400 && node.value < 500
  );
}

/**
 * Does `node` reject the request: `return …` (with `earlyReturn`; otherwise only a bare
 * `return;` or a returned rejection), `throw …`, a 4xx status (`res.status(403)`,
 * `res.sendStatus(421)`, `res.writeHead(403)`, `reply.code(403)`, `ctx.throw(403)`,
 * `ctx.status = 403`, `res.statusCode = 400`), looking into nested statements but not into
 * nested functions?
 *
 * @example
 * ```ts
 * rejects(ifStatement.consequent) // true for `{ res.status(403).end(); return; }`
 * ```
 */
export function rejects(node: TSESTree.Node, earlyReturn = true, depth = 0): boolean {
  if (depth > 16) return false;
  switch (node.type) {
    case AST_NODE_TYPES.ReturnStatement:
      if (earlyReturn || node.argument === null) return true;
      return rejects(node.argument, earlyReturn, depth + 1);
    case AST_NODE_TYPES.ThrowStatement:
      return true;
    case AST_NODE_TYPES.BlockStatement:
      return node.body.some((statement) => rejects(statement, earlyReturn, depth + 1));
    case AST_NODE_TYPES.IfStatement:
      return (
        rejects(node.consequent, earlyReturn, depth + 1) ||
        (node.alternate !== null && rejects(node.alternate, earlyReturn, depth + 1))
      );
    case AST_NODE_TYPES.ExpressionStatement:
      return rejects(node.expression, earlyReturn, depth + 1);
    case AST_NODE_TYPES.AwaitExpression:
      return rejects(node.argument, earlyReturn, depth + 1);
    case AST_NODE_TYPES.AssignmentExpression: {
      const left = unwrapExpression(node.left);
      const name = left.type === AST_NODE_TYPES.MemberExpression ? memberName(left) : undefined;
      return (name === 'status' || name === 'statusCode') && isClientErrorStatus(node.right);
    }
    case AST_NODE_TYPES.CallExpression: {
      const call = asMethodCall(node);
      if (call === undefined) return false;
      if (STATUS_METHODS.has(call.method) && isClientErrorStatus(node.arguments[0])) return true;
      return rejects(call.object, earlyReturn, depth + 1); // `res.status(403).send('no')`
    }
    default:
      return false;
  }
}

/** Statements whose bodies a Host check may sit in. */
function* statementsOf(body: readonly TSESTree.Statement[]): Generator<TSESTree.Statement> {
  for (const statement of body) {
    yield statement;
    if (statement.type === AST_NODE_TYPES.TryStatement) yield* statementsOf(statement.block.body);
    if (statement.type === AST_NODE_TYPES.BlockStatement) yield* statementsOf(statement.body);
  }
}

/**
 * Is `fn` (a middleware or hook) a Host allowlist check: somewhere in its top-level statements
 * an `if` compares the Host (or a value derived from it) against a list or a name, and one of
 * its branches rejects the request (a 4xx status, `throw`, or an early `return`)?
 *
 * @example
 * ```ts
 * // app.use((req, res, next) => { if (!ALLOWED.has(req.headers.host)) return res.status(403).end(); next(); })
 * isHostAllowlistCheck(context, fn) // true
 * ```
 */
export function isHostAllowlistCheck(
  context: ImportContext,
  fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration,
): boolean {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return false;
  const carries = (node: TSESTree.Node): boolean => carriesHost(context, node);
  for (const statement of statementsOf(fn.body.body)) {
    if (statement.type !== AST_NODE_TYPES.IfStatement) continue;
    if (!comparesValue(context, statement.test, carries)) continue;
    if (rejects(statement.consequent) || (statement.alternate !== null && rejects(statement.alternate))) return true;
  }
  return false;
}
