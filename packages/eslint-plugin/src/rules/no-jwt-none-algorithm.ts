import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  findProperty,
  getStaticString,
  type ImportContext,
  isImportCall,
  isNullish,
  JWT_MODULES_TEXT,
  type JwtApiCall,
  matchesImport,
  matchJwtApiCall,
  mentions,
  resolveConstNode,
  resolveImport,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds =
  'noneAlgorithm' | 'falsyKey' | 'noVerify' | 'unsecuredJwt' | 'removeNone' | 'replaceNone' | 'setNoVerifyFalse';

/** Static truthiness of a node: `true` / `false`, or `undefined` when not statically known. */
function staticTruthiness(context: ImportContext, raw: TSESTree.Node): boolean | undefined {
  const node = unwrapExpression(raw);
  if (isNullish(context, node)) return false;
  if (node.type === AST_NODE_TYPES.UnaryExpression && node.operator === '!') {
    const inner = staticTruthiness(context, node.argument);
    return inner === undefined ? undefined : !inner;
  }
  const resolved = resolveConstNode(context, node);
  if (resolved === undefined) return undefined;
  if (resolved.type === AST_NODE_TYPES.Literal) {
    if ('regex' in resolved) return true;
    if ('bigint' in resolved) return !/^0+$/u.test(resolved.bigint);
    return Boolean(resolved.value);
  }
  if (resolved.type === AST_NODE_TYPES.TemplateLiteral) return (resolved.quasis[0]?.value.cooked ?? '') !== '';
  // Objects and arrays are truthy.
  return true;
}

function isNone(context: ImportContext, node: TSESTree.Node): boolean {
  return getStaticString(context, node)?.toLowerCase() === 'none';
}

export default createRule<[], MessageIds>({
  name: 'no-jwt-none-algorithm',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Disallow JWT verification that accepts unsigned tokens: the 'none' algorithm, a falsy key, or jwt-simple's `noVerify`.",
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      noneAlgorithm: "{{api}} allows the 'none' algorithm: anyone can forge a token that carries no signature at all.",
      falsyKey:
        '{{api}} gets an empty or missing key: with some library versions the signature check is skipped (the token is treated as unsigned); pass the real key.',
      noVerify:
        'jwt-simple decode() is called with a truthy `noVerify`: the signature is not checked, so anyone can forge the token.',
      unsecuredJwt:
        "jose UnsecuredJWT.decode() accepts unsigned ('none') tokens; verify tokens with jwtVerify() and a key.",
      removeNone: "Remove 'none' from the allowed algorithms.",
      replaceNone: "Replace 'none' with 'RS256' (use the algorithm your tokens are really signed with).",
      setNoVerifyFalse: 'Pass `false` for `noVerify` so that the signature is checked.',
    },
    schema: [],
    defaultOptions: [],
  },
  // Kept equal to meta.defaultOptions (plugin convention; checked by test/plugin.test.ts).
  create(context) {
    if (!mentions(context, JWT_MODULES_TEXT)) return {};
    // A const array shared by several calls is reported once.
    const reported = new Set<TSESTree.Node>();

    function reportNone(api: string, noneNode: TSESTree.Node, array: TSESTree.ArrayExpression | undefined): void {
      if (reported.has(noneNode)) return;
      reported.add(noneNode);
      const suggestions: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      if (array !== undefined) {
        const elements = array.elements;
        const index = elements.indexOf(noneNode as TSESTree.Expression);
        const others = elements.filter((element) => element !== null && element !== noneNode);
        if (index !== -1 && others.length > 0) {
          suggestions.push({
            messageId: 'removeNone',
            fix(fixer) {
              const next = elements[index + 1];
              if (next != null) return fixer.removeRange([noneNode.range[0], next.range[0]]);
              const previous = elements[index - 1];
              if (previous == null) return null;
              return fixer.removeRange([previous.range[1], noneNode.range[1]]);
            },
          });
        }
      }
      suggestions.push({ messageId: 'replaceNone', fix: (fixer) => fixer.replaceText(noneNode, "'RS256'") });
      context.report({ node: noneNode, messageId: 'noneAlgorithm', data: { api }, suggest: suggestions });
    }

    /** Reports 'none' in `algorithms` (array or string) and `algorithm` of one options object. */
    function checkAlgorithms(api: string, object: TSESTree.Node): void {
      const algorithms = findProperty(context, object, 'algorithms');
      if (algorithms.found === true) {
        const value = resolveConstNode(context, algorithms.value);
        if (value?.type === AST_NODE_TYPES.ArrayExpression) {
          for (const element of value.elements) {
            if (element !== null && element.type !== AST_NODE_TYPES.SpreadElement && isNone(context, element)) {
              reportNone(api, element, value);
            }
          }
        } else if (isNone(context, algorithms.value)) {
          reportNone(api, algorithms.value, undefined);
        }
      }
      const algorithm = findProperty(context, object, 'algorithm');
      if (algorithm.found === true && isNone(context, algorithm.value)) reportNone(api, algorithm.value, undefined);
    }

    /** Option objects of a call that may carry algorithm settings. */
    function optionObjects(call: JwtApiCall): TSESTree.Node[] {
      const options = call.options;
      if (options === undefined) return [];
      const objects: TSESTree.Node[] = [options];
      const nestedKeys =
        call.id === 'fastify-jwt'
          ? ['verify', 'sign', 'decode']
          : call.id === 'passport-jwt'
            ? ['jsonWebTokenOptions']
            : [];
      for (const key of nestedKeys) {
        const nested = findProperty(context, options, key);
        if (nested.found === true) objects.push(nested.value);
      }
      return objects;
    }

    function checkFalsyKey(call: JwtApiCall): void {
      if (call.id === 'jsonwebtoken.verify' || call.id === 'jose.jwtVerify') {
        if (call.key === undefined) {
          context.report({ node: call.node, messageId: 'falsyKey', data: { api: call.label } });
        } else if (staticTruthiness(context, call.key) === false) {
          context.report({ node: call.key, messageId: 'falsyKey', data: { api: call.label } });
        }
        return;
      }
      if (call.secretOption === undefined || call.options === undefined) return;
      const secret = findProperty(context, call.options, call.secretOption);
      if (secret.found === true && staticTruthiness(context, secret.value) === false) {
        context.report({ node: secret.value, messageId: 'falsyKey', data: { api: call.label } });
      }
    }

    function checkJwtSimple(node: TSESTree.CallExpression): void {
      if (!isImportCall(context, node, 'jwt-simple', ['decode'])) return;
      const noVerify = node.arguments[2];
      if (noVerify === undefined || noVerify.type === AST_NODE_TYPES.SpreadElement) return;
      if (staticTruthiness(context, noVerify) !== true) return;
      context.report({
        node: noVerify,
        messageId: 'noVerify',
        suggest: [{ messageId: 'setNoVerifyFalse', fix: (fixer) => fixer.replaceText(noVerify, 'false') }],
      });
    }

    function visit(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
      if (node.type === AST_NODE_TYPES.CallExpression) {
        checkJwtSimple(node);
        if (matchesImport(resolveImport(context, node.callee), 'jose', ['UnsecuredJWT', 'decode'])) {
          context.report({ node, messageId: 'unsecuredJwt' });
          return;
        }
      }
      const call = matchJwtApiCall(context, node);
      if (call === undefined) return;
      // jws.verify(signature, 'none', key): the algorithm is positional.
      if (call.id === 'jws.verify') {
        if (call.options !== undefined && isNone(context, call.options))
          reportNone(call.label, call.options, undefined);
        return;
      }
      for (const object of optionObjects(call)) checkAlgorithms(call.label, object);
      checkFalsyKey(call);
    }

    return { CallExpression: visit, NewExpression: visit };
  },
});
