import { hostEntryProblem } from '@rebind-guard/core';
import { AST_NODE_TYPES, type TSESTree } from '@typescript-eslint/utils';
import {
  carriesForwardedHost,
  comparesValue,
  configObjects,
  elementRemovalRange,
  findProperty,
  getPropertyKey,
  getStaticString,
  guardOptionsIndex,
  HOST_CHECK_SWITCHES_TEXT,
  isMcpTransport,
  isProcessEnv,
  matchAllHostEntry,
  matchesImport,
  memberName,
  mentions,
  resolveConstNode,
  resolveImport,
  staticBoolean,
  resolveRegex,
  unwrapExpression,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds =
  | 'webpackAllowedHostsAll'
  | 'webpackDisableHostCheck'
  | 'viteAllowedHostsTrue'
  | 'topLevelDomainHost'
  | 'disableHostCheckEnv'
  | 'mcpRebindingProtectionDisabled'
  | 'hostsMatchAll'
  | 'forwardedHostTrusted'
  | 'hostEntryRefused'
  | 'useAuto'
  | 'useFalse'
  | 'removeEntry';

const VITE_CONFIG_FILE = /(?:^|[\\/])vite(?:st)?\.config\.[cm]?[jt]sx?$/u;
const ENV_SWITCH = 'DANGEROUSLY_DISABLE_HOST_CHECK';
/** Calls that decide on a value: list membership and string tests. */
const FORWARDED_DECISION_METHODS: ReadonlySet<string> = new Set([
  'has',
  'includes',
  'indexOf',
  'test',
  'endsWith',
  'startsWith',
  'match',
]);

export default createRule<[], MessageIds>({
  name: 'no-host-check-bypass',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow switching off or bypassing Host header checks in dev servers, MCP transports and Host allowlists.',
      recommended: true,
    },
    hasSuggestions: true,
    messages: {
      webpackAllowedHostsAll:
        "`allowedHosts: 'all'` switches off webpack-dev-server's Host check: after a DNS rebind any web page can read the dev server (source, source maps, proxied APIs). List the host names you use instead.",
      webpackDisableHostCheck:
        "`disableHostCheck: true` switches off webpack-dev-server's Host check: after a DNS rebind any web page can read the dev server. List the host names in `allowedHosts` instead.",
      viteAllowedHostsTrue:
        "`allowedHosts: true` switches off Vite's Host check: after a DNS rebind any web page can read the dev server. List the host names you use instead.",
      topLevelDomainHost:
        "'{{entry}}' allows every host name under a top-level domain: an attacker who registers any name there can rebind it to this server. List your own domain instead.",
      disableHostCheckEnv:
        'DANGEROUSLY_DISABLE_HOST_CHECK switches off the dev server Host check: after a DNS rebind any web page can read the dev server. Set the allowed host names instead.',
      mcpRebindingProtectionDisabled:
        '`enableDnsRebindingProtection: false` leaves this MCP transport open to DNS rebinding: any web page the user visits can drive the local MCP server. Enable it with `allowedHosts`, or validate the Host with rebind-guard.',
      hostsMatchAll:
        "'{{entry}}' in `hosts` matches every Host header, so the Host check stops nothing and DNS rebinding works again. List the host names this API is served under.",
      hostEntryRefused: '{{problem}}',
      forwardedHostTrusted:
        "This Host check decides on {{header}}, which any client can send: after a DNS rebind the attacker's page is same-origin and can set it to an allowed name, so the check is bypassed. Check the Host header itself, and trust forwarded headers only behind a proxy that overwrites them (rebind-guard `trustProxy`).",
      useAuto: "Use `allowedHosts: 'auto'` (the default: localhost, the `host` option and webSocketURL).",
      useFalse: 'Set `disableHostCheck: false`.',
      removeEntry: "Remove '{{entry}}'.",
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    if (!mentions(context, HOST_CHECK_SWITCHES_TEXT)) return {};
    const { sourceCode } = context;
    const checked = new Set<TSESTree.Node>();

    /** Literal value node directly written at the property (not behind a const), for suggestions. */
    function inlineLiteral(value: TSESTree.Node): TSESTree.Node | undefined {
      const unwrapped = unwrapExpression(value);
      return unwrapped.type === AST_NODE_TYPES.Literal || unwrapped.type === AST_NODE_TYPES.TemplateLiteral
        ? unwrapped
        : undefined;
    }

    /** '.com', '.io': a leading-dot entry with a single label (except '.localhost', which is loopback). */
    function isTopLevelDomainEntry(value: string): boolean {
      if (!value.startsWith('.')) return false;
      const label = value.slice(1).replace(/\.$/u, '').toLowerCase();
      return label.length > 0 && !label.includes('.') && label !== 'localhost';
    }

    function checkHostList(listNode: TSESTree.Node): void {
      const list = resolveConstNode(context, listNode);
      if (list?.type !== AST_NODE_TYPES.ArrayExpression) return;
      for (const element of list.elements) {
        if (element === null || element.type === AST_NODE_TYPES.SpreadElement) continue;
        const entry = getStaticString(context, element);
        if (entry === undefined || !isTopLevelDomainEntry(entry)) continue;
        const range = elementRemovalRange(sourceCode, element);
        context.report({
          node: element,
          messageId: 'topLevelDomainHost',
          data: { entry },
          suggest:
            range === undefined
              ? []
              : [{ messageId: 'removeEntry', data: { entry }, fix: (fixer) => fixer.removeRange(range) }],
        });
      }
    }

    function checkWebpackDevServer(optionsNode: TSESTree.Node): void {
      const options = resolveConstNode(context, optionsNode);
      if (options?.type !== AST_NODE_TYPES.ObjectExpression || checked.has(options)) return;
      checked.add(options);
      const allowedHosts = findProperty(context, options, 'allowedHosts');
      if (allowedHosts.found === true) {
        if (getStaticString(context, allowedHosts.value) === 'all') {
          const literal = inlineLiteral(allowedHosts.value);
          context.report({
            node: allowedHosts.property,
            messageId: 'webpackAllowedHostsAll',
            suggest:
              literal === undefined
                ? []
                : [{ messageId: 'useAuto', fix: (fixer) => fixer.replaceText(literal, "'auto'") }],
          });
        } else {
          checkHostList(allowedHosts.value);
        }
      }
      const disable = findProperty(context, options, 'disableHostCheck');
      if (disable.found === true && staticBoolean(context, disable.value) === true) {
        const literal = inlineLiteral(disable.value);
        context.report({
          node: disable.property,
          messageId: 'webpackDisableHostCheck',
          suggest:
            literal === undefined
              ? []
              : [{ messageId: 'useFalse', fix: (fixer) => fixer.replaceText(literal, 'false') }],
        });
      }
    }

    function checkViteConfig(config: TSESTree.ObjectExpression): void {
      if (checked.has(config)) return;
      checked.add(config);
      for (const section of ['server', 'preview']) {
        const lookup = findProperty(context, config, section);
        if (lookup.found !== true) continue;
        const options = resolveConstNode(context, lookup.value);
        if (options?.type !== AST_NODE_TYPES.ObjectExpression) continue;
        const allowedHosts = findProperty(context, options, 'allowedHosts');
        if (allowedHosts.found !== true) continue;
        if (staticBoolean(context, allowedHosts.value) === true) {
          context.report({ node: allowedHosts.property, messageId: 'viteAllowedHostsTrue' });
        } else {
          checkHostList(allowedHosts.value);
        }
      }
    }

    function isEnabledFlag(node: TSESTree.Node): boolean {
      return getStaticString(context, node)?.trim().toLowerCase() === 'true' || staticBoolean(context, node) === true;
    }

    /**
     * The refusal core's `createGuard` would throw at start-up for this entry (`0.0.0.0`, a public
     * suffix such as `.co.uk`, a catch-all RegExp, a URL), in core's own words.
     */
    function entryProblem(entryNode: TSESTree.Node): string | undefined {
      const text = getStaticString(context, entryNode);
      if (text !== undefined) return hostEntryProblem(text);
      const regex = resolveRegex(context, entryNode);
      if (regex === undefined) return undefined;
      let value: RegExp;
      try {
        value = new RegExp(regex.pattern, regex.flags);
      } catch {
        return undefined; // an invalid pattern is a syntax error, reported elsewhere
      }
      return hostEntryProblem(value);
    }

    /** Checks the `hosts` of a guard; `rebindGuard` entries are also checked against core's refusals. */
    function checkGuardHosts(optionsNode: TSESTree.Node | undefined, rebindGuard = true): void {
      if (optionsNode === undefined || optionsNode.type === AST_NODE_TYPES.SpreadElement) return;
      const hosts = findProperty(context, optionsNode, 'hosts');
      if (hosts.found !== true) return;
      const resolved = resolveConstNode(context, hosts.value);
      const entries: TSESTree.Node[] = [];
      if (resolved?.type === AST_NODE_TYPES.ArrayExpression) {
        collectEntries(resolved, entries, 0);
      } else {
        entries.push(hosts.value);
      }
      for (const entry of entries) checkHostEntry(entry, rebindGuard);
    }

    function collectEntries(array: TSESTree.ArrayExpression, into: TSESTree.Node[], depth: number): void {
      for (const element of array.elements) {
        if (element === null) continue;
        if (element.type === AST_NODE_TYPES.SpreadElement) {
          const spread = resolveConstNode(context, element.argument);
          if (spread?.type === AST_NODE_TYPES.ArrayExpression && depth < 4) collectEntries(spread, into, depth + 1);
          continue;
        }
        into.push(element);
      }
    }

    function checkHostEntry(entryNode: TSESTree.Node, rebindGuardEntry: boolean): void {
      const matchAll = matchAllHostEntry(context, entryNode);
      if (matchAll === undefined && rebindGuardEntry) {
        const problem = entryProblem(entryNode);
        if (problem !== undefined) {
          const range = elementRemovalRange(sourceCode, entryNode);
          const entry = sourceCode.getText(entryNode);
          context.report({
            node: entryNode,
            messageId: 'hostEntryRefused',
            data: { problem },
            suggest:
              range === undefined
                ? []
                : [{ messageId: 'removeEntry', data: { entry }, fix: (fixer) => fixer.removeRange(range) }],
          });
        }
        return;
      }
      if (matchAll !== undefined) {
        const range = elementRemovalRange(sourceCode, entryNode);
        context.report({
          node: entryNode,
          messageId: 'hostsMatchAll',
          data: { entry: matchAll },
          suggest:
            range === undefined
              ? []
              : [{ messageId: 'removeEntry', data: { entry: matchAll }, fix: (fixer) => fixer.removeRange(range) }],
        });
      }
    }

    function isFastifyAdapter(node: TSESTree.Node): boolean {
      const ref = resolveImport(context, node);
      return (
        matchesImport(ref, '@rebind-guard/fastify', ['rebindGuard']) || matchesImport(ref, '@rebind-guard/fastify', [])
      );
    }

    const forwardedReported = new Set<TSESTree.Node>();

    /** A comparison that decides on X-Forwarded-Host / Forwarded (a loopback or allowlist check). */
    function checkForwardedDecision(node: TSESTree.BinaryExpression | TSESTree.CallExpression): void {
      if (node.type === AST_NODE_TYPES.BinaryExpression) {
        if (!['===', '!==', '==', '!='].includes(node.operator)) return;
        // Only comparisons with a host name: `=== undefined` / `=== ''` are presence checks.
        const hostSide = [node.left, node.right].find((side) => {
          const text = getStaticString(context, side);
          return text !== undefined && text !== '';
        });
        if (hostSide === undefined) return;
      }
      const carries = (value: TSESTree.Node): boolean => carriesForwardedHost(context, value);
      if (!comparesValue(context, node, carries)) return;
      if (forwardedReported.has(node)) return;
      forwardedReported.add(node);
      context.report({ node, messageId: 'forwardedHostTrusted', data: { header: 'X-Forwarded-Host / Forwarded' } });
    }

    return {
      BinaryExpression: checkForwardedDecision,
      Property(node) {
        const key = getPropertyKey(node);
        if (key === 'devServer') {
          checkWebpackDevServer(node.value);
        } else if (
          key === ENV_SWITCH &&
          node.parent.type === AST_NODE_TYPES.ObjectExpression &&
          isEnabledFlag(node.value)
        ) {
          context.report({ node, messageId: 'disableHostCheckEnv' });
        }
      },
      AssignmentExpression(node) {
        const left = unwrapExpression(node.left);
        if (left.type !== AST_NODE_TYPES.MemberExpression) return;
        let name = memberName(left);
        if (name === undefined && left.computed) name = getStaticString(context, left.property);
        if (name !== ENV_SWITCH || !isProcessEnv(context, left.object)) return;
        if (isEnabledFlag(node.right)) context.report({ node, messageId: 'disableHostCheckEnv' });
      },
      NewExpression(node) {
        const ref = resolveImport(context, node.callee);
        if (matchesImport(ref, 'webpack-dev-server', [])) {
          for (const argument of node.arguments) {
            if (argument.type !== AST_NODE_TYPES.SpreadElement) checkWebpackDevServer(argument);
          }
          return;
        }
        if (isMcpTransport(ref)) {
          for (const argument of node.arguments) {
            if (argument.type === AST_NODE_TYPES.SpreadElement) continue;
            const options = resolveConstNode(context, argument);
            if (options?.type !== AST_NODE_TYPES.ObjectExpression) continue;
            const flag = findProperty(context, options, 'enableDnsRebindingProtection');
            if (flag.found === true && staticBoolean(context, flag.value) === false) {
              context.report({ node: flag.property, messageId: 'mcpRebindingProtectionDisabled' });
            }
          }
        }
      },
      CallExpression(node) {
        const method =
          unwrapExpression(node.callee).type === AST_NODE_TYPES.MemberExpression
            ? memberName(unwrapExpression(node.callee) as TSESTree.MemberExpression)
            : undefined;
        if (method !== undefined && FORWARDED_DECISION_METHODS.has(method)) checkForwardedDecision(node);
        const ref = resolveImport(context, node.callee);
        const [first, second] = node.arguments;
        if (matchesImport(ref, ['vite', 'vitest/config'], ['defineConfig'])) {
          if (first !== undefined && first.type !== AST_NODE_TYPES.SpreadElement) {
            for (const config of configObjects(context, first)) checkViteConfig(config);
          }
          return;
        }
        // createGuard(opts), rebindGuard(opts), rebindGuard.optional(opts), guardUpgrades(server, opts)
        const optionsIndex = guardOptionsIndex(ref);
        if (optionsIndex !== undefined) {
          checkGuardHosts(node.arguments[optionsIndex]);
          return;
        }
        if (matchesImport(ref, 'host-validation', [])) {
          checkGuardHosts(first, false);
          return;
        }
        const callee = unwrapExpression(node.callee);
        if (
          callee.type === AST_NODE_TYPES.MemberExpression &&
          memberName(callee) === 'register' &&
          first !== undefined &&
          isFastifyAdapter(first)
        ) {
          checkGuardHosts(second);
        }
      },
      ExportDefaultDeclaration(node) {
        if (!VITE_CONFIG_FILE.test(context.filename)) return;
        const declaration = node.declaration;
        if (
          declaration.type === AST_NODE_TYPES.ClassDeclaration ||
          declaration.type === AST_NODE_TYPES.TSDeclareFunction
        )
          return;
        if (
          declaration.type === AST_NODE_TYPES.TSInterfaceDeclaration ||
          declaration.type === AST_NODE_TYPES.TSTypeAliasDeclaration
        )
          return;
        for (const config of configObjects(context, declaration)) checkViteConfig(config);
      },
    };
  },
});
