/**
 * Fixer helpers for suggestions: rewriting a regex pattern in place, quoting strings, removing a
 * list element or an object property together with its comma.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import type { ImportContext } from './imports.js';
import type { StaticRegex } from './regex.js';

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
 * the node in {@link StaticRegex.node}'s position (regex Literal) or for its pattern string. Only
 * for regexes with `fixable: true`.
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
    if (regex.flagsNode === undefined)
      fixes.push(fixer.insertTextAfter(regex.patternNode, `, ${quoteString(flags, quote)}`));
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

/** The range of `node` plus the comma after it (with the following space) or, failing that, before it. */
function rangeWithComma(
  sourceCode: ImportContext['sourceCode'],
  node: TSESTree.Node,
  commaAfter: boolean,
): [number, number] | undefined {
  const after = sourceCode.getTokenAfter(node);
  if (commaAfter && after?.value === ',') {
    const next = sourceCode.getTokenAfter(after);
    return [node.range[0], next === null ? after.range[1] : next.range[0]];
  }
  const before = sourceCode.getTokenBefore(node);
  if (before?.value === ',') return [before.range[0], node.range[1]];
  return undefined;
}

/**
 * Fixer range that removes one element of an array literal together with its separating comma.
 * Returns `undefined` when the element is the only one (an empty list may change the meaning).
 *
 * @example
 * ```ts
 * const range = elementRemovalRange(context.sourceCode, entry); // `'*', ` in `['*', 'a.example.com']`
 * if (range !== undefined) suggest.push({ messageId: 'removeEntry', fix: (fixer) => fixer.removeRange(range) });
 * ```
 */
export function elementRemovalRange(
  sourceCode: ImportContext['sourceCode'],
  element: TSESTree.Node,
): [number, number] | undefined {
  const array = element.parent;
  if (array?.type !== AST_NODE_TYPES.ArrayExpression || array.elements.length < 2) return undefined;
  const index = array.elements.indexOf(element as TSESTree.Expression);
  if (index === -1) return undefined;
  return rangeWithComma(sourceCode, element, index < array.elements.length - 1);
}

/**
 * Fixer range that removes one property of an object literal together with its comma (the
 * whole property when it is the only one: `{ credentials: true }` becomes `{}`).
 *
 * @example
 * ```ts
 * const range = propertyRemovalRange(context.sourceCode, credentialsProperty);
 * ```
 */
export function propertyRemovalRange(
  sourceCode: ImportContext['sourceCode'],
  property: TSESTree.Property,
): [number, number] | undefined {
  if (property.parent.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  return rangeWithComma(sourceCode, property, true) ?? [property.range[0], property.range[1]];
}
