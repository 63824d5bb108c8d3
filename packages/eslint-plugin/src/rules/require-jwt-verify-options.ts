import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  findProperty,
  type ImportContext,
  isNullish,
  JWT_MODULES_TEXT,
  type JwtApiCall,
  matchJwtApiCall,
  mentions,
  resolveConstNode,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

/** Options of `require-jwt-verify-options`. */
export interface Options {
  /** Also require the expected issuer (`issuer` / fast-jwt `allowedIss`). */
  requireIssuer?: boolean;
}

type MessageIds = 'noOptions' | 'missingOptions' | 'jwsNoAlgorithm' | 'addPlaceholders';

/** One option the rule requires, with the placeholder its suggestion inserts. */
interface Requirement {
  /** Key as written in the options object. */
  key: string;
  /** Name shown in messages (`verify.allowedAud` for @fastify/jwt). */
  display: string;
  placeholder: string;
}

type Presence = 'present' | 'missing' | 'unknown';

const ALGORITHMS_PLACEHOLDER = "['RS256']";
const AUDIENCE_PLACEHOLDER = "'<expected-audience>'";
const ISSUER_PLACEHOLDER = "'<expected-issuer>'";

function requirementsFor(call: JwtApiCall, requireIssuer: boolean): Requirement[] {
  if (call.id === 'fast-jwt') {
    const list: Requirement[] = [
      { key: 'algorithms', display: 'algorithms', placeholder: ALGORITHMS_PLACEHOLDER },
      { key: 'allowedAud', display: 'allowedAud', placeholder: AUDIENCE_PLACEHOLDER },
    ];
    if (requireIssuer) list.push({ key: 'allowedIss', display: 'allowedIss', placeholder: ISSUER_PLACEHOLDER });
    return list;
  }
  if (call.id === 'fastify-jwt') {
    const list: Requirement[] = [
      { key: 'algorithms', display: 'verify.algorithms', placeholder: ALGORITHMS_PLACEHOLDER },
      { key: 'allowedAud', display: 'verify.allowedAud', placeholder: AUDIENCE_PLACEHOLDER },
    ];
    if (requireIssuer) list.push({ key: 'allowedIss', display: 'verify.allowedIss', placeholder: ISSUER_PLACEHOLDER });
    return list;
  }
  const list: Requirement[] = [
    { key: 'algorithms', display: 'algorithms', placeholder: ALGORITHMS_PLACEHOLDER },
    { key: 'audience', display: 'audience', placeholder: AUDIENCE_PLACEHOLDER },
  ];
  if (requireIssuer) list.push({ key: 'issuer', display: 'issuer', placeholder: ISSUER_PLACEHOLDER });
  return list;
}

function isFunctionLike(node: TSESTree.Node): boolean {
  const unwrapped = unwrapExpression(node);
  return (
    unwrapped.type === AST_NODE_TYPES.ArrowFunctionExpression || unwrapped.type === AST_NODE_TYPES.FunctionExpression
  );
}

/** Presence of `key` in any of `objects` (passport-jwt also reads `jsonWebTokenOptions`). */
function presenceIn(context: ImportContext, objects: readonly TSESTree.Node[], key: string): Presence {
  let unknown = false;
  for (const object of objects) {
    const lookup = findProperty(context, object, key);
    if (lookup.unknown) {
      unknown = true;
      continue;
    }
    if (lookup.found) {
      if (isNullish(context, lookup.value)) continue;
      return 'present';
    }
  }
  return unknown ? 'unknown' : 'missing';
}

/** The object literal a suggestion edits: the inline argument, else the const object it names. */
function editableObject(context: ImportContext, node: TSESTree.Node): TSESTree.ObjectExpression | undefined {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.ObjectExpression) return unwrapped;
  const resolved = resolveConstNode(context, unwrapped);
  return resolved?.type === AST_NODE_TYPES.ObjectExpression ? resolved : undefined;
}

function insertProperties(
  fixer: TSESLint.RuleFixer,
  object: TSESTree.ObjectExpression,
  text: string,
): TSESLint.RuleFix {
  const last = object.properties[object.properties.length - 1];
  if (last === undefined) return fixer.replaceText(object, `{ ${text} }`);
  return fixer.insertTextAfter(last, `, ${text}`);
}

function joinNames(names: readonly string[]): string {
  const quoted = names.map((name) => `\`${name}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1] ?? ''}`;
}

function objectText(requirements: readonly Requirement[]): string {
  return requirements.map((requirement) => `${requirement.key}: ${requirement.placeholder}`).join(', ');
}

/** Text of the whole options object to add when none is passed. */
function newOptionsText(call: JwtApiCall, requirements: readonly Requirement[]): string {
  const inner = objectText(requirements);
  return call.id === 'fastify-jwt' ? `{ verify: { ${inner} } }` : `{ ${inner} }`;
}

export default createRule<[Options], MessageIds>({
  name: 'require-jwt-verify-options',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require JWT verification to pin the accepted `algorithms` and the expected `audience` (and, in strict, `issuer`).',
      recommended: true,
      strictOptions: [{ requireIssuer: true }],
    },
    hasSuggestions: true,
    messages: {
      noOptions:
        '{{api}} is called without verification options: set {{missing}} so that only tokens signed with the expected algorithm and minted for this service are accepted.',
      missingOptions:
        '{{api}} options do not set {{missing}}: a token signed with an unexpected algorithm, or minted for another service, is accepted.',
      jwsNoAlgorithm:
        "jws.verify() is called without an algorithm: the token's own `alg` header decides how it is checked (algorithm confusion). Pass the expected algorithm: jws.verify(signature, 'RS256', key).",
      addPlaceholders:
        'Add placeholder {{missing}} (a behaviour change: replace the placeholder values with your real algorithm and audience).',
    },
    schema: [
      {
        type: 'object',
        properties: {
          requireIssuer: {
            type: 'boolean',
            description:
              'Also require the expected issuer (`issuer`, or `allowedIss` for fast-jwt and `verify.allowedIss` for @fastify/jwt). `true` in the strict config.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ requireIssuer: false }],
  },
  // Kept equal to meta.defaultOptions (plugin convention; checked by test/plugin.test.ts).
  create(context, [options]) {
    if (!mentions(context, JWT_MODULES_TEXT)) return {};
    const requireIssuer = options.requireIssuer === true;

    function reportNoOptions(call: JwtApiCall, requirements: readonly Requirement[]): void {
      const missing = joinNames(requirements.map((requirement) => requirement.display));
      const text = newOptionsText(call, requirements);
      const { node, optionsIndex, options: optionsNode } = call;
      context.report({
        node,
        messageId: 'noOptions',
        data: { api: call.label, missing },
        suggest: [
          {
            messageId: 'addPlaceholders',
            data: { missing },
            fix(fixer) {
              if (optionsNode !== undefined) {
                // A callback in the options slot, or a nullish placeholder.
                return isFunctionLike(optionsNode)
                  ? fixer.insertTextBefore(optionsNode, `${text}, `)
                  : fixer.replaceText(optionsNode, text);
              }
              const previous = node.arguments[optionsIndex - 1];
              if (previous !== undefined) return fixer.insertTextAfter(previous, `, ${text}`);
              if (optionsIndex !== 0) return null;
              const closing = context.sourceCode.getLastToken(node);
              if (closing?.value !== ')') return null;
              return fixer.insertTextBefore(closing, text);
            },
          },
        ],
      });
    }

    function check(call: JwtApiCall): void {
      if (call.id === 'jws.verify') {
        // jws checks only the signature; the algorithm is the one option it has (positional).
        if (
          call.node.arguments.length < 3 &&
          !call.node.arguments.some((argument) => argument.type === AST_NODE_TYPES.SpreadElement)
        ) {
          context.report({ node: call.node, messageId: 'jwsNoAlgorithm' });
        }
        return;
      }
      const requirements = requirementsFor(call, requireIssuer);
      const optionsNode = call.options;
      if (optionsNode === undefined || isNullish(context, optionsNode) || isFunctionLike(optionsNode)) {
        reportNoOptions(call, requirements);
        return;
      }

      // The objects the options are read from, and the object a suggestion edits.
      let objects: TSESTree.Node[] = [optionsNode];
      let target: TSESTree.ObjectExpression | undefined = editableObject(context, optionsNode);
      let wrapInVerify = false;
      if (call.id === 'fastify-jwt') {
        const verify = findProperty(context, optionsNode, 'verify');
        if (verify.unknown) return;
        if (verify.found && !isNullish(context, verify.value)) {
          objects = [verify.value];
          target = editableObject(context, verify.value);
        } else if (verify.found) {
          target = undefined; // `verify: undefined` — no clean insertion point
          objects = [];
        } else {
          objects = [];
          wrapInVerify = true;
        }
      } else if (call.id === 'passport-jwt') {
        const nested = findProperty(context, optionsNode, 'jsonWebTokenOptions');
        if (nested.unknown) return;
        if (nested.found) objects.push(nested.value);
      }

      const missing: Requirement[] = [];
      for (const requirement of requirements) {
        const presence = objects.length === 0 ? 'missing' : presenceIn(context, objects, requirement.key);
        if (presence === 'unknown') continue;
        if (presence === 'missing') missing.push(requirement);
      }
      if (missing.length === 0) return;

      // Only suggest when every missing key is absent (not `key: undefined`) from the edited object.
      const edited = target;
      const insertable =
        edited !== undefined &&
        missing.every((requirement) => {
          const lookup = wrapInVerify
            ? findProperty(context, optionsNode, 'verify')
            : findProperty(context, edited, requirement.key);
          return lookup.found === false;
        });
      const missingText = joinNames(missing.map((requirement) => requirement.display));
      const insertion = wrapInVerify ? `verify: { ${objectText(missing)} }` : objectText(missing);
      const editTarget = insertable ? target : undefined;
      context.report({
        node: unwrapExpression(optionsNode),
        messageId: 'missingOptions',
        data: { api: call.label, missing: missingText },
        ...(editTarget === undefined
          ? {}
          : {
              suggest: [
                {
                  messageId: 'addPlaceholders',
                  data: { missing: missingText },
                  fix: (fixer: TSESLint.RuleFixer) => insertProperties(fixer, editTarget, insertion),
                },
              ],
            }),
      });
    }

    function visit(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
      const call = matchJwtApiCall(context, node);
      if (call === undefined || call.id === 'jsonwebtoken.sign') return;
      check(call);
    }

    return { CallExpression: visit, NewExpression: visit };
  },
});
