/**
 * Static regular expressions: resolving a regex from source (literal, `new RegExp('…')`, const),
 * a small scanner for host patterns (anchors, groups, unescaped dots), and match-all detection.
 *
 * @packageDocumentation
 */
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import {
  getStaticString,
  type ImportContext,
  isGlobal,
  literalString,
  resolveConstNode,
  unwrapExpression,
} from './imports.js';
import { variableSource } from './request-values.js';

/** Maximum depth when following variables. */
const MAX_DEPTH = 8;

/** A regular expression known statically, with where its pattern text lives in the source. */
export interface StaticRegex {
  /** The pattern source, as the RegExp sees it. */
  pattern: string;
  /** The flags. */
  flags: string;
  /** The node that defines it: a regex Literal, or the `new RegExp(…)` / `RegExp(…)` call. */
  node: TSESTree.Node;
  /** For `new RegExp('…')`: the string node holding the pattern. */
  patternNode?: TSESTree.Literal | TSESTree.TemplateLiteral;
  /** For `new RegExp('…', 'flags')`: the flags node, when present. */
  flagsNode?: TSESTree.Node;
  /**
   * Whether a suggestion can rewrite the pattern in place ({@link regexFix}): true for a regex
   * literal and for `new RegExp('…')` with the pattern written as a string there; false when the
   * pattern or flags come from a `const` elsewhere (`new RegExp(PATTERN)`).
   */
  fixable: boolean;
}

/**
 * Resolves a regex Literal, `new RegExp('static', 'flags')` / `RegExp(…)` with the global `RegExp`
 * (pattern and flags may be `const` strings), or an identifier or `const` member bound to one of
 * those. Dynamic patterns give `undefined`. The one regex resolver of the plugin.
 *
 * @example
 * ```ts
 * resolveRegex(context, call.arguments[0])?.pattern // 'example\\.com$'
 * ```
 */
export function resolveRegex(context: ImportContext, node: TSESTree.Node, depth = 0): StaticRegex | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Literal && 'regex' in unwrapped) {
    return { pattern: unwrapped.regex.pattern, flags: unwrapped.regex.flags, node: unwrapped, fixable: true };
  }
  if (
    (unwrapped.type === AST_NODE_TYPES.NewExpression || unwrapped.type === AST_NODE_TYPES.CallExpression) &&
    unwrapped.callee.type === AST_NODE_TYPES.Identifier &&
    unwrapped.callee.name === 'RegExp' &&
    isGlobal(context, unwrapped.callee)
  ) {
    const [patternArg, flagsArg, extra] = unwrapped.arguments;
    if (patternArg === undefined || extra !== undefined) return undefined;
    if (patternArg.type === AST_NODE_TYPES.SpreadElement || flagsArg?.type === AST_NODE_TYPES.SpreadElement)
      return undefined;
    const patternNode = unwrapExpression(patternArg);
    const pattern = getStaticString(context, patternNode);
    if (pattern === undefined) return undefined;
    const flags = flagsArg === undefined ? '' : getStaticString(context, flagsArg);
    if (flags === undefined) return undefined;
    const written =
      (patternNode.type === AST_NODE_TYPES.Literal || patternNode.type === AST_NODE_TYPES.TemplateLiteral) &&
      literalString(patternNode) !== undefined &&
      (flagsArg === undefined || literalString(flagsArg) !== undefined);
    if (!written) return { pattern, flags, node: unwrapped, fixable: false };
    return {
      pattern,
      flags,
      node: unwrapped,
      patternNode,
      ...(flagsArg === undefined ? {} : { flagsNode: flagsArg }),
      fixable: true,
    };
  }
  if (unwrapped.type === AST_NODE_TYPES.Identifier || unwrapped.type === AST_NODE_TYPES.MemberExpression) {
    if (unwrapped.type === AST_NODE_TYPES.Identifier) {
      const source = variableSource(context, unwrapped);
      if (source !== undefined && source.key === undefined) return resolveRegex(context, source.init, depth + 1);
    }
    // `const { re } = CONFIG`, `CONFIG.re`: const object members.
    const resolved = resolveConstNode(context, unwrapped);
    if (resolved !== undefined && resolved !== unwrapped) return resolveRegex(context, resolved, depth + 1);
  }
  return undefined;
}

/** One element of a scanned regular expression. Offsets index the pattern string. */
export type RegexTerm =
  | {
      kind: 'char';
      value: string;
      escaped: boolean;
      start: number;
      end: number;
      quantified: boolean;
      optional: boolean;
    }
  | { kind: 'dot'; start: number; end: number; quantified: boolean; optional: boolean }
  | { kind: 'escape'; start: number; end: number; quantified: boolean; optional: boolean }
  | { kind: 'class'; onlyDot: boolean; start: number; end: number; quantified: boolean; optional: boolean }
  | {
      kind: 'group';
      lookaround: 'ahead' | 'negative-ahead' | 'behind' | undefined;
      alternatives: RegexTerm[][];
      start: number;
      end: number;
      quantified: boolean;
      optional: boolean;
    }
  | { kind: 'start' | 'end' | 'boundary'; start: number; end: number; quantified: boolean; optional: boolean };

/** Alternatives of a scanned pattern; each alternative is a sequence of terms. */
export type RegexAlternatives = RegexTerm[][];

/**
 * Scans a regular expression pattern into alternatives of terms (a deliberately small parser:
 * enough to find anchors, groups, classes, escapes and unescaped dots). Returns undefined when the
 * pattern is not well formed.
 *
 * @example
 * ```ts
 * scanRegex('^a\\.b$') // [[start, char a, char ., char b, end]]
 * ```
 */
export function scanRegex(pattern: string): RegexAlternatives | undefined {
  const state = { index: 0 };
  try {
    const result = scanAlternatives(pattern, state, false);
    return state.index === pattern.length ? result : undefined;
  } catch {
    return undefined;
  }
}

function scanAlternatives(pattern: string, state: { index: number }, inGroup: boolean): RegexAlternatives {
  const alternatives: RegexAlternatives = [[]];
  while (state.index < pattern.length) {
    const char = pattern[state.index] ?? '';
    if (char === ')') {
      if (!inGroup) throw new Error('unbalanced');
      return alternatives;
    }
    if (char === '|') {
      alternatives.push([]);
      state.index += 1;
      continue;
    }
    const term = scanTerm(pattern, state);
    scanQuantifier(pattern, state, term);
    alternatives[alternatives.length - 1]?.push(term);
  }
  if (inGroup) throw new Error('unterminated group');
  return alternatives;
}

function scanTerm(pattern: string, state: { index: number }): RegexTerm {
  const start = state.index;
  const char = pattern[start] ?? '';
  const base = { start, quantified: false, optional: false };
  switch (char) {
    case '^':
      state.index += 1;
      return { kind: 'start', ...base, end: state.index };
    case '$':
      state.index += 1;
      return { kind: 'end', ...base, end: state.index };
    case '.':
      state.index += 1;
      return { kind: 'dot', ...base, end: state.index };
    case '[': {
      let index = start + 1;
      let depth = 1;
      while (index < pattern.length && depth > 0) {
        const current = pattern[index];
        if (current === '\\') index += 2;
        else {
          if (current === '[') depth += 1;
          else if (current === ']') depth -= 1;
          index += 1;
        }
      }
      if (depth !== 0) throw new Error('unterminated class');
      state.index = index;
      const body = pattern.slice(start + 1, index - 1);
      return { kind: 'class', onlyDot: body === '.' || body === '\\.', ...base, end: index };
    }
    case '(': {
      let index = start + 1;
      let lookaround: 'ahead' | 'negative-ahead' | 'behind' | undefined;
      if (pattern[index] === '?') {
        const rest = pattern.slice(index + 1);
        if (rest.startsWith('=')) {
          lookaround = 'ahead';
          index += 2;
        } else if (rest.startsWith('!')) {
          lookaround = 'negative-ahead';
          index += 2;
        } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
          lookaround = 'behind';
          index += 3;
        } else if (rest.startsWith('<')) {
          const close = pattern.indexOf('>', index);
          if (close === -1) throw new Error('bad group name');
          index = close + 1;
        } else {
          // `(?:`, and modifier groups such as `(?i:`.
          const colon = pattern.indexOf(':', index);
          if (colon === -1 || !/^[a-z-]*$/.test(pattern.slice(index + 1, colon))) throw new Error('bad group');
          index = colon + 1;
        }
      }
      state.index = index;
      const alternatives = scanAlternatives(pattern, state, true);
      state.index += 1; // ')'
      return { kind: 'group', lookaround, alternatives, ...base, end: state.index };
    }
    case '\\': {
      const next = pattern[start + 1];
      if (next === undefined) throw new Error('trailing backslash');
      let end = start + 2;
      if (next === 'b' || next === 'B') {
        state.index = end;
        return { kind: 'boundary', ...base, end };
      }
      if (next === 'u' && pattern[end] === '{') end = pattern.indexOf('}', end) + 1;
      else if (next === 'u') end += 4;
      else if (next === 'x') end += 2;
      else if (next === 'c') end += 1;
      else if ((next === 'p' || next === 'P') && pattern[end] === '{') end = pattern.indexOf('}', end) + 1;
      else if (next === 'k' && pattern[end] === '<') end = pattern.indexOf('>', end) + 1;
      if (end <= start) throw new Error('bad escape');
      state.index = end;
      if (/^[dDwWsS0-9pPkux]$/.test(next) || /^[fnrtv]$/.test(next) || next === 'c') {
        return { kind: 'escape', ...base, end };
      }
      return { kind: 'char', value: next, escaped: true, ...base, end };
    }
    default:
      state.index += 1;
      return { kind: 'char', value: char, escaped: false, ...base, end: state.index };
  }
}

function scanQuantifier(pattern: string, state: { index: number }, term: RegexTerm): void {
  const char = pattern[state.index];
  let optional = false;
  if (char === '*' || char === '?') {
    optional = true;
    state.index += 1;
  } else if (char === '+') {
    state.index += 1;
  } else if (char === '{') {
    const match = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(state.index));
    if (match === null) return;
    optional = match[1] === '0';
    state.index += match[0].length;
  } else {
    return;
  }
  if (pattern[state.index] === '?') state.index += 1;
  term.quantified = true;
  term.optional = optional;
  term.end = state.index;
}

function isLabelChar(term: RegexTerm | undefined): boolean {
  return term?.kind === 'char' && /^[A-Za-z0-9]$/.test(term.value);
}

/**
 * Offsets of unescaped `.` characters that sit between host-name labels (`example.com`,
 * `[a-z]+.example`, `(www.)?`). A `.` inside a class, escaped, quantified (`.*`), or at the
 * start of the pattern is not reported.
 *
 * @example
 * ```ts
 * unescapedHostDots(scanRegex('^a.b\\.c$')!) // [2]
 * ```
 */
export function unescapedHostDots(alternatives: RegexAlternatives): number[] {
  const found: number[] = [];
  const visit = (sequences: RegexAlternatives, nested: boolean): void => {
    for (const sequence of sequences) {
      sequence.forEach((term, index) => {
        if (term.kind === 'group') {
          visit(term.alternatives, true);
          return;
        }
        if (term.kind !== 'dot' || term.quantified) return;
        const previous = sequence[index - 1];
        const next = sequence[index + 1];
        const previousIsLabel =
          isLabelChar(previous) ||
          (previous?.kind === 'char' && previous.value === '-') ||
          previous?.kind === 'class' ||
          (previous?.kind === 'group' && previous.lookaround === undefined);
        const nextIsLabel =
          isLabelChar(next) ||
          (next?.kind === 'group' &&
            next.lookaround === undefined &&
            next.alternatives.every((alt) => isLabelChar(alt[0]))) ||
          (next === undefined && nested && isLabelChar(previous));
        if (previousIsLabel && nextIsLabel) found.push(term.start);
      });
    }
  };
  visit(alternatives, false);
  return found;
}

/** Does every path through `sequence` begin at `^` (or at a literal `.` label boundary)? */
function startsAnchored(sequence: readonly RegexTerm[]): boolean {
  for (const term of sequence) {
    if (term.kind === 'boundary' || (term.kind === 'group' && term.lookaround !== undefined)) continue;
    if (term.kind === 'start') return true;
    if (term.kind === 'char') return term.escaped && term.value === '.' && !term.optional;
    if (term.kind === 'class') return term.onlyDot && !term.optional;
    if (term.kind === 'group') return !term.optional && term.alternatives.every(startsAnchored);
    return false;
  }
  return false;
}

/** Does every path through `sequence` end at `$`, at a `/` path separator, or at a negative lookahead? */
function endsAnchored(sequence: readonly RegexTerm[]): boolean {
  for (let index = sequence.length - 1; index >= 0; index -= 1) {
    const term = sequence[index];
    if (term === undefined) return false;
    if (term.kind === 'boundary' || term.kind === 'start') continue;
    if (term.kind === 'end') return true;
    if (term.kind === 'char') return term.value === '/' && !term.optional;
    if (term.kind === 'group') {
      if (term.lookaround === 'negative-ahead') return true;
      if (term.lookaround === 'behind') continue;
      if (term.optional) {
        // `(\/.*)?` at the end: the pattern can also end before it.
        if (term.alternatives.every(endsAnchored)) continue;
        return false;
      }
      return term.alternatives.every(endsAnchored);
    }
    return false;
  }
  return false;
}

/** Anchoring of a scanned pattern. */
export interface RegexAnchoring {
  /** Every top-level alternative is anchored at the start. */
  start: boolean;
  /** Every top-level alternative is anchored at the end. */
  end: boolean;
}

/**
 * Checks that every top-level alternative of a host pattern is anchored at both ends. A leading
 * escaped `.` counts as a start boundary (`\.example\.com$` is a subdomain check), and a trailing
 * `/`, `(\/|$)` or negative lookahead counts as an end boundary.
 *
 * @example
 * ```ts
 * regexAnchoring(scanRegex('^a\\.com|b\\.com$')!) // { start: false, end: false }
 * ```
 */
export function regexAnchoring(alternatives: RegexAlternatives): RegexAnchoring {
  return { start: alternatives.every(startsAnchored), end: alternatives.every(endsAnchored) };
}

/**
 * Does the pattern look like it matches a host name or origin: a dotted name (`example.com`,
 * `example\.com`, `example[.]com`) or `localhost`?
 *
 * @example
 * ```ts
 * isHostLikePattern('^https:\\/\\/') // false
 * ```
 */
export function isHostLikePattern(pattern: string): boolean {
  return /[A-Za-z0-9\])](?:\\\.|\.|\[\\?\.\])[A-Za-z(]/.test(pattern) || /localhost/i.test(pattern);
}

/**
 * Escapes the `.` at the given pattern offsets.
 *
 * @example
 * ```ts
 * escapeDotsAt('a.b', [1]) // 'a\\.b'
 * ```
 */
export function escapeDotsAt(pattern: string, offsets: readonly number[]): string {
  let out = '';
  for (let index = 0; index < pattern.length; index += 1) {
    out += offsets.includes(index) ? '\\.' : (pattern[index] ?? '');
  }
  return out;
}

/**
 * Does this RegExp source match every string (`.*`, `^.*$`, `.+`, `[\s\S]*`, `(.*)` …)?
 *
 * @example
 * ```ts
 * isMatchAllRegexSource('^.*$') // true
 * ```
 */
export function isMatchAllRegexSource(source: string): boolean {
  let body = source;
  if (body.startsWith('^')) body = body.slice(1);
  if (body.endsWith('$') && !body.endsWith('\\$')) body = body.slice(0, -1);
  for (;;) {
    const group = /^\((?:\?:)?(.*)\)$/su.exec(body);
    if (group?.[1] === undefined) break;
    body = group[1];
  }
  return /^(?:\.|\[\\s\\S\]|\[\\S\\s\]|\[\\w\\W\]|\[\\d\\D\]|\[\^\])[*+]\??$/u.test(body);
}
