import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  enclosingFunction,
  getSingleAssignment,
  getStaticString,
  type ImportContext,
  JWT_MODULES_TEXT,
  matchesImport,
  mentions,
  PART_STRING_METHODS,
  resolveImport,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds = 'decodeWithoutVerify';

/** Request properties that hold client-controlled headers, cookies or query values. */
const SOURCE_CONTAINERS = new Set(['headers', 'header', 'cookies', 'signedCookies', 'query']);
/** String methods that keep a value derived from the token (`.split(' ')[1]`, `.replace(/^Bearer /, '')`). */
const DERIVING_METHODS = new Set([
  ...PART_STRING_METHODS,
  'trim',
  'trimStart',
  'trimEnd',
  'toString',
  'at',
  'pop',
  'shift',
]);
/** Header getters: `req.get('authorization')`, `req.header('authorization')`, `res.getHeader`. */
const HEADER_GETTERS = new Set(['get', 'header', 'getHeader']);
/** Names passed to a header getter that denote a token. */
const TOKEN_NAME = /auth|token|jwt|bearer|session|cookie/iu;

/**
 * Where a request token comes from: the variables it flows through and the request reads it is
 * derived from (`req.headers.authorization`, lower-cased). Two tokens are "the same" when these
 * sets intersect.
 */
type Origin = Set<TSESLint.Scope.Variable | string>;

const MAX_DEPTH = 16;

function propertyName(context: ImportContext, member: TSESTree.MemberExpression): string | undefined {
  if (!member.computed) return member.property.type === AST_NODE_TYPES.Identifier ? member.property.name : undefined;
  return getStaticString(context, member.property);
}

/** A stable text key for a member chain such as `req.headers.authorization`. */
function chainKey(context: ImportContext, raw: TSESTree.Node): string | undefined {
  const node = unwrapExpression(raw);
  if (node.type === AST_NODE_TYPES.Identifier) return node.name;
  if (node.type === AST_NODE_TYPES.ThisExpression) return 'this';
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const object = chainKey(context, node.object);
    const name = propertyName(context, node);
    return object === undefined || name === undefined ? undefined : `${object}.${name}`.toLowerCase();
  }
  return undefined;
}

/** Is `node` a request header / cookie / query container (`req.headers`, `ctx.request.header`, `const { headers } = req`)? */
function isSourceContainer(context: ImportContext, raw: TSESTree.Node, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const node = unwrapExpression(raw);
  if (node.type === AST_NODE_TYPES.MemberExpression) {
    const name = propertyName(context, node);
    return name !== undefined && SOURCE_CONTAINERS.has(name);
  }
  if (node.type === AST_NODE_TYPES.Identifier) {
    const binding = getSingleAssignment(context, node);
    if (binding?.path === undefined) return false;
    const last = binding.path[binding.path.length - 1];
    if (last !== undefined) return SOURCE_CONTAINERS.has(last);
    return isSourceContainer(context, binding.init, depth + 1);
  }
  return false;
}

function merge(...origins: (Origin | undefined)[]): Origin | undefined {
  let result: Origin | undefined;
  for (const origin of origins) {
    if (origin === undefined) continue;
    result ??= new Set();
    for (const entry of origin) result.add(entry);
  }
  return result;
}

/**
 * The origin of a value derived from a request header / cookie / query read, or `undefined` when
 * the value is not (provably) derived from one.
 */
function requestOrigin(context: ImportContext, raw: TSESTree.Node, depth: number): Origin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrapExpression(raw);
  switch (node.type) {
    case AST_NODE_TYPES.MemberExpression: {
      if (isSourceContainer(context, node.object, depth + 1)) {
        const key = chainKey(context, node);
        return new Set([key ?? context.sourceCode.getText(node)]);
      }
      // `parts[1]` of a derived value (`header.split(' ')[1]`)
      if (node.computed) return requestOrigin(context, node.object, depth + 1);
      return undefined;
    }
    case AST_NODE_TYPES.CallExpression: {
      const callee = unwrapExpression(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const method = propertyName(context, callee);
      if (method === undefined) return undefined;
      if (DERIVING_METHODS.has(method)) return requestOrigin(context, callee.object, depth + 1);
      const first = node.arguments[0];
      if (first === undefined || first.type === AST_NODE_TYPES.SpreadElement) return undefined;
      const name = getStaticString(context, first);
      if (name === undefined) return undefined;
      // `ctx.cookies.get('token')`, `request.headers.get('authorization')`
      if (method === 'get' && isSourceContainer(context, callee.object, depth + 1)) {
        return new Set([`${chainKey(context, callee.object) ?? ''}.${name}`.toLowerCase()]);
      }
      // `req.get('authorization')`, `req.header('Authorization')`
      if (HEADER_GETTERS.has(method) && TOKEN_NAME.test(name)) {
        const object = chainKey(context, callee.object);
        if (object === undefined) return undefined;
        return new Set([`${object}.headers.${name}`.toLowerCase()]);
      }
      return undefined;
    }
    case AST_NODE_TYPES.LogicalExpression:
      return merge(requestOrigin(context, node.left, depth + 1), requestOrigin(context, node.right, depth + 1));
    case AST_NODE_TYPES.ConditionalExpression:
      return merge(
        requestOrigin(context, node.consequent, depth + 1),
        requestOrigin(context, node.alternate, depth + 1),
      );
    case AST_NODE_TYPES.Identifier: {
      const binding = getSingleAssignment(context, node);
      if (binding === undefined) return undefined;
      let origin: Origin | undefined;
      if (binding.path === undefined) {
        // `const [, token] = header.split(' ')`
        origin =
          binding.declarator.id.type === AST_NODE_TYPES.ArrayPattern
            ? requestOrigin(context, binding.init, depth + 1)
            : undefined;
      } else if (binding.path.length === 0) {
        origin = requestOrigin(context, binding.init, depth + 1);
      } else {
        // `const { authorization } = req.headers`, `const { headers: { authorization } } = req`
        const containerAt = binding.path.slice(0, -1).findIndex((key) => SOURCE_CONTAINERS.has(key));
        if (containerAt !== -1 || isSourceContainer(context, binding.init, depth + 1)) {
          const base = chainKey(context, binding.init) ?? context.sourceCode.getText(binding.init);
          origin = new Set([`${base}.${binding.path.join('.')}`.toLowerCase()]);
        }
      }
      if (origin === undefined) return undefined;
      origin.add(binding.variable);
      return origin;
    }
    default:
      return undefined;
  }
}

/** Is the call's value discarded (`jwt.decode(t);` as a statement, or `void jwt.decode(t)`)? */
function isResultUnused(node: TSESTree.Node): boolean {
  let child: TSESTree.Node = node;
  let parent = node.parent;
  while (
    parent !== undefined &&
    (parent.type === AST_NODE_TYPES.ChainExpression ||
      parent.type === AST_NODE_TYPES.TSAsExpression ||
      parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      parent.type === AST_NODE_TYPES.TSSatisfiesExpression)
  ) {
    child = parent;
    parent = parent.parent;
  }
  if (parent === undefined) return false;
  if (parent.type === AST_NODE_TYPES.ExpressionStatement) return true;
  return parent.type === AST_NODE_TYPES.UnaryExpression && parent.operator === 'void' && parent.argument === child;
}

type FunctionNode = ReturnType<typeof enclosingFunction>;

function isInside(node: TSESTree.Node, container: TSESTree.Node): boolean {
  return container.range[0] <= node.range[0] && node.range[1] <= container.range[1];
}

interface DecodeCall {
  node: TSESTree.CallExpression;
  api: string;
  origin: Origin;
  scope: FunctionNode;
}

interface VerifyCall {
  node: TSESTree.CallExpression;
  token: TSESTree.Node | undefined;
}

export default createRule<[], MessageIds>({
  name: 'no-jwt-decode-for-auth',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow trusting the claims of a request token that was decoded (`jwt.decode`, `jwtDecode`, `decodeJwt`) but never verified.',
      recommended: true,
    },
    messages: {
      decodeWithoutVerify:
        '{{api}} only decodes the request token, it does not check the signature, and this function never verifies that token: anyone can forge its claims. Verify it (jwt.verify / jose jwtVerify) and use the verified payload.',
    },
    schema: [],
    defaultOptions: [],
  },
  // Kept equal to meta.defaultOptions (plugin convention; checked by test/plugin.test.ts).
  create(context) {
    if (!mentions(context, JWT_MODULES_TEXT)) return {};
    const decodes: DecodeCall[] = [];
    const verifies: VerifyCall[] = [];

    function decodeApi(node: TSESTree.CallExpression): string | undefined {
      const ref = resolveImport(context, node.callee);
      if (matchesImport(ref, 'jsonwebtoken', ['decode'])) return 'jwt.decode()';
      if (matchesImport(ref, 'jwt-decode', ['jwtDecode']) || matchesImport(ref, 'jwt-decode', [])) return 'jwtDecode()';
      if (matchesImport(ref, 'jose', ['decodeJwt'])) return 'jose decodeJwt()';
      return undefined;
    }

    function isVerifier(node: TSESTree.CallExpression): boolean {
      const ref = resolveImport(context, node.callee);
      if (matchesImport(ref, 'jsonwebtoken', ['verify']) || matchesImport(ref, 'jose', ['jwtVerify'])) return true;
      // jwt-simple's decode verifies the signature (unless noVerify, reported by no-jwt-none-algorithm).
      if (matchesImport(ref, 'jwt-simple', ['decode'])) return true;
      // @fastify/jwt decorators: `request.jwtVerify()`, `fastify.jwt.verify(token)`.
      const callee = unwrapExpression(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const method = propertyName(context, callee);
      if (method === 'jwtVerify') return true;
      const object = unwrapExpression(callee.object);
      return (
        method === 'verify' &&
        object.type === AST_NODE_TYPES.MemberExpression &&
        propertyName(context, object) === 'jwt'
      );
    }

    /** Does `verify` check the same token as `decode` (or a token we cannot tell apart from it)? */
    function verifiesSameToken(decode: DecodeCall, verify: VerifyCall): boolean {
      if (verify.token === undefined) return true; // `request.jwtVerify()` reads the request itself
      const origin = requestOrigin(context, verify.token, 0);
      if (origin === undefined) {
        // A token of unknown origin might be this one — unless it is a literal.
        const unwrapped = unwrapExpression(verify.token);
        return unwrapped.type !== AST_NODE_TYPES.Literal && unwrapped.type !== AST_NODE_TYPES.TemplateLiteral;
      }
      for (const entry of origin) if (decode.origin.has(entry)) return true;
      return false;
    }

    return {
      CallExpression(node): void {
        if (isVerifier(node)) {
          const first = node.arguments[0];
          verifies.push({
            node,
            token: first === undefined || first.type === AST_NODE_TYPES.SpreadElement ? undefined : first,
          });
          return;
        }
        const api = decodeApi(node);
        if (api === undefined) return;
        const token = node.arguments[0];
        if (token === undefined || token.type === AST_NODE_TYPES.SpreadElement) return;
        if (isResultUnused(node)) return;
        const origin = requestOrigin(context, token, 0);
        if (origin === undefined) return; // not provably a request token: stay silent
        decodes.push({ node, api, origin, scope: enclosingFunction(node) });
      },
      'Program:exit'(): void {
        for (const decode of decodes) {
          const verified = verifies.some(
            (verify) => isInside(verify.node, decode.scope) && verifiesSameToken(decode, verify),
          );
          if (!verified)
            context.report({ node: decode.node, messageId: 'decodeWithoutVerify', data: { api: decode.api } });
        }
      },
    };
  },
});
