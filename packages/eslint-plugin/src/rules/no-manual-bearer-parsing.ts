import { AST_NODE_TYPES, ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  asMethodCall,
  AUTHORIZATION_TEXT,
  enclosingFunction,
  getStaticString,
  isAuthorizationValue,
  isNameFree,
  literalString,
  matchesImport,
  mentions,
  regexFix,
  resolveImport,
  resolveRegex,
  type StaticRegex,
  unwrapExpression,
  variableSource,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds =
  | 'splitHeader'
  | 'splitCaseSensitiveScheme'
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
  if (call !== undefined)
    return (
      CASE_NORMALIZERS.has(call.method) || (call.method === 'trim' && isCaseNormalized(context, call.object, depth + 1))
    );
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

/** The header expression without case normalisation / trimming: `h` for `h.trim().toLowerCase()`. */
function headerBase(node: TSESTree.Node): TSESTree.Node {
  let current = unwrapExpression(node);
  for (;;) {
    const call = asMethodCall(current);
    if (
      call === undefined ||
      !(CASE_NORMALIZERS.has(call.method) || call.method === 'trim' || call.method === 'trimStart')
    )
      return current;
    current = call.object;
  }
}

/** Is `node` a string literal equal to 'bearer' in any case? */
function isBearerWord(node: TSESTree.Node): boolean {
  const text = literalString(node);
  return text !== undefined && text.trim().toLowerCase() === 'bearer';
}

/** How a split header's scheme part is compared: with 'Bearer' (case-sensitively or not), or with another scheme. */
type SchemeComparison = 'case-sensitive' | 'case-insensitive' | 'other-scheme';

const EQUALITY = ['===', '!==', '==', '!='];

/**
 * How the scheme part of a split header (`parts[0]`, `scheme` of `const [scheme, token] = …`)
 * is compared with 'Bearer': `'case-sensitive'` (`=== 'Bearer'`), `'case-insensitive'`
 * (`.toLowerCase() === 'bearer'`, `/^bearer$/i.test(…)`), or `undefined` when it is not compared.
 */
function schemeComparisonOf(schemeRead: TSESTree.Node): SchemeComparison | undefined {
  let current: TSESTree.Node = schemeRead;
  let normalized = false;
  for (;;) {
    const parent = current.parent;
    if (parent?.type === AST_NODE_TYPES.ChainExpression || parent?.type === AST_NODE_TYPES.TSNonNullExpression) {
      current = parent;
      continue;
    }
    // `scheme.toLowerCase()`
    if (parent?.type === AST_NODE_TYPES.MemberExpression && parent.object === current) {
      const call = parent.parent;
      if (call.type !== AST_NODE_TYPES.CallExpression || call.callee !== parent) return undefined;
      const method = asMethodCall(call)?.method;
      if (method === undefined || !(CASE_NORMALIZERS.has(method) || method === 'trim')) return undefined;
      normalized = normalized || CASE_NORMALIZERS.has(method);
      current = call;
      continue;
    }
    break;
  }
  const parent = current.parent;
  if (parent?.type === AST_NODE_TYPES.BinaryExpression && EQUALITY.includes(parent.operator)) {
    const other = parent.left === current ? parent.right : parent.left;
    // `parts[0] === 'Token'`: another scheme is parsed here (RealWorld's `Token`, `Basic`).
    if (!isBearerWord(other)) return literalString(other) === undefined ? undefined : 'other-scheme';
    return normalized ? 'case-insensitive' : 'case-sensitive';
  }
  // `/^bearer$/i.test(scheme)`
  if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments[0] === current) {
    const call = asMethodCall(parent);
    const callee = call === undefined ? undefined : unwrapExpression(call.object);
    if (
      call?.method === 'test' &&
      callee?.type === AST_NODE_TYPES.Literal &&
      'regex' in callee &&
      isBearerPattern(callee.regex.pattern)
    ) {
      return callee.regex.flags.includes('i') || normalized ? 'case-insensitive' : 'case-sensitive';
    }
  }
  return undefined;
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
      splitCaseSensitiveScheme:
        "This parser compares the scheme with 'Bearer' case-sensitively, so valid clients that send 'bearer …' are rejected (RFC 6750: the scheme is case-insensitive), and splitting on spaces keeps extra parts and empty tokens. Use parseBearer() from @rebind-guard/core.",
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
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    if (!mentions(context, AUTHORIZATION_TEXT)) return {};
    const { sourceCode } = context;
    const program = sourceCode.ast;
    const reportedRegexes = new Set<TSESTree.Node>();
    /** Headers whose scheme is checked (`h.startsWith('Bearer ')`, `/^bearer /i.test(h)`), per function. */
    const schemeChecks: { scope: TSESTree.Node; header: string }[] = [];
    /** Extractions (`slice(7)`, `replace('Bearer ', '')`, `split(' ')[1]`) reported unless the scheme was checked. */
    const extractions: { scope: TSESTree.Node; header: string; descriptor: TSESLint.ReportDescriptor<MessageIds> }[] =
      [];

    function headerKey(node: TSESTree.Node): string {
      return sourceCode.getText(headerBase(node));
    }

    function recordSchemeCheck(node: TSESTree.Node, header: TSESTree.Node): void {
      schemeChecks.push({ scope: enclosingFunction(node), header: headerKey(header) });
    }

    /** One report per parser: an extraction after a scheme check of the same header is left to that check. */
    function reportExtraction(
      node: TSESTree.Node,
      header: TSESTree.Node,
      descriptor: TSESLint.ReportDescriptor<MessageIds>,
    ): void {
      extractions.push({ scope: enclosingFunction(node), header: headerKey(header), descriptor });
    }

    /**
     * The scheme comparison applied to a split result: `split(' ')[0] === 'Bearer'`, or the first
     * element / `[0]` of the variable that holds it.
     */
    function splitSchemeComparison(outer: TSESTree.Node): SchemeComparison | undefined {
      const parent = outer.parent;
      if (
        parent?.type === AST_NODE_TYPES.MemberExpression &&
        parent.object === outer &&
        parent.computed &&
        parent.property.type === AST_NODE_TYPES.Literal &&
        parent.property.value === 0
      ) {
        return schemeComparisonOf(parent);
      }
      if (parent?.type !== AST_NODE_TYPES.VariableDeclarator || parent.init !== outer) return undefined;
      const reads: TSESTree.Node[] = [];
      if (parent.id.type === AST_NODE_TYPES.ArrayPattern) {
        const first = parent.id.elements[0];
        if (first?.type !== AST_NODE_TYPES.Identifier) return undefined;
        const variable = ASTUtils.findVariable(sourceCode.getScope(parent), first);
        for (const reference of variable?.references ?? []) if (!reference.init) reads.push(reference.identifier);
      } else if (parent.id.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(parent), parent.id);
        for (const reference of variable?.references ?? []) {
          const member = reference.identifier.parent;
          if (
            member.type === AST_NODE_TYPES.MemberExpression &&
            member.object === reference.identifier &&
            member.computed &&
            member.property.type === AST_NODE_TYPES.Literal &&
            member.property.value === 0
          ) {
            reads.push(member);
          }
        }
      }
      let result: SchemeComparison | undefined;
      for (const read of reads) {
        const comparison = schemeComparisonOf(read);
        if (comparison === 'case-insensitive') return comparison;
        if (comparison === 'case-sensitive' || result === undefined) result = comparison ?? result;
      }
      return result;
    }
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
              (specifier.imported.type === AST_NODE_TYPES.Identifier
                ? specifier.imported.name
                : specifier.imported.value) === PARSE_BEARER &&
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
        const imports = program.body.filter(
          (statement): statement is TSESTree.ImportDeclaration => statement.type === AST_NODE_TYPES.ImportDeclaration,
        );
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
        if (lastImport !== undefined)
          return { callee: PARSE_BEARER, fix: (fixer) => fixer.insertTextAfter(lastImport, `\n${statement}`) };
        return { callee: PARSE_BEARER, fix: (fixer) => fixer.insertTextBefore(first, `${statement}\n`) };
      }

      // CommonJS: only when the file evidently uses `require`.
      const usesRequire =
        sourceCode.scopeManager?.globalScope?.through.some((reference) => reference.identifier.name === 'require') ??
        false;
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
      if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier)
        return false;
      const variable = ASTUtils.findVariable(sourceCode.getScope(declarator), declarator.id);
      return (
        variable?.references.some((reference) => {
          const member = reference.identifier.parent;
          if (member.type !== AST_NODE_TYPES.MemberExpression || member.object !== reference.identifier) return false;
          if (
            member.computed ||
            member.property.type !== AST_NODE_TYPES.Identifier ||
            member.property.name !== 'length'
          )
            return false;
          const comparison = member.parent;
          if (
            comparison.type !== AST_NODE_TYPES.BinaryExpression ||
            !['===', '!==', '==', '!='].includes(comparison.operator)
          )
            return false;
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
        suggest: regex.fixable
          ? [
              {
                messageId: 'addIgnoreCase',
                fix: (fixer) => regexFix(fixer, sourceCode, regex, regex.pattern, `${regex.flags}i`),
              },
            ]
          : [],
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
          case 'exec': {
            const regex = resolveRegex(context, call.object);
            if (regex !== undefined && isBearerPattern(regex.pattern) && isAuthorizationValue(context, first))
              recordSchemeCheck(node, first);
            reportRegex(regex);
            return;
          }
          case 'match':
          case 'matchAll':
          case 'search': {
            const regex = resolveRegex(context, first);
            if (regex !== undefined && isBearerPattern(regex.pattern) && isAuthorizationValue(context, call.object)) {
              recordSchemeCheck(node, call.object);
            }
            reportRegex(regex);
            return;
          }
          default:
            break;
        }
        if (!isAuthorizationValue(context, call.object)) {
          // `header.toLowerCase().startsWith('bearer ')`: a correct scheme check that covers a later slice.
          const scheme =
            call.method === 'startsWith' || call.method === 'indexOf' ? getStaticString(context, first) : undefined;
          if (
            scheme !== undefined &&
            /^bearer/i.test(scheme) &&
            isAuthorizationValue(context, headerBase(call.object))
          ) {
            recordSchemeCheck(node, call.object);
          }
          return;
        }
        const header = rawObject(node);

        switch (call.method) {
          case 'split': {
            if (basicOnly || !isSpaceSeparator(context, first) || isLengthChecked(outer)) return;
            const scheme = splitSchemeComparison(outer);
            if (scheme !== undefined) {
              // The scheme part is checked: a later `split(' ')[1]` of this header is part of the same parser.
              recordSchemeCheck(node, call.object);
              if (scheme === 'case-sensitive') context.report({ node, messageId: 'splitCaseSensitiveScheme' });
              return;
            }
            // `header.split(' ')[1]` in a declaration gets a suggestion.
            const member = outer.parent;
            const isSecond =
              member.type === AST_NODE_TYPES.MemberExpression &&
              member.object === outer &&
              member.computed &&
              member.property.type === AST_NODE_TYPES.Literal &&
              member.property.value === 1;
            reportExtraction(node, header, {
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
            if (!(text !== undefined ? /^bearer/i.test(text) : regex !== undefined && isBearerPattern(regex.pattern)))
              return;
            if (regex !== undefined) reportedRegexes.add(regex.node);
            reportExtraction(node, header, {
              node,
              messageId: 'replaceScheme',
              suggest: parseBearerSuggestion(node, header),
            });
            return;
          }
          case 'slice':
          case 'substring':
          case 'substr':
            if (!isBearerLength(first)) return;
            if (second !== undefined && call.method === 'substr') return;
            reportExtraction(node, header, {
              node,
              messageId: 'sliceScheme',
              suggest: parseBearerSuggestion(node, header),
            });
            return;
          case 'startsWith': {
            const text = getStaticString(context, first);
            if (text === undefined || !/^bearer/i.test(text)) return;
            recordSchemeCheck(node, call.object);
            if (isCaseNormalized(context, call.object)) return;
            context.report({ node, messageId: 'caseSensitiveScheme' });
            return;
          }
          case 'indexOf': {
            const text = getStaticString(context, first);
            if (text === undefined || !/^bearer/i.test(text)) return;
            recordSchemeCheck(node, call.object);
            if (isCaseNormalized(context, call.object)) return;
            const binary = outer.parent;
            if (
              binary.type !== AST_NODE_TYPES.BinaryExpression ||
              !['===', '!==', '==', '!='].includes(binary.operator)
            )
              return;
            const other = binary.left === outer ? binary.right : binary.left;
            if (other.type !== AST_NODE_TYPES.Literal || other.value !== 0) return;
            context.report({ node, messageId: 'caseSensitiveScheme' });
            return;
          }
          default:
            return;
        }
      },
      'Program:exit'() {
        for (const extraction of extractions) {
          const checked = schemeChecks.some(
            (check) => check.scope === extraction.scope && check.header === extraction.header,
          );
          if (!checked) context.report(extraction.descriptor);
        }
      },
    } satisfies TSESLint.RuleListener;
  },
});
