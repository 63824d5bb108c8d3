import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  asMethodCall,
  classifyOriginValue,
  getStaticString,
  type MethodCall,
  type OriginValueKind,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds =
  | 'prefixCheck'
  | 'suffixCheck'
  | 'substringCheck'
  | 'compareOrigin'
  | 'compareHostname'
  | 'compareHost'
  | 'exactOrSubdomain';

/** What the check tests: a prefix, a suffix, or containment anywhere. */
type CheckKind = 'prefix' | 'suffix' | 'substring';

/** A literal that looks like a URL (`https://…`, `//…`) or a dotted host name. */
interface HostLiteral {
  value: string;
  /** `https://host[:port]…` / `//host…`: the authority and what follows it. */
  url?: { authority: string; rest: string };
  /** A bare dotted host name such as `app.example.com` or `.example.com`. */
  host?: string;
}

/** File extensions that make `'index.html'`-like literals file names rather than hosts. */
const FILE_EXTENSIONS = new Set([
  'html',
  'htm',
  'js',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'tsx',
  'mts',
  'cts',
  'css',
  'scss',
  'less',
  'json',
  'map',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'ico',
  'webp',
  'avif',
  'txt',
  'xml',
  'pdf',
  'wasm',
  'woff',
  'woff2',
  'ttf',
  'eot',
  'otf',
  'mp3',
  'mp4',
  'webm',
  'ogg',
  'wav',
  'zip',
  'gz',
  'tgz',
  'tar',
  'md',
  'php',
  'asp',
  'aspx',
  'jsp',
  'cgi',
  'yml',
  'yaml',
  'csv',
  'vue',
  'svelte',
  'lock',
  'log',
  'sh',
  'py',
  'rb',
  'exe',
  'dll',
  'bin',
]);

const DOTTED_HOST = /^\.?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z][a-z0-9-]*[a-z0-9])\.?(?::\d{1,5})?$/i;

function classifyLiteral(value: string): HostLiteral | undefined {
  const url = /^(?:(?:https?|wss?):)?\/\/([^/?#]*)(.*)$/is.exec(value);
  if (url !== null) {
    const authority = url[1] ?? '';
    return authority.length === 0 ? undefined : { value, url: { authority, rest: url[2] ?? '' } };
  }
  const host = DOTTED_HOST.exec(value);
  if (host === null) return undefined;
  const tld = (host[1] ?? '').toLowerCase();
  if (FILE_EXTENSIONS.has(tld)) return undefined;
  return { value, host: value };
}

/** Is this literal actually a problem for the given check? */
function isUnsafe(kind: CheckKind, literal: HostLiteral): boolean {
  switch (kind) {
    case 'prefix':
      // A prefix is safe once it pins the end of the authority with a path separator.
      if (literal.url !== undefined) return literal.url.rest.length === 0;
      return literal.host !== undefined && !literal.value.startsWith('.');
    case 'suffix':
      // `.example.com` is a proper subdomain check; a `/`-led suffix is a path.
      return !literal.value.startsWith('.') && !literal.value.startsWith('/');
    case 'substring':
      return true;
  }
}

function bypassExample(kind: CheckKind, literal: HostLiteral): string {
  const value = literal.value;
  switch (kind) {
    case 'prefix':
      return value.endsWith(':') ? `${value}@evil.example` : `${value}.evil.example`;
    case 'suffix':
      return literal.url === undefined ? `evil${value}` : `https://evil.example/?${value}`;
    case 'substring':
      return literal.url === undefined || literal.url.rest.length === 0
        ? `${value}.evil.example`
        : `https://evil.example/?${value}`;
  }
}

/** Is `literal` a serialized origin exactly as `new URL(x).origin` would produce it? */
function isSerializedOrigin(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** Expressions that can be evaluated twice without side effects or visible cost. */
function isSimpleReference(node: TSESTree.Node): boolean {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Identifier || unwrapped.type === AST_NODE_TYPES.ThisExpression) return true;
  if (unwrapped.type === AST_NODE_TYPES.MemberExpression) {
    if (unwrapped.computed && unwrapped.property.type !== AST_NODE_TYPES.Literal) return false;
    return isSimpleReference(unwrapped.object);
  }
  return false;
}

/** Parent contexts in which a replacement `a === b` / `a || b` can stand without parentheses. */
function needsParentheses(node: TSESTree.Node, replacementIsLogical: boolean): boolean {
  const parent = node.parent;
  if (parent === undefined) return false;
  switch (parent.type) {
    case AST_NODE_TYPES.IfStatement:
    case AST_NODE_TYPES.WhileStatement:
    case AST_NODE_TYPES.DoWhileStatement:
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ExpressionStatement:
    case AST_NODE_TYPES.VariableDeclarator:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.ArrayExpression:
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.AssignmentExpression:
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.NewExpression:
      return parent.type === AST_NODE_TYPES.CallExpression || parent.type === AST_NODE_TYPES.NewExpression
        ? parent.callee === node
        : false;
    case AST_NODE_TYPES.ConditionalExpression:
      return parent.test !== node || replacementIsLogical;
    case AST_NODE_TYPES.LogicalExpression:
      // `a === b` binds tighter than any logical operator; `x || y` inside `&&` / `??` needs parentheses.
      return replacementIsLogical && parent.operator !== '||';
    default:
      return true;
  }
}

/** A detected check: the expression to report/replace, what it tests, and whether it is negated. */
interface Check {
  node: TSESTree.Node;
  call: MethodCall;
  kind: CheckKind;
  negated: boolean;
}

const METHOD_KIND: Readonly<Record<string, CheckKind>> = {
  startsWith: 'prefix',
  endsWith: 'suffix',
  includes: 'substring',
};

function asNumber(node: TSESTree.Node): number | undefined {
  const unwrapped = unwrapExpression(node);
  if (unwrapped.type === AST_NODE_TYPES.Literal && typeof unwrapped.value === 'number') return unwrapped.value;
  if (
    unwrapped.type === AST_NODE_TYPES.UnaryExpression &&
    unwrapped.operator === '-' &&
    unwrapped.argument.type === AST_NODE_TYPES.Literal &&
    typeof unwrapped.argument.value === 'number'
  ) {
    return -unwrapped.argument.value;
  }
  return undefined;
}

/** Interprets `x.indexOf(lit) <op> n` (either operand order) as a prefix or substring check. */
function indexOfCheck(binary: TSESTree.BinaryExpression, call: MethodCall): Check | undefined {
  const callOnLeft = unwrapExpression(binary.left) === call.call;
  const other = asNumber(callOnLeft ? binary.right : binary.left);
  if (other === undefined) return undefined;
  // Normalise to `indexOf(...) <op> n`.
  const flip: Readonly<Record<string, string>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
  const operator = callOnLeft ? binary.operator : (flip[binary.operator] ?? binary.operator);
  const equal = operator === '===' || operator === '==';
  const notEqual = operator === '!==' || operator === '!=';
  if (other === 0 && (equal || notEqual)) return { node: binary, call, kind: 'prefix', negated: notEqual };
  if (other === -1 && (notEqual || operator === '>')) return { node: binary, call, kind: 'substring', negated: false };
  if (other === -1 && equal) return { node: binary, call, kind: 'substring', negated: true };
  if (other === 0 && operator === '>=') return { node: binary, call, kind: 'substring', negated: false };
  if (other === 0 && operator === '<') return { node: binary, call, kind: 'substring', negated: true };
  return undefined;
}

export default createRule<[], MessageIds>({
  name: 'no-substring-origin-check',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow `startsWith`/`endsWith`/`includes`/`indexOf` checks of origins, referers, hosts and URLs against host names.',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      prefixCheck:
        "A prefix check against '{{literal}}' also accepts '{{bypass}}'. Compare the parsed origin or host exactly.",
      suffixCheck:
        "A suffix check against '{{literal}}' also accepts '{{bypass}}'. Compare exactly, or check a suffix that starts with '.'.",
      substringCheck:
        "A substring check for '{{literal}}' also accepts '{{bypass}}'. Compare the parsed origin or host exactly.",
      compareOrigin: 'Compare the parsed origin exactly: `new URL(…).origin === {{literal}}`.',
      compareHostname: 'Compare the parsed host name exactly: `new URL(…).hostname === {{literal}}`.',
      compareHost: 'Compare the host exactly: `… === {{literal}}`.',
      exactOrSubdomain: "Accept exactly '{{host}}' or its subdomains ('.{{host}}').",
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    const { sourceCode } = context;

    function findCheck(node: TSESTree.CallExpression): Check | undefined {
      const call = asMethodCall(node);
      if (call === undefined || call.call.arguments.length !== 1) return undefined;
      // The node that stands for the whole call (`a?.b()` is wrapped in a ChainExpression).
      const outer = node.parent.type === AST_NODE_TYPES.ChainExpression ? node.parent : node;
      const kind = METHOD_KIND[call.method];
      if (kind !== undefined) return { node: outer, call, kind, negated: false };
      if (call.method === 'indexOf' && outer.parent.type === AST_NODE_TYPES.BinaryExpression) {
        return indexOfCheck(outer.parent, call);
      }
      return undefined;
    }

    function suggestions(
      check: Check,
      literal: HostLiteral,
      valueKind: OriginValueKind,
    ): TSESLint.SuggestionReportDescriptor<MessageIds>[] {
      const argument = check.call.call.arguments[0];
      if (argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) return [];
      const callee = unwrapExpression(check.call.call.callee);
      // Keep TS wrappers such as `origin!` in the replacement (the callee's raw object).
      const valueText = sourceCode.getText(
        callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : check.call.object,
      );
      const literalText = sourceCode.getText(argument);
      const operator = check.negated ? '!==' : '===';
      const replace =
        (text: string, logical: boolean): TSESLint.ReportFixFunction =>
        (fixer) =>
          fixer.replaceText(check.node, needsParentheses(check.node, logical) ? `(${text})` : text);

      if (literal.url !== undefined) {
        if (!isSerializedOrigin(literal.value)) return [];
        return [
          {
            messageId: 'compareOrigin',
            data: { literal: literalText },
            fix: replace(`new URL(${valueText}).origin ${operator} ${literalText}`, false),
          },
        ];
      }
      if (literal.host === undefined || literal.value.startsWith('.')) return [];
      if (check.kind === 'suffix') {
        if (!isSimpleReference(check.call.object)) return [];
        const quote = literalText.startsWith('"') ? '"' : literalText.startsWith('`') ? '`' : "'";
        const text = `${valueText} === ${literalText} || ${valueText}.endsWith(${quote}.${literal.value}${quote})`;
        return [{ messageId: 'exactOrSubdomain', data: { host: literal.value }, fix: replace(text, true) }];
      }
      if (valueKind === 'url') {
        return [
          {
            messageId: 'compareHostname',
            data: { literal: literalText },
            fix: replace(`new URL(${valueText}).hostname ${operator} ${literalText}`, false),
          },
        ];
      }
      return [
        {
          messageId: 'compareHost',
          data: { literal: literalText },
          fix: replace(`${valueText} ${operator} ${literalText}`, false),
        },
      ];
    }

    return {
      CallExpression(node) {
        const check = findCheck(node);
        if (check === undefined) return;
        const argument = check.call.call.arguments[0];
        if (argument === undefined || argument.type === AST_NODE_TYPES.SpreadElement) return;
        const value = getStaticString(context, argument);
        if (value === undefined) return;
        const literal = classifyLiteral(value);
        if (literal === undefined || !isUnsafe(check.kind, literal)) return;
        const valueKind = classifyOriginValue(context, check.call.object);
        if (valueKind === undefined) return;
        const messageId =
          check.kind === 'prefix' ? 'prefixCheck' : check.kind === 'suffix' ? 'suffixCheck' : 'substringCheck';
        context.report({
          node: check.node,
          messageId,
          data: { literal: value, bypass: bypassExample(check.kind, literal) },
          suggest: suggestions(check, literal, valueKind),
        });
      },
    } satisfies TSESLint.RuleListener;
  },
});
