import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import { AUTHORIZATION_TEXT, mentions } from '../util/prefilter.js';
import { createRule } from '../util/create-rule.js';
import { getStaticString, matchesImport, resolveImport, unwrapExpression } from '../util/imports.js';
import {
  asMethodCall,
  isAuthorizationValue,
  isNameFree,
  literalString,
  regexFix,
  resolveRegex,
  variableSource,
  type StaticRegex,
} from '../util/request-values.js';

type MessageIds =
  | 'splitHeader'
  | 'replaceScheme'
  | 'sliceScheme'
  | 'caseSensitiveScheme'
  | 'caseSensitiveRegex'
  | 'useParseBearer'
  | 'addIgnoreCase';

const CORE = '@rebind-guard/core';
const PARSE_BEARER = 'parseBearer';
const BEARER_PREFIX = 'Bearer '.length;
const CASE_NORMALIZERS = new Set(['toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase']);

/** Is `pattern` (a regex source) a Bearer scheme match: optional `^`, then the word `bearer`? */
function isBearerPattern(pattern: string): boolean {
  return /^\^?(?:\((?:\?:)?)?bearer/i.test(pattern);
}

/** Is the split separator a space / whitespace run (`' '`, `/\s+/`, `/ +/`)? */
function isSpaceSeparator(context: Parameters<typeof getStaticString>[0], node: TSESTree.Node): boolean {
  const text = getStaticString(context, node);
  if (text !== undefined) return /^\s+$/.test(text);
  const regex = resolveRegex(context, node);
  return regex !== undefined && /^(?:\\s|\[ \\t\]| )[+*]?$/.test(regex.pattern);
}

/** Does a value, possibly through variables, come from `.toLowerCase()` / `.toUpperCase()`? */
function isCaseNormalized(context: Parameters<typeof getStaticString>[0], node: TSESTree.Node, depth = 0): boolean {
  if (depth > 8) return false;
  const unwrapped = unwrapExpression(node);
  const call = asMethodCall(unwrapped);
  if (call !== undefined) return CASE_NORMALIZERS.has(call.method) || (call.method === 'trim' && isCaseNormalized(context, call.object, depth + 1));
  if (unwrapped.type === AST_NODE_TYPES.Identifier) {
    const source = variableSource(context, unwrapped);
    return source !== undefined && source.key === undefined && isCaseNormalized(context, source.init, depth + 1);
  }
  if (unwrapped.type === AST_NODE_TYPES.LogicalExpression) {
    return isCaseNormalized(context, unwrapped.left, depth + 1);
  }
  return false;
}

/** Is `node` the number of characters in `'Bearer '`: `7` or `'Bearer '.length`? */
function isBearerLength(node: TSESTree.Node | undefined): boolean {
  if (node === undefined || node.type === AST_NODE_TYPES.SpreadElement) return false;
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Literal) return unwrapped.value === BEARER_PREFIX;
  if (
    unwrapped.type === AST_NODE_TYPES.MemberExpression &&
    !unwrapped.computed &&
    unwrapped.property.type === AST_NODE_TYPES.Identifier &&
    unwrapped.property.name === 'length'
  ) {
    const text = literalString(unwrapped.object);
    return text !== undefined && /^bearer $/i.test(text);
  }
  return false;
}

const STATEMENT_CONTAINERS = new Set<AST_NODE_TYPES>([
  AST_NODE_TYPES.Program,
  AST_NODE_TYPES.BlockStatement,
  AST_NODE_TYPES.StaticBlock,
  AST_NODE_TYPES.SwitchCase,
  AST_NODE_TYPES.TSModuleBlock,
]);

export default createRule<[], MessageIds>({
  name: 'no-manual-bearer-parsing',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow parsing `Authorization: Bearer` headers by hand with `split`, `replace`, `slice` or case-sensitive checks.',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      splitHeader:
        "Splitting the Authorization header on spaces accepts any scheme ('Basic …'), extra parts and empty tokens. Use parseBearer() from @rebind-guard/core.",
      replaceScheme:
        "Removing the 'Bearer ' prefix with replace() leaves any other value ('Basic …', 'bearer …', garbage) in place as the token. Use parseBearer() from @rebind-guard/core.",
      sliceScheme:
        "Cutting 7 characters assumes the header starts with 'Bearer '; any other value still yields a 'token'. Use parseBearer() from @rebind-guard/core.",
      caseSensitiveScheme:
        "The Bearer scheme is case-insensitive (RFC 6750, RFC 9110 §11.1): this check rejects 'bearer …' from valid clients and leaves the token unvalidated. Use parseBearer() from @rebind-guard/core.",
      caseSensitiveRegex:
        "This regular expression matches the Bearer scheme case-sensitively, but the scheme is case-insensitive (RFC 6750). Add the 'i' flag, or use parseBearer() from @rebind-guard/core.",
      useParseBearer: 'Use parseBearer() from @rebind-guard/core (case-insensitive scheme, validated b64token).',
      addIgnoreCase: "Add the 'i' flag.",
    },
    schema: [{ type: 'object', properties: {}, additionalProperties: false }],
    defaultOptions: [],
  },
  create(context) {
    if (!mentions(context, AUTHORIZATION_TEXT)) return {};
    const { sourceCode } = context;
    const program = sourceCode.ast;
    const reportedRegexes = new Set<TSESTree.Node>();
    // A file that handles Basic auth and never mentions Bearer splits headers for Basic: stay silent.
    const basicOnly = /['"`]basic\b/i.test(sourceCode.text) && !/bearer/i.test(sourceCode.text);

    /** Text that calls parseBearer at `node`, reusing an existing binding when there is one. */
    function existingParseBearer(node: TSESTree.Node): string | undefined {
      const scope = sourceCode.getScope(node);
      const visible = (local: TSESTree.Identifier): boolean => {
        const variable = ASTUtils.findVariable(scope, local.name);
        return variable?.defs.some((def) => def.name === local) ?? false;
      };
      for (const statement of program.body) {
        if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
          if (statement.source.value !== CORE || statement.importKind === 'type') continue;
          for (const specifier of statement.specifiers) {
            if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier && visible(specifier.local)) {
              return `${specifier.local.name}.${PARSE_BEARER}`;
            }
            if (
              specifier.type === AST_NODE_TYPES.ImportSpecifier &&
              specifier.importKind !== 'type' &&
              (specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value) === PARSE_BEARER &&
              visible(specifier.local)
            ) {
              return specifier.local.name;
            }
          }
          continue;
        }
        if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
        for (const declarator of statement.declarations) {
          if (declarator.init === null) continue;
          const ref = resolveImport(context, declarator.init);
          if (declarator.id.type === AST_NODE_TYPES.Identifier) {
            if (matchesImport(ref, CORE, []) && visible(declarator.id)) return `${declarator.id.name}.${PARSE_BEARER}`;
            if (matchesImport(ref, CORE, [PARSE_BEARER]) && visible(declarator.id)) return declarator.id.name;
          } else if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && matchesImport(ref, CORE, [])) {
            for (const property of declarator.id.properties) {
              if (
                property.type === AST_NODE_TYPES.Property &&
                !property.computed &&
                property.key.type === AST_NODE_TYPES.Identifier &&
                property.key.name === PARSE_BEARER &&
                property.value.type === AST_NODE_TYPES.Identifier &&
                visible(property.value)
              ) {
                return property.value.name;
              }
            }
          }
        }
      }
      return undefined;
    }

    /** How to make `parseBearer` available: the callee text and an optional import fix. */
    function parseBearerBinding(
      node: TSESTree.Node,
    ): { callee: string; fix?: (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix } | undefined {
      const existing = existingParseBearer(node);
      if (existing !== undefined) return { callee: existing };
      if (!isNameFree(context, node, PARSE_BEARER)) return undefined;
      const first = program.body[0];
      if (first === undefined) return undefined;

      const sourceType = context.languageOptions.sourceType ?? program.sourceType;
      if (sourceType === 'module') {
        const imports = program.body.filter((statement): statement is TSESTree.ImportDeclaration => statement.type === AST_NODE_TYPES.ImportDeclaration);
        const coreImport = imports.find(
          (declaration) =>
            declaration.source.value === CORE &&
            declaration.importKind !== 'type' &&
            declaration.specifiers.length > 0 &&
            declaration.specifiers.every((specifier) => specifier.type === AST_NODE_TYPES.ImportSpecifier),
        );
        const lastSpecifier = coreImport?.specifiers[coreImport.specifiers.length - 1];
        if (lastSpecifier !== undefined) {
          return { callee: PARSE_BEARER, fix: (fixer) => fixer.insertTextAfter(lastSpecifier, `, ${PARSE_BEARER}`) };
        }
        const statement = `import { ${PARSE_BEARER} } from '${CORE}';`;
        const lastImport = imports[imports.length - 1];
        if (lastImport !== undefined) return { callee: PARSE_BEARER, fix: (fixer) => fixer.insertTextAfter(lastImport, `\n${statement}`) };
        return { callee: PARSE_BEARER, fix: (fixer) => fixer.insertTextBefore(first, `${statement}\n`) };
      }

      // CommonJS: only when the file evidently uses `require`.
      const usesRequire = sourceCode.scopeManager?.globalScope?.through.some((reference) => reference.identifier.name === 'require') ?? false;
      if (!usesRequire && context.languageOptions.sourceType !== 'commonjs') return undefined;
      const statement = `const { ${PARSE_BEARER} } = require('${CORE}');`;
      const firstCode = program.body.find(
        (candidate) => !(candidate.type === AST_NODE_TYPES.ExpressionStatement && candidate.directive !== undefined),
      );
      if (firstCode === undefined) return undefined;
      return { callee: PARSE_BEARER, fix: (fixer) => fixer.insertTextBefore(firstCode, `${statement}\n`) };
    }

    /** A free name for the parse result in the scope of `node`. */
    function freeTempName(node: TSESTree.Node): string | undefined {
      const scope = sourceCode.getScope(node);
      for (const candidate of ['bearer', 'bearerResult', 'parsedBearer']) {
        if (ASTUtils.findVariable(scope, candidate) !== null) continue;
        if (scope.through.some((reference) => reference.identifier.name === candidate)) continue;
        return candidate;
      }
      return undefined;
    }

    /**
     * Suggestion for `const token = <extraction>;`: parse once with parseBearer and keep the
     * variable (`undefined` when there is no valid Bearer token).
     */
    function parseBearerSuggestion(
      extraction: TSESTree.Node,
      header: TSESTree.Node,
    ): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      const outer = extraction.parent?.type === AST_NODE_TYPES.ChainExpression ? extraction.parent : extraction;
      const declarator = outer.parent;
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== outer) return [];
      if (declarator.id.type !== AST_NODE_TYPES.Identifier) return [];
      const declaration = declarator.parent;
      if (declaration.declarations.length !== 1) return [];
      if (declaration.kind !== 'const' && declaration.kind !== 'let' && declaration.kind !== 'var') return [];
      if (!STATEMENT_CONTAINERS.has(declaration.parent.type)) return [];
      const binding = parseBearerBinding(declaration);
      const temp = freeTempName(declaration);
      if (binding === undefined || temp === undefined) return [];

      const lineStart = sourceCode.text.lastIndexOf('\n', declaration.range[0] - 1) + 1;
      const prefix = sourceCode.text.slice(lineStart, declaration.range[0]);
      const separator = /^\s*$/.test(prefix) ? `\n${prefix}` : ' ';
      const text =
        `const ${temp} = ${binding.callee}(${sourceCode.getText(header)});` +
        `${separator}${declaration.kind} ${sourceCode.getText(declarator.id)} = ${temp}.ok ? ${temp}.token : undefined;`;
      return [
        {
          messageId: 'useParseBearer',
          fix: (fixer) => {
            const fixes = [fixer.replaceText(declaration, text)];
            if (binding.fix !== undefined) fixes.unshift(binding.fix(fixer));
            return fixes;
          },
        },
      ];
    }

    /** The raw (TS-wrapper-preserving) object of a method call's callee. */
    function rawObject(call: TSESTree.CallExpression): TSESTree.Node {
      const callee = unwrapExpression(call.callee);
      return callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : callee;
    }

    /**
     * `const parts = header.split(' '); if (parts.length === 2 …)`: the number of parts is checked,
     * so extra parts and missing tokens are rejected; the scheme check is left to other reports.
     */
    function isLengthChecked(splitCall: TSESTree.Node): boolean {
      const declarator = splitCall.parent;
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier) return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(declarator), declarator.id);
      return (
        variable?.references.some((reference) => {
          const member = reference.identifier.parent;
          if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) return false;
          if (member.computed || member.property.type !== AST_NODE_TYPES.Identifier || member.property.name !== 'length') return false;
          const comparison = member.parent;
          if (comparison.type !== AST_NODE_TYPES.BinaryExpression || !['===', '!==', '==', '!='].includes(comparison.operator)) return false;
          const other = comparison.left === member ? comparison.right : comparison.left;
          return other.type === AST_NODE_TYPES.Literal && other.value === 2;
        }) ?? false
      );
    }

    function reportRegex(regex: StaticRegex | undefined): void {
      if (regex === undefined || regex.flags.includes('i') || !isBearerPattern(regex.pattern)) return;
      if (reportedRegexes.has(regex.node)) return;
      reportedRegexes.add(regex.node);
      context.report({
        node: regex.node,
        messageId: 'caseSensitiveRegex',
        suggest: [{ messageId: 'addIgnoreCase', fix: (fixer) => regexFix(fixer, sourceCode, regex, regex.pattern, `${regex.flags}i`) }],
      });
    }

    return {
      CallExpression(node) {
        const call = asMethodCall(node);
        if (call === undefined) return;
        const [first, second] = node.arguments;
        if (first === undefined || first.type === AST_NODE_TYPES.SpreadElement) return;
        const outer = node.parent.type === AST_NODE_TYPES.ChainExpression ? node.parent : node;

        switch (call.method) {
          case 'test':
          case 'exec':
            reportRegex(resolveRegex(context, call.object));
            return;
          case 'match':
          case 'matchAll':
          case 'search':
            reportRegex(resolveRegex(context, first));
            return;
          default:
            break;
        }
        if (!isAuthorizationValue(context, call.object)) return;
        const header = rawObject(node);

        switch (call.method) {
          case 'split': {
            if (basicOnly || !isSpaceSeparator(context, first) || isLengthChecked(outer)) return;
            // `header.split(' ')[1]` in a declaration gets a suggestion.
            const member = outer.parent;
            const isSecond =
              member.type === AST_NODE_TYPES.MemberExpression &&
              member.object === outer &&
              member.computed &&
              member.property.type === AST_NODE_TYPES.Literal &&
              member.property.value === 1;
            context.report({
              node,
              messageId: 'splitHeader',
              suggest: isSecond ? parseBearerSuggestion(member, header) : [],
            });
            return;
          }
          case 'replace':
          case 'replaceAll': {
            const text = getStaticString(context, first);
            const regex = text === undefined ? resolveRegex(context, first) : undefined;
            if (!(text !== undefined ? /^bearer/i.test(text) : regex !== undefined && isBearerPattern(regex.pattern))) return;
            if (regex !== undefined) reportedRegexes.add(regex.node);
            context.report({ node, messageId: 'replaceScheme', suggest: parseBearerSuggestion(node, header) });
            return;
          }
          case 'slice':
          case 'substring':
          case 'substr':
            if (!isBearerLength(first)) return;
            if (second !== undefined && call.method === 'substr') return;
            context.report({ node, messageId: 'sliceScheme', suggest: parseBearerSuggestion(node, header) });
            return;
          case 'startsWith': {
            const text = getStaticString(context, first);
            if (text === undefined || !/^bearer/i.test(text) || isCaseNormalized(context, call.object)) return;
            context.report({ node, messageId: 'caseSensitiveScheme' });
            return;
          }
          case 'indexOf': {
            const text = getStaticString(context, first);
            if (text === undefined || !/^bearer/i.test(text) || isCaseNormalized(context, call.object)) return;
            const binary = outer.parent;
            if (binary.type !== AST_NODE_TYPES.BinaryExpression || !['===', '!==', '==', '!='].includes(binary.operator)) return;
            const other = binary.left === outer ? binary.right : binary.left;
            if (other.type !== AST_NODE_TYPES.Literal || other.value !== 0) return;
            context.report({ node, messageId: 'caseSensitiveScheme' });
            return;
          }
          default:
            return;
        }
      },
    } satisfies TSESLint.RuleListener;
  },
});
