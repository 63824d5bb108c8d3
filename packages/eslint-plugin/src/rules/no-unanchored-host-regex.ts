import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  asMethodCall,
  classifyOriginValue,
  escapeDotsAt,
  findProperty,
  guardOptionsIndex,
  isAdapterFactory,
  isCreateGuard,
  isHostLikePattern,
  matchesImport,
  mentions,
  regexAnchoring,
  regexFix,
  resolveConstNode,
  resolveImport,
  resolveRegex,
  scanRegex,
  type StaticRegex,
  unescapedHostDots,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds = 'unescapedDot' | 'missingStart' | 'missingEnd' | 'escapeDots' | 'addStartAnchor' | 'addEndAnchor';

/** How a regex is used, which decides which problems apply. */
type Usage = 'match' | 'rebind-guard';

const CORS_MODULES = ['cors', '@koa/cors'] as const;
const FASTIFY_CORS = '@fastify/cors';
const MATCH_METHODS = new Set(['match', 'matchAll', 'search']);

export default createRule<[], MessageIds>({
  name: 'no-unanchored-host-regex',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow host and origin regular expressions with unescaped dots or missing `^`/`$` anchors.',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      unescapedDot:
        "Unescaped '.' in a host pattern matches any character, so a look-alike name such as 'exampleXcom' (which anyone can register) also passes. Escape it as '\\.'.",
      missingStart:
        "This host pattern has no '^' anchor: any host or origin that merely ends with it (e.g. 'https://evil-example.com') also passes.",
      missingEnd:
        "This host pattern has no '$' anchor: any host or origin that merely starts with it (e.g. 'https://example.com.evil.net') also passes.",
      escapeDots: "Escape the host name dots as '\\.'.",
      addStartAnchor: "Anchor the pattern at the start with '^'.",
      addEndAnchor: "Anchor the pattern at the end with '$'.",
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    const { sourceCode } = context;
    const checked = new Set<TSESTree.Node>();

    function check(regex: StaticRegex | undefined, usage: Usage): void {
      if (regex === undefined || checked.has(regex.node)) return;
      checked.add(regex.node);
      if (!isHostLikePattern(regex.pattern)) return;
      const scanned = scanRegex(regex.pattern);
      if (scanned === undefined) return;

      const dots = unescapedHostDots(scanned);
      if (dots.length > 0) {
        context.report({
          node: regex.node,
          messageId: 'unescapedDot',
          suggest: regex.fixable
            ? [
                {
                  messageId: 'escapeDots',
                  fix: (fixer) => regexFix(fixer, sourceCode, regex, escapeDotsAt(regex.pattern, dots)),
                },
              ]
            : [],
        });
      }
      if (usage === 'rebind-guard') return; // rebind-guard anchors RegExp entries itself.

      const anchoring = regexAnchoring(scanned);
      const multiple = scanned.length > 1;
      if (!anchoring.start) {
        const pattern = multiple ? `^(?:${regex.pattern})` : `^${regex.pattern}`;
        context.report({
          node: regex.node,
          messageId: 'missingStart',
          suggest: regex.fixable
            ? [{ messageId: 'addStartAnchor', fix: (fixer) => regexFix(fixer, sourceCode, regex, pattern) }]
            : [],
        });
      }
      if (!anchoring.end) {
        const pattern = multiple ? `(?:${regex.pattern})$` : `${regex.pattern}$`;
        context.report({
          node: regex.node,
          messageId: 'missingEnd',
          suggest: regex.fixable
            ? [{ messageId: 'addEndAnchor', fix: (fixer) => regexFix(fixer, sourceCode, regex, pattern) }]
            : [],
        });
      }
    }

    /** Checks a regex or an array of regexes given as an option value (other entries are ignored). */
    function checkEntries(value: TSESTree.Node, usage: Usage): void {
      const resolved = resolveConstNode(context, value);
      const list = resolved?.type === AST_NODE_TYPES.ArrayExpression ? resolved.elements : [value];
      for (const element of list) {
        if (element === null) continue;
        const entry = element.type === AST_NODE_TYPES.SpreadElement ? element.argument : element;
        if (element.type === AST_NODE_TYPES.SpreadElement) {
          const spread = resolveConstNode(context, entry);
          if (spread?.type === AST_NODE_TYPES.ArrayExpression) checkEntries(spread, usage);
          continue;
        }
        check(resolveRegex(context, entry), usage);
      }
    }

    function checkOptions(options: TSESTree.Node | undefined, keys: readonly string[], usage: Usage): void {
      if (options === undefined || options.type === AST_NODE_TYPES.SpreadElement) return;
      for (const key of keys) {
        const lookup = findProperty(context, options, key);
        if (lookup.found === true) checkEntries(lookup.value, usage);
      }
    }

    function isRebindGuardFactory(node: TSESTree.Node): boolean {
      const ref = resolveImport(context, node);
      return isAdapterFactory(ref) || isCreateGuard(ref);
    }

    // Scope lookups on every call are the expensive part; files that import none of the tracked
    // modules can skip them (an import names its module in the text).
    const tracksImports = mentions(context, /cors|host-validation|@rebind-guard\//);

    return {
      CallExpression(node) {
        const callee = unwrapExpression(node.callee);
        const [first, second] = node.arguments;
        const call = asMethodCall(node);
        if (tracksImports) {
          if (checkImportedOptions(callee, call, first, second)) return;
        }
        if (call === undefined) return;
        // /re/.test(origin), /re/.exec(host)
        if ((call.method === 'test' || call.method === 'exec') && first !== undefined) {
          if (classifyOriginValue(context, first) === undefined) return;
          check(resolveRegex(context, call.object), 'match');
          return;
        }
        // origin.match(/re/), host.search(/re/)
        if (MATCH_METHODS.has(call.method) && first !== undefined) {
          if (classifyOriginValue(context, call.object) === undefined) return;
          check(resolveRegex(context, first), 'match');
        }
      },
    } satisfies TSESLint.RuleListener;

    /** Options of tracked imports (cors, host-validation, rebind-guard); true when the call was one. */
    function checkImportedOptions(
      callee: TSESTree.Node,
      call: ReturnType<typeof asMethodCall>,
      first: TSESTree.CallExpressionArgument | undefined,
      second: TSESTree.CallExpressionArgument | undefined,
    ): boolean {
      const ref = resolveImport(context, callee);

      // cors({ origin }) / koa cors({ origin })
      if (matchesImport(ref, CORS_MODULES, [])) {
        checkOptions(first, ['origin'], 'match');
        return true;
      }
      // host-validation({ hosts, referers })
      if (matchesImport(ref, 'host-validation', [])) {
        checkOptions(first, ['hosts', 'referers'], 'match');
        return true;
      }
      // createGuard({ hosts }) / rebindGuard({ hosts }) / rebindGuard.optional({ hosts }) / guardUpgrades(server, { hosts })
      const optionsIndex = guardOptionsIndex(ref);
      if (optionsIndex !== undefined) {
        checkOptions(optionsIndex === 0 ? first : second, ['hosts'], 'rebind-guard');
        return true;
      }
      // fastify.register(cors, { origin }) / fastify.register(rebindGuard, { hosts })
      if (call?.method === 'register' && first !== undefined && first.type !== AST_NODE_TYPES.SpreadElement) {
        const plugin = resolveImport(context, first);
        if (matchesImport(plugin, FASTIFY_CORS, [])) checkOptions(second, ['origin'], 'match');
        else if (isRebindGuardFactory(first)) checkOptions(second, ['hosts'], 'rebind-guard');
        return true;
      }
      return false;
    }
  },
});
