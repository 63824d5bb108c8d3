import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  findProperty,
  followConstAlias,
  getPropertyKey,
  getStaticString,
  type ImportContext,
  isGlobal,
  isImportCall,
  isProcessEnv,
  isTestFile,
  JWT_MODULES_TEXT,
  matchesImport,
  matchJwtApiCall,
  memberName,
  mentions,
  nameWords,
  resolveConstNode,
  resolveImport,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

/** Options of `no-hardcoded-jwt-secret`. */
export interface Options {
  /** Skip files matching the test-file globs (`**\/*.test.*`, `**\/*.spec.*`, `**\/test/**`, …). */
  ignoreTestFiles?: boolean;
}

type MessageIds = 'hardcodedSecret' | 'hardcodedFallback' | 'hardcodedEnvFallback' | 'useEnvSecret' | 'removeFallback';

/** A hard-coded value found in a key expression. */
interface Finding {
  /** The node where the secret is written (a literal, template or static concatenation). */
  node: TSESTree.Node;
  /** Set when the secret is the fallback of `process.env.X || 'literal'`. */
  fallbackOf: TSESTree.LogicalExpression | undefined;
}

const MAX_DEPTH = 12;

/** PEM public keys and certificates are not secrets. */
const PUBLIC_PEM = /^\s*-----BEGIN (?:RSA )?(?:PUBLIC KEY|CERTIFICATE)-----/u;

/** Is `node` the global named `name` (`Buffer`, `TextEncoder`), not a local of that name? */
function isGlobalNamed(context: ImportContext, node: TSESTree.Node, name: string): boolean {
  return node.type === AST_NODE_TYPES.Identifier && node.name === name && isGlobal(context, node);
}

/** The argument holding the key material of `new TextEncoder().encode(x)`, `Buffer.from(x)`, `createSecretKey(x)`. */
function keyMaterialArgument(context: ImportContext, call: TSESTree.CallExpression): TSESTree.Node | undefined {
  const first = call.arguments[0];
  if (first === undefined || first.type === AST_NODE_TYPES.SpreadElement) return undefined;
  if (isImportCall(context, call, 'crypto', ['createSecretKey'])) return first;
  const callee = unwrapExpression(call.callee);
  if (
    callee.type !== AST_NODE_TYPES.MemberExpression ||
    callee.computed ||
    callee.property.type !== AST_NODE_TYPES.Identifier
  ) {
    return undefined;
  }
  const method = callee.property.name;
  const object = unwrapExpression(callee.object);
  if (
    method === 'encode' &&
    object.type === AST_NODE_TYPES.NewExpression &&
    isGlobalNamed(context, object.callee, 'TextEncoder')
  ) {
    return first;
  }
  if (
    method === 'from' &&
    (isGlobalNamed(context, object, 'Buffer') || matchesImport(resolveImport(context, object), 'buffer', ['Buffer']))
  ) {
    return first;
  }
  return undefined;
}

function staticSecret(context: ImportContext, node: TSESTree.Node): boolean {
  const value = getStaticString(context, node);
  return value !== undefined && value !== '' && !PUBLIC_PEM.test(value);
}

/** Hard-coded secrets inside a key / secret expression; empty when none can be proven. */
function findHardcoded(
  context: ImportContext,
  raw: TSESTree.Node,
  depth: number,
  fallbackOf: TSESTree.LogicalExpression | undefined,
): Finding[] {
  if (depth > MAX_DEPTH) return [];
  const node = unwrapExpression(raw);
  switch (node.type) {
    case AST_NODE_TYPES.Literal:
    case AST_NODE_TYPES.TemplateLiteral:
    case AST_NODE_TYPES.BinaryExpression:
      return staticSecret(context, node) ? [{ node, fallbackOf }] : [];
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.MemberExpression: {
      // `publicKey`, `PUBLIC_KEY`: named as public-key material, so its literals are placeholders, not secrets.
      const name = node.type === AST_NODE_TYPES.Identifier ? node.name : memberName(node);
      if (name !== undefined && nameWords(name).some((word) => word === 'public' || word === 'pub')) return [];
      const target = followConstAlias(context, node);
      if (target !== node) return findHardcoded(context, target, depth + 1, fallbackOf);
      // `const { secret } = { secret: 'x' }`, `config.secret` of a const object literal
      const resolved = resolveConstNode(context, node);
      if (resolved !== undefined && resolved !== node) return findHardcoded(context, resolved, depth + 1, fallbackOf);
      return [];
    }
    case AST_NODE_TYPES.LogicalExpression:
      return [
        ...findHardcoded(context, node.left, depth + 1, fallbackOf),
        ...findHardcoded(context, node.right, depth + 1, node.operator === '&&' ? fallbackOf : node),
      ];
    case AST_NODE_TYPES.ConditionalExpression:
      return [
        ...findHardcoded(context, node.consequent, depth + 1, fallbackOf),
        ...findHardcoded(context, node.alternate, depth + 1, fallbackOf),
      ];
    case AST_NODE_TYPES.ArrayExpression:
      // koa-jwt accepts an array of secrets
      return node.elements.flatMap((element) =>
        element === null || element.type === AST_NODE_TYPES.SpreadElement
          ? []
          : findHardcoded(context, element, depth + 1, fallbackOf),
      );
    case AST_NODE_TYPES.CallExpression: {
      const material = keyMaterialArgument(context, node);
      return material === undefined ? [] : findHardcoded(context, material, depth + 1, fallbackOf);
    }
    default:
      return [];
  }
}

/** Words that make an environment variable name a secret: `JWT_SECRET`, `SECRET_KEY`, `JWT_PRIVATE_KEY`. */
const SECRET_NAME_WORDS: ReadonlySet<string> = new Set(['secret', 'key', 'jwt']);
/** Words that make it something else: `JWT_EXPIRES_IN`, `KEY_PATH`, `JWT_ISSUER`, `PUBLIC_KEY`. */
const NOT_SECRET_WORDS: ReadonlySet<string> = new Set([
  'path',
  'file',
  'dir',
  'url',
  'uri',
  'id',
  'name',
  'expires',
  'expiry',
  'expiration',
  'exp',
  'ttl',
  'lifetime',
  'duration',
  'age',
  'time',
  'timeout',
  'algorithm',
  'algorithms',
  'alg',
  'issuer',
  'iss',
  'audience',
  'aud',
  'header',
  'length',
  'size',
  'prefix',
  'type',
  'public',
  'pub',
  'host',
  'port',
  'region',
  'version',
  'format',
  'cookie',
  'enabled',
  'mode',
  'store',
]);
/** A fallback that names a key file rather than holding a key (`'./keys/private.pem'`). */
const FILE_LIKE = /^\.{0,2}\/|\.(?:pem|key|crt|der|json|p12|pfx)$/iu;

/** Does an environment variable name say it holds a secret (secret / JWT / key, not a path or a duration)? */
function isSecretEnvName(name: string): boolean {
  const words = nameWords(name);
  return words.some((word) => SECRET_NAME_WORDS.has(word)) && !words.some((word) => NOT_SECRET_WORDS.has(word));
}

/** The variable name of `process.env.NAME` / `process.env['NAME']` (global `process`), else `undefined`. */
function envVariableName(context: ImportContext, raw: TSESTree.Node): string | undefined {
  const node = unwrapExpression(raw);
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const env = unwrapExpression(node.object);
  if (!isProcessEnv(context, env)) return undefined;
  return memberName(node);
}

/** Is `node` a fallback value that is a secret written in the code (a non-empty string that is not a file name or a public key)? */
function isLiteralSecretFallback(context: ImportContext, node: TSESTree.Node): boolean {
  const value = getStaticString(context, node);
  return value !== undefined && value.trim() !== '' && !PUBLIC_PEM.test(value) && !FILE_LIKE.test(value);
}

/** Is `object` a jose `SignJWT` builder (`new SignJWT(p).setProtectedHeader(…)`, or a const bound to one)? */
function isSignJwtBuilder(context: ImportContext, raw: TSESTree.Node): boolean {
  let current = unwrapExpression(raw);
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    if (current.type === AST_NODE_TYPES.NewExpression)
      return matchesImport(resolveImport(context, current.callee), 'jose', ['SignJWT']);
    if (current.type === AST_NODE_TYPES.CallExpression) {
      const callee = unwrapExpression(current.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
      current = unwrapExpression(callee.object);
      continue;
    }
    if (current.type === AST_NODE_TYPES.Identifier) {
      const next = followConstAlias(context, current);
      if (next === current) return false;
      current = next;
      continue;
    }
    return false;
  }
  return false;
}

export default createRule<[Options], MessageIds>({
  name: 'no-hardcoded-jwt-secret',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow JWT signing and verification secrets written in the source code, including hard-coded fallbacks for missing environment variables.',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      hardcodedSecret:
        '{{api}} uses a secret written in the source code: anyone who can read the code, the repository history or the bundle can mint valid tokens. Load it from the environment or a secret manager.',
      hardcodedFallback:
        '{{api}} falls back to a secret written in the source code when the environment value is missing: anyone who reads the code can then mint valid tokens. Fail at startup instead.',
      hardcodedEnvFallback:
        '`{{name}}` falls back to a secret written in the source code when the environment variable is missing: anyone who reads the code can then mint valid tokens or sign sessions. Fail at startup instead.',
      useEnvSecret: 'Read the secret from `process.env.JWT_SECRET` instead (the variable must then be set).',
      removeFallback: 'Remove the hard-coded fallback (the environment value must then be set).',
    },
    schema: [
      {
        type: 'object',
        properties: {
          ignoreTestFiles: {
            type: 'boolean',
            description:
              'Skip test files: paths (relative to the ESLint cwd) matching **/*.test.*, **/*.spec.*, **/test/**, **/tests/**, **/__tests__/** or **/__mocks__/**.',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ ignoreTestFiles: true }],
  },
  // Kept equal to meta.defaultOptions (plugin convention; checked by test/plugin.test.ts).
  create(context, [options]) {
    const tracksJwtApis = mentions(context, JWT_MODULES_TEXT);
    const tracksEnv = mentions(context, /process/);
    if (!tracksJwtApis && !tracksEnv) return {};
    if (options.ignoreTestFiles !== false && isTestFile(context.filename, context.cwd)) return {};
    const reported = new Set<TSESTree.Node>();
    /** `process.env.JWT_SECRET || 'changeme'` anywhere; reported at the end unless a JWT call already did. */
    const envFallbacks: {
      literal: TSESTree.Node;
      name: string;
      remove: (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix;
    }[] = [];

    function check(api: string, key: TSESTree.Node | undefined): void {
      if (key === undefined) return;
      for (const finding of findHardcoded(context, key, 0, undefined)) {
        if (reported.has(finding.node)) continue;
        reported.add(finding.node);
        const fallback = finding.fallbackOf;
        if (fallback !== undefined) {
          context.report({
            node: finding.node,
            messageId: 'hardcodedFallback',
            data: { api },
            suggest: [
              {
                messageId: 'removeFallback',
                fix: (fixer) => fixer.replaceText(fallback, context.sourceCode.getText(fallback.left)),
              },
            ],
          });
        } else {
          // `'literal' as const` → replace the whole assertion (`process.env.X as const` is invalid TS).
          const parent = finding.node.parent;
          const written =
            parent?.type === AST_NODE_TYPES.TSAsExpression &&
            parent.typeAnnotation.type === AST_NODE_TYPES.TSTypeReference &&
            parent.typeAnnotation.typeName.type === AST_NODE_TYPES.Identifier &&
            parent.typeAnnotation.typeName.name === 'const'
              ? parent
              : finding.node;
          context.report({
            node: finding.node,
            messageId: 'hardcodedSecret',
            data: { api },
            suggest: [
              { messageId: 'useEnvSecret', fix: (fixer) => fixer.replaceText(written, 'process.env.JWT_SECRET') },
            ],
          });
        }
      }
    }

    function visit(node: TSESTree.CallExpression | TSESTree.NewExpression): void {
      const call = matchJwtApiCall(context, node);
      if (call !== undefined) {
        if (call.secretOption !== undefined) {
          if (call.options === undefined) return;
          const secret = findProperty(context, call.options, call.secretOption);
          if (secret.found === true) check(call.label, secret.value);
        } else {
          check(call.label, call.key);
        }
        return;
      }
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      const second = node.arguments[1];
      if (
        isImportCall(context, node, 'jwt-simple', ['encode']) ||
        isImportCall(context, node, 'jwt-simple', ['decode'])
      ) {
        if (second !== undefined && second.type !== AST_NODE_TYPES.SpreadElement) check('jwt-simple', second);
        return;
      }
      // jose: new SignJWT(payload)….sign(key)
      const callee = unwrapExpression(node.callee);
      const first = node.arguments[0];
      if (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        !callee.computed &&
        callee.property.type === AST_NODE_TYPES.Identifier &&
        callee.property.name === 'sign' &&
        first !== undefined &&
        first.type !== AST_NODE_TYPES.SpreadElement &&
        isSignJwtBuilder(context, callee.object)
      ) {
        check('jose SignJWT.sign()', first);
      }
    }

    const listeners: TSESLint.RuleListener = {
      'Program:exit'() {
        for (const fallback of envFallbacks) {
          if (reported.has(fallback.literal)) continue;
          reported.add(fallback.literal);
          context.report({
            node: fallback.literal,
            messageId: 'hardcodedEnvFallback',
            data: { name: `process.env.${fallback.name}` },
            suggest: [{ messageId: 'removeFallback', fix: fallback.remove }],
          });
        }
      },
    };
    if (tracksJwtApis) {
      listeners.CallExpression = visit;
      listeners.NewExpression = visit;
    }
    if (tracksEnv) {
      // `process.env.JWT_SECRET || 'changeme'`, `process.env.SECRET_KEY ?? 'dev'`
      listeners.LogicalExpression = (node) => {
        if (node.operator === '&&') return;
        const name = envVariableName(context, node.left);
        if (name === undefined || !isSecretEnvName(name) || !isLiteralSecretFallback(context, node.right)) return;
        const left = node.left;
        envFallbacks.push({
          literal: unwrapExpression(node.right),
          name,
          remove: (fixer) => fixer.replaceText(node, context.sourceCode.getText(left)),
        });
      };
      // `const { JWT_SECRET = 'changeme' } = process.env`
      listeners.AssignmentPattern = (node) => {
        const property = node.parent;
        if (
          property.type !== AST_NODE_TYPES.Property ||
          property.value !== node ||
          property.parent.type !== AST_NODE_TYPES.ObjectPattern
        )
          return;
        const declarator = property.parent.parent;
        if (
          declarator.type !== AST_NODE_TYPES.VariableDeclarator ||
          declarator.init === null ||
          !isProcessEnv(context, declarator.init)
        )
          return;
        const name = getPropertyKey(property);
        if (name === undefined || !isSecretEnvName(name) || !isLiteralSecretFallback(context, node.right)) return;
        const target = node.left;
        envFallbacks.push({
          literal: unwrapExpression(node.right),
          name,
          remove: (fixer) => fixer.removeRange([target.range[1], node.range[1]]),
        });
      };
    }
    return listeners;
  },
});
