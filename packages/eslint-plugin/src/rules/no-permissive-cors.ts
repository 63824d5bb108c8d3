import { AST_NODE_TYPES, TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  CORS_TEXT,
  elementRemovalRange,
  enclosingFunction,
  findProperty,
  findVariableFor,
  type FunctionNode,
  getStaticString,
  isMatchAllRegexSource,
  isNullish,
  isRequestOriginRead,
  literalString,
  matchesImport,
  memberName,
  mentions,
  propertyRemovalRange,
  resolveConstNode,
  resolveFunction,
  resolveImport,
  soleResult,
  staticBoolean,
  resolveRegex,
  unwrapExpression,
  variableSource,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds =
  | 'reflectedOriginWithCredentials'
  | 'wildcardWithCredentials'
  | 'nullOrigin'
  | 'wildcardOrigin'
  | 'reflectedHeaderWithCredentials'
  | 'removeCredentials'
  | 'removeNullOrigin';

type Options = [{ allowWildcardWithoutCredentials: boolean }];

/** Which CORS middleware a configuration belongs to; their defaults differ. */
type CorsLibrary = 'cors' | '@koa/cors' | '@fastify/cors';

/** What the `origin` option lets through. */
type OriginKind = 'reflect' | 'wildcard' | 'safe' | 'unknown';

const CORS_HEADER_SETTERS: ReadonlySet<string> = new Set(['setHeader', 'header', 'set', 'append', 'appendHeader']);
const CORS_HEADER_OBJECT_SETTERS: ReadonlySet<string> = new Set([
  'set',
  'header',
  'headers',
  'writeHead',
  'setHeaders',
]);
const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';

/** Per-function facts about hand-written CORS headers. */
interface HeaderState {
  reflected: TSESTree.Node[];
  wildcard: TSESTree.Node[];
  credentials: boolean;
  originReads: TSESTree.Node[];
}

export default createRule<Options, MessageIds>({
  name: 'no-permissive-cors',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow CORS configurations that let any website read responses, especially with credentials, or that trust the `null` origin.',
      recommended: true,
      strictOptions: [{ allowWildcardWithoutCredentials: false }],
    },
    hasSuggestions: true,
    messages: {
      reflectedOriginWithCredentials:
        'This CORS configuration echoes any request Origin and allows credentials: every website can send credentialed requests and read the responses. Allow an explicit list of trusted origins.',
      wildcardWithCredentials:
        'CORS with credentials but no origin allowlist: browsers refuse `*` with credentials, and the usual "fix" (`origin: true`) lets every website read authenticated responses. Allow an explicit list of trusted origins.',
      nullOrigin:
        "The 'null' origin is sent by sandboxed iframes, data: and file: documents that any attacker can create; never allow it.",
      wildcardOrigin:
        "This CORS configuration lets every website read the responses from a visitor's browser, including internal and localhost APIs the browser can reach. Allow an explicit list of trusted origins.",
      reflectedHeaderWithCredentials:
        "Access-Control-Allow-Origin is copied from the request's Origin while Access-Control-Allow-Credentials is 'true': every website can send credentialed requests and read the responses. Compare the Origin with an allowlist first.",
      removeCredentials: 'Remove `credentials: true` (cookies and HTTP auth are then not sent cross-origin).',
      removeNullOrigin: "Remove the 'null' origin.",
    },
    schema: [
      {
        type: 'object',
        properties: {
          allowWildcardWithoutCredentials: {
            type: 'boolean',
            description:
              "Allow configurations that let every origin read responses without credentials (`cors()`, `origin: '*'`, `origin: true` without `credentials`). Set to `false` to report them too.",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowWildcardWithoutCredentials: true }],
  },
  create(context, [options]) {
    if (!mentions(context, CORS_TEXT)) return {};
    const { sourceCode } = context;
    const headerStates = new Map<FunctionNode | TSESTree.Program, HeaderState>();

    function stateFor(node: TSESTree.Node): HeaderState {
      const owner = enclosingFunction(node);
      let state = headerStates.get(owner);
      if (state === undefined) {
        state = { reflected: [], wildcard: [], credentials: false, originReads: [] };
        headerStates.set(owner, state);
      }
      return state;
    }

    /** `cb(null, true)` / `cb(null, origin)` / `return true` / `return origin` in a cors/fastify origin function. */
    function isReflectingCallbackFunction(fn: FunctionNode): boolean {
      const [originParam, callbackParam] = fn.params;
      const originName = originParam?.type === AST_NODE_TYPES.Identifier ? originParam.name : undefined;
      const callbackName = callbackParam?.type === AST_NODE_TYPES.Identifier ? callbackParam.name : undefined;
      const isAllowAll = (node: TSESTree.Node): boolean => {
        const value = unwrapExpression(node);
        if (value.type === AST_NODE_TYPES.Literal && value.value === true) return true;
        return originName !== undefined && value.type === AST_NODE_TYPES.Identifier && value.name === originName;
      };
      const isCallbackAllow = (node: TSESTree.Node): boolean => {
        const call = unwrapExpression(node);
        if (call.type !== AST_NODE_TYPES.CallExpression || callbackName === undefined) return false;
        if (call.callee.type !== AST_NODE_TYPES.Identifier || call.callee.name !== callbackName) return false;
        const [error, allowed] = call.arguments;
        if (error === undefined || allowed === undefined) return false;
        const errorValue = unwrapExpression(error);
        return errorValue.type === AST_NODE_TYPES.Literal && errorValue.value === null && isAllowAll(allowed);
      };
      const result = soleResult(fn);
      if (result === undefined) return false;
      return isCallbackAllow(result.node) || (result.kind === 'return' && isAllowAll(result.node));
    }

    /** `(ctx) => ctx.get('Origin')` / `ctx.request.header.origin` (optionally `|| '*'`) for @koa/cors. */
    function isReflectingKoaFunction(fn: FunctionNode): boolean {
      const result = soleResult(fn);
      return result?.kind === 'return' && isOriginValue(result.node);
    }

    /** A request-origin read, a fallback `origin || '*'`, or a const bound to one of those. */
    function isOriginValue(raw: TSESTree.Node, depth = 0): boolean {
      if (depth > 4) return false;
      const node = unwrapExpression(raw);
      if (isRequestOriginRead(node)) return true;
      if (node.type === AST_NODE_TYPES.AwaitExpression) return isOriginValue(node.argument, depth + 1);
      if (node.type === AST_NODE_TYPES.LogicalExpression && node.operator !== '&&')
        return isOriginValue(node.left, depth + 1);
      if (node.type === AST_NODE_TYPES.Identifier) {
        const variable = findVariableFor(context, node);
        if (variable?.defs.length !== 1) return false;
        const def = variable.defs[0];
        if (
          def?.type !== TSESLint.Scope.DefinitionType.Variable ||
          def.node.init === null ||
          def.node.id.type !== AST_NODE_TYPES.Identifier
        )
          return false;
        if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return false;
        return isOriginValue(def.node.init, depth + 1);
      }
      return false;
    }

    function classifyOrigin(
      library: CorsLibrary,
      value: TSESTree.Node,
    ): { kind: OriginKind; nullEntries: TSESTree.Node[]; directNull: boolean } {
      const nullEntries: TSESTree.Node[] = [];
      const regex = resolveRegex(context, value);
      if (regex !== undefined) {
        return { kind: isMatchAllRegexSource(regex.pattern) ? 'reflect' : 'safe', nullEntries, directNull: false };
      }
      const resolved = resolveConstNode(context, value);
      if (resolved?.type === AST_NODE_TYPES.Literal) {
        if (resolved.value === true)
          return { kind: library === '@koa/cors' ? 'unknown' : 'reflect', nullEntries, directNull: false };
        if (resolved.value === '*') return { kind: 'wildcard', nullEntries, directNull: false };
        if (typeof resolved.value === 'string' && resolved.value.trim().toLowerCase() === 'null') {
          nullEntries.push(value);
          return { kind: 'safe', nullEntries, directNull: true };
        }
        return { kind: 'safe', nullEntries, directNull: false };
      }
      if (resolved?.type === AST_NODE_TYPES.ArrayExpression) {
        let kind: OriginKind = 'safe';
        for (const element of resolved.elements) {
          if (element === null || element.type === AST_NODE_TYPES.SpreadElement) continue;
          const entryRegex = resolveRegex(context, element);
          if (entryRegex !== undefined && isMatchAllRegexSource(entryRegex.pattern)) kind = 'reflect';
          if (getStaticString(context, element)?.trim().toLowerCase() === 'null') nullEntries.push(element);
        }
        return { kind, nullEntries, directNull: false };
      }
      const fn = resolveFunction(context, value);
      if (fn !== undefined) {
        const reflects = library === '@koa/cors' ? isReflectingKoaFunction(fn) : isReflectingCallbackFunction(fn);
        return { kind: reflects ? 'reflect' : 'unknown', nullEntries, directNull: false };
      }
      return { kind: 'unknown', nullEntries, directNull: false };
    }

    function checkCorsOptions(
      library: CorsLibrary,
      call: TSESTree.CallExpression,
      optionsNode: TSESTree.Node | undefined,
    ): void {
      let kind: OriginKind;
      let credentials: boolean | undefined = false;
      let credentialsProperty: TSESTree.Property | undefined;
      let originNode: TSESTree.Node = call;

      if (optionsNode === undefined) {
        kind = 'wildcard';
      } else {
        const object = resolveConstNode(context, optionsNode);
        if (object?.type !== AST_NODE_TYPES.ObjectExpression) return;
        const origin = findProperty(context, object, 'origin');
        const credentialsLookup = findProperty(context, object, 'credentials');
        if (origin.unknown === true) return;
        if (credentialsLookup.unknown) {
          credentials = undefined;
        } else if (credentialsLookup.found) {
          credentials = staticBoolean(context, credentialsLookup.value);
          credentialsProperty = credentialsLookup.property;
        }
        if (origin.found) {
          originNode = origin.property;
          const classified = classifyOrigin(library, origin.value);
          kind = classified.kind;
          for (const entry of classified.nullEntries) reportNull(entry, classified.directNull);
        } else {
          // cors / @fastify/cors default to `*`; @koa/cors echoes the Origin (v4) or uses `*` (v5).
          kind = 'wildcard';
          if (credentialsProperty !== undefined) originNode = credentialsProperty;
        }
      }

      // @koa/cors replaces `*` by the request Origin when credentials are on.
      if (library === '@koa/cors' && kind === 'wildcard' && credentials === true) kind = 'reflect';

      if ((kind === 'reflect' || kind === 'wildcard') && credentials === true) {
        const suggest: TSESLint.ReportSuggestionArray<MessageIds> = [];
        const property = credentialsProperty;
        const range = property === undefined ? undefined : propertyRemovalRange(sourceCode, property);
        if (range !== undefined) {
          suggest.push({ messageId: 'removeCredentials', fix: (fixer) => fixer.removeRange(range) });
        }
        context.report({
          node: originNode,
          messageId: kind === 'reflect' ? 'reflectedOriginWithCredentials' : 'wildcardWithCredentials',
          suggest,
        });
        return;
      }
      if (
        (kind === 'reflect' || kind === 'wildcard') &&
        credentials !== true &&
        !options.allowWildcardWithoutCredentials
      ) {
        // Discovery documents under /.well-known/ (OAuth metadata, RFC 8414 / RFC 9728) are public
        // by design and must be readable by browser clients on any origin.
        if (isWellKnownRoute(call)) return;
        context.report({ node: originNode, messageId: 'wildcardOrigin' });
      }
    }

    /** Static text a path argument starts with: a string, or the leading text of a template (through a const). */
    function staticPrefix(node: TSESTree.Node): string | undefined {
      const text = getStaticString(context, node);
      if (text !== undefined) return text;
      let unwrapped = unwrapExpression(node);
      if (unwrapped.type === AST_NODE_TYPES.Identifier) {
        const source = variableSource(context, unwrapped);
        if (source !== undefined && source.key === undefined) unwrapped = unwrapExpression(source.init);
      }
      return unwrapped.type === AST_NODE_TYPES.TemplateLiteral
        ? (unwrapped.quasis[0]?.value.cooked ?? undefined)
        : undefined;
    }

    /** Is this `cors(...)` call mounted on a `/.well-known/…` route (`app.get('/.well-known/x', cors(), h)`)? */
    function isWellKnownRoute(call: TSESTree.CallExpression): boolean {
      const route = call.parent;
      if (route.type !== AST_NODE_TYPES.CallExpression || !route.arguments.includes(call)) return false;
      const [path] = route.arguments;
      if (path === undefined || path === call || path.type === AST_NODE_TYPES.SpreadElement) return false;
      return staticPrefix(path)?.startsWith('/.well-known/') ?? false;
    }

    function reportNull(entry: TSESTree.Node, direct: boolean): void {
      const range = direct ? undefined : elementRemovalRange(sourceCode, entry);
      context.report({
        node: entry,
        messageId: 'nullOrigin',
        suggest:
          range === undefined ? [] : [{ messageId: 'removeNullOrigin', fix: (fixer) => fixer.removeRange(range) }],
      });
    }

    function recordHeader(nameNode: TSESTree.Node, valueNode: TSESTree.Node): void {
      const name = getStaticString(context, nameNode)?.toLowerCase();
      if (name === ACAO) {
        const state = stateFor(valueNode);
        const text = getStaticString(context, valueNode);
        if (text?.trim().toLowerCase() === 'null') reportNull(valueNode, true);
        else if (text === '*') state.wildcard.push(valueNode);
        else if (isOriginValue(valueNode)) state.reflected.push(valueNode);
      } else if (name === ACAC) {
        const text = getStaticString(context, valueNode);
        if (text?.trim().toLowerCase() === 'true' || staticBoolean(context, valueNode) === true) {
          stateFor(valueNode).credentials = true;
        }
      }
    }

    function recordHeaderObject(objectNode: TSESTree.Node): void {
      const object = resolveConstNode(context, objectNode);
      if (object?.type !== AST_NODE_TYPES.ObjectExpression || object !== unwrapExpression(objectNode)) return;
      for (const property of object.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const key = property.computed
          ? property.key
          : property.key.type === AST_NODE_TYPES.Identifier
            ? undefined
            : property.key;
        if (key === undefined) continue;
        recordHeader(key, property.value);
      }
    }

    /** Is this read of the Origin (or a variable holding it) compared, looked up or passed to a check? */
    function isValidationUse(node: TSESTree.Node): boolean {
      let child = node;
      let parent = node.parent;
      while (
        parent !== undefined &&
        (parent.type === AST_NODE_TYPES.TSAsExpression ||
          parent.type === AST_NODE_TYPES.TSNonNullExpression ||
          parent.type === AST_NODE_TYPES.ChainExpression)
      ) {
        child = parent;
        parent = parent.parent;
      }
      if (parent === undefined) return false;
      switch (parent.type) {
        case AST_NODE_TYPES.CallExpression:
        case AST_NODE_TYPES.NewExpression:
          if (parent.arguments.includes(child as TSESTree.Expression)) return !isHeaderSetterCall(parent);
          return false;
        case AST_NODE_TYPES.MemberExpression:
          if (parent.object === child)
            return parent.parent.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent;
          return parent.property === child && parent.computed;
        case AST_NODE_TYPES.BinaryExpression: {
          if (parent.operator === 'in') return true;
          if (!['===', '!==', '==', '!='].includes(parent.operator)) return false;
          const other = parent.left === child ? parent.right : parent.left;
          return !isEmptyValue(other);
        }
        case AST_NODE_TYPES.SwitchStatement:
          return parent.discriminant === child;
        default:
          return false;
      }
    }

    /** `null`, `undefined`, `void 0` or `''`: a header value that says nothing. */
    function isEmptyValue(node: TSESTree.Node): boolean {
      return isNullish(context, node) || literalString(node) === '';
    }

    function isHeaderSetterCall(call: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
      if (call.type !== AST_NODE_TYPES.CallExpression) return false;
      const callee = unwrapExpression(call.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      const method = memberName(callee);
      return method !== undefined && (CORS_HEADER_SETTERS.has(method) || method === 'vary');
    }

    /** Every use of the Origin inside the function that owns `state`, through const aliases. */
    function isOriginValidated(state: HeaderState): boolean {
      const uses: TSESTree.Node[] = [...state.originReads];
      for (const read of state.originReads) {
        const declarator = climbToDeclarator(read);
        if (declarator?.id.type !== AST_NODE_TYPES.Identifier) continue;
        const variable = findVariableFor(context, declarator.id);
        if (variable === null) continue;
        for (const reference of variable.references) {
          if (!reference.init) uses.push(reference.identifier);
        }
      }
      return uses.some((use) => isValidationUse(use));
    }

    function climbToDeclarator(node: TSESTree.Node): TSESTree.VariableDeclarator | undefined {
      let current: TSESTree.Node | undefined = node.parent;
      while (
        current !== undefined &&
        (current.type === AST_NODE_TYPES.LogicalExpression ||
          current.type === AST_NODE_TYPES.TSAsExpression ||
          current.type === AST_NODE_TYPES.TSNonNullExpression ||
          current.type === AST_NODE_TYPES.AwaitExpression)
      ) {
        current = current.parent;
      }
      return current?.type === AST_NODE_TYPES.VariableDeclarator ? current : undefined;
    }

    function corsLibraryOfRegisteredPlugin(node: TSESTree.Node): boolean {
      const ref = resolveImport(context, node);
      return matchesImport(ref, '@fastify/cors', []) || matchesImport(ref, '@fastify/cors', ['fastifyCors']);
    }

    return {
      CallExpression(node) {
        if (isRequestOriginRead(node)) stateFor(node).originReads.push(node);

        const ref = resolveImport(context, node.callee);
        const [first, second] = node.arguments;
        if (matchesImport(ref, 'cors', [])) {
          checkCorsOptions('cors', node, first);
          return;
        }
        if (matchesImport(ref, '@koa/cors', [])) {
          checkCorsOptions('@koa/cors', node, first);
          return;
        }
        const callee = unwrapExpression(node.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const method = memberName(callee);
        if (method === 'register' && first !== undefined && corsLibraryOfRegisteredPlugin(first)) {
          checkCorsOptions('@fastify/cors', node, second);
          return;
        }
        if (method !== undefined && CORS_HEADER_SETTERS.has(method) && first !== undefined && second !== undefined) {
          recordHeader(first, second);
        }
        if (method !== undefined && CORS_HEADER_OBJECT_SETTERS.has(method)) {
          for (const argument of node.arguments) {
            if (argument.type !== AST_NODE_TYPES.SpreadElement) recordHeaderObject(argument);
          }
        }
      },
      MemberExpression(node) {
        if (isRequestOriginRead(node)) stateFor(node).originReads.push(node);
      },
      'Program:exit'() {
        for (const state of headerStates.values()) {
          if (!state.credentials) continue;
          if (state.reflected.length > 0 && !isOriginValidated(state)) {
            for (const value of state.reflected)
              context.report({ node: value, messageId: 'reflectedHeaderWithCredentials' });
          }
          for (const value of state.wildcard) context.report({ node: value, messageId: 'wildcardWithCredentials' });
        }
      },
    };
  },
});
