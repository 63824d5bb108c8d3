import { AST_NODE_TYPES, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import {
  asMethodCall,
  carriesForwardedHost,
  carriesHost,
  comparesValue,
  enclosingFunction,
  findProperty,
  type FunctionNode,
  getStaticString,
  HOST_HEADERS,
  HOST_PROPERTIES,
  isFunctionOrProgram,
  isGlobal,
  isHostAllowlistCheck,
  isHostSource,
  isKoaReceiver,
  isRequestReceiver,
  KOA_URL_PROPERTIES,
  literalString,
  PART_STRING_METHODS,
  WHOLE_VALUE_STRING_METHODS,
  matchesImport,
  memberName,
  rejects,
  resolveConstNode,
  resolveImport,
  returnedExpressions,
  unwrapExpression,
  variableSource,
} from '../util/index.js';
import { createRule } from '../util/create-rule.js';

type MessageIds = 'urlFromHost' | 'redirectFromHost' | 'emailFromHost' | 'cookieDomainFromHost' | 'hostEquality';

/** Options of no-untrusted-host-header. */
export interface Options {
  /** Do not report `new URL(req.url, base)` whose only Host-derived part is the base. */
  allowRequestUrlParsing?: boolean;
  /** Report `===` / `!==` / `switch` decisions on the Host header. */
  checkEquality?: boolean;
}

/** Members of a Host-derived value that still carry the attacker's name. */
const TAINTED_MEMBERS = new Set(['origin', 'href', 'host', 'hostname']);
/** String methods whose result still carries the attacker's name. */
const TAINTED_METHODS = new Set([
  ...WHOLE_VALUE_STRING_METHODS,
  ...PART_STRING_METHODS,
  'concat',
  'padStart',
  'padEnd',
]);
const TAINTED_FUNCTIONS = new Set(['String', 'encodeURI', 'encodeURIComponent', 'decodeURIComponent', 'decodeURI']);
const MAIL_FUNCTIONS = new Set(['sendMail', 'sendEmail', 'sendMessage', 'send', 'send_mail', 'sendmail']);
const MAIL_ONLY_FUNCTIONS = new Set(['sendMail', 'sendEmail', 'send_mail', 'sendmail']);
const LOGGING_NAMES = new Set(['console', 'logger', 'log']);
const HEADER_SETTERS = new Set(['setHeader', 'set', 'header', 'append', 'appendHeader']);
const MAX_DEPTH = 8;

export default createRule<[Options], MessageIds>({
  name: 'no-untrusted-host-header',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow building URLs, redirects, e-mails and cookie domains from the Host header, or trusting it in comparisons.',
      recommended: false,
    },
    messages: {
      urlFromHost:
        "This URL is built from the request's Host header, which any client controls (and which names the attacker's domain after DNS rebinding). Use a configured base URL, or a host validated against an allowlist.",
      redirectFromHost:
        'This redirect target comes from the Host header: a forged Host sends users to the attacker (open redirect, cache poisoning). Redirect to a configured base URL.',
      emailFromHost:
        'This e-mail content comes from the Host header: a forged Host makes password-reset and invitation links point to the attacker, who receives the token. Use a configured base URL.',
      cookieDomainFromHost:
        'This cookie domain comes from the Host header: a forged Host scopes the cookie to a domain the attacker chooses. Use a configured domain.',
      hostEquality:
        "This decision trusts the Host header: any client can send 'Host: {{value}}'. Validate Host with an allowlist (createGuard({ hosts })) and authenticate the request separately.",
    },
    schema: [
      {
        type: 'object',
        properties: {
          allowRequestUrlParsing: {
            type: 'boolean',
            description:
              'Do not report `new URL(req.url, `http://${req.headers.host}`)`, where the Host only serves as a parsing base.',
          },
          checkEquality: {
            type: 'boolean',
            description:
              "Report equality checks and `switch` statements on the Host header (`req.hostname === 'localhost'`).",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowRequestUrlParsing: false, checkEquality: true }],
  },
  create(context, [options]) {
    const allowRequestUrlParsing = options.allowRequestUrlParsing === true;
    const checkEquality = options.checkEquality !== false;

    interface Finding {
      node: TSESTree.Node;
      messageId: MessageIds;
      data?: Record<string, string>;
    }
    const findings: Finding[] = [];

    /**
     * Does the value carry the Host header? With `direct`, only the header itself, its transforms
     * and variables holding it count, not URLs or strings built around it.
     */
    function isTainted(raw: TSESTree.Node, depth = 0, direct = false): boolean {
      if (depth > MAX_DEPTH) return false;
      const node = unwrapExpression(raw);
      if (isHostSource(node)) return true;
      switch (node.type) {
        case AST_NODE_TYPES.Identifier: {
          const source = variableSource(context, node);
          if (source === undefined) return false;
          if (source.key === undefined) return isTainted(source.init, depth + 1, direct);
          // `const { hostname } = req`, `const { host } = req.headers`, `const { origin } = ctx`.
          const init = unwrapExpression(source.init);
          if (HOST_PROPERTIES.has(source.key) && isRequestReceiver(init)) return true;
          if (KOA_URL_PROPERTIES.has(source.key) && isKoaReceiver(init)) return true;
          return (
            HOST_HEADERS.has(source.key.toLowerCase()) &&
            init.type === AST_NODE_TYPES.MemberExpression &&
            ['headers', 'header'].includes(memberName(init) ?? '') &&
            isRequestReceiver(init.object)
          );
        }
        case AST_NODE_TYPES.TemplateLiteral:
          return !direct && node.expressions.some((expression) => isTainted(expression, depth + 1));
        case AST_NODE_TYPES.BinaryExpression:
          return (
            !direct && node.operator === '+' && (isTainted(node.left, depth + 1) || isTainted(node.right, depth + 1))
          );
        case AST_NODE_TYPES.LogicalExpression:
          return isTainted(node.left, depth + 1, direct) || isTainted(node.right, depth + 1, direct);
        case AST_NODE_TYPES.ConditionalExpression:
          return isTainted(node.consequent, depth + 1, direct) || isTainted(node.alternate, depth + 1, direct);
        case AST_NODE_TYPES.MemberExpression: {
          const name = memberName(node);
          if (name !== undefined && TAINTED_MEMBERS.has(name)) return isTainted(node.object, depth + 1, direct);
          // `host.split(':')[0]`
          const property = node.property;
          return (
            node.computed &&
            property.type === AST_NODE_TYPES.Literal &&
            typeof property.value === 'number' &&
            isTainted(node.object, depth + 1, direct)
          );
        }
        case AST_NODE_TYPES.CallExpression: {
          const call = asMethodCall(node);
          if (call !== undefined && TAINTED_METHODS.has(call.method)) return isTainted(call.object, depth + 1, direct);
          const callee = unwrapExpression(node.callee);
          if (
            callee.type === AST_NODE_TYPES.Identifier &&
            TAINTED_FUNCTIONS.has(callee.name) &&
            isGlobal(context, callee)
          ) {
            const argument = node.arguments[0];
            return argument !== undefined && isTainted(argument, depth + 1, direct);
          }
          return false;
        }
        case AST_NODE_TYPES.NewExpression:
          return !direct && isUrlConstructor(node) && node.arguments.some((argument) => isTainted(argument, depth + 1));
        default:
          return false;
      }
    }

    const validatorCache = new Map<FunctionNode, boolean>();

    /**
     * Is `node` inside a Host validator, which parses the Host in order to check it: a function
     * that rejects Hosts not on a list, or one that returns a list membership test
     * (`return ALLOWED.has(new URL('http://' + req.headers.host).hostname)`)?
     */
    function isInHostValidator(node: TSESTree.Node): boolean {
      for (let fn = enclosingFunction(node); fn.type !== AST_NODE_TYPES.Program; fn = enclosingFunction(fn)) {
        let validator = validatorCache.get(fn);
        if (validator === undefined) {
          const carries = (value: TSESTree.Node): boolean => carriesHost(context, value);
          // Returning an allowlist membership test is validation; returning `host === 'localhost'` is a trust decision.
          validator =
            isHostAllowlistCheck(context, fn) ||
            returnedExpressions(fn).some((expression) => {
              const call = asMethodCall(expression);
              return (
                call !== undefined &&
                (call.method === 'has' || call.method === 'includes') &&
                comparesValue(context, expression, carries)
              );
            });
          validatorCache.set(fn, validator);
        }
        if (validator) return true;
      }
      return false;
    }

    function isUrlConstructor(node: TSESTree.NewExpression): boolean {
      const callee = unwrapExpression(node.callee);
      return callee.type === AST_NODE_TYPES.Identifier && callee.name === 'URL' && isGlobal(context, callee);
    }

    /** Is `node` inside the arguments of a logging call (`console.*`, `logger.*`, `req.log.*`, …)? */
    function isInLoggingCall(node: TSESTree.Node): boolean {
      let child: TSESTree.Node = node;
      let parent = node.parent;
      while (parent !== undefined) {
        if (parent.type === AST_NODE_TYPES.CallExpression && parent.callee !== child && isLoggingCallee(parent.callee))
          return true;
        if (isFunctionOrProgram(parent)) return false;
        child = parent;
        parent = parent.parent;
      }
      return false;
    }

    function isLoggingCallee(callee: TSESTree.Node): boolean {
      let current = unwrapExpression(callee);
      if (current.type === AST_NODE_TYPES.Identifier)
        return LOGGING_NAMES.has(current.name) || current.name === 'debug';
      while (current.type === AST_NODE_TYPES.MemberExpression) {
        const name = memberName(current);
        if (name !== undefined && LOGGING_NAMES.has(name)) return true;
        current = unwrapExpression(current.object);
      }
      return current.type === AST_NODE_TYPES.Identifier && LOGGING_NAMES.has(current.name);
    }

    function add(node: TSESTree.Node, messageId: MessageIds, data?: Record<string, string>): void {
      if (isInLoggingCall(node)) return;
      findings.push(data === undefined ? { node, messageId } : { node, messageId, data });
    }

    /** Static text that precedes each part of a URL being built; `undefined` parts are dynamic. */
    function checkUrlBuild(node: TSESTree.Node, parts: readonly (TSESTree.Node | string)[]): void {
      const parent = node.parent;
      if (
        allowRequestUrlParsing &&
        parent?.type === AST_NODE_TYPES.NewExpression &&
        isUrlConstructor(parent) &&
        parent.arguments[1] === node &&
        parent.arguments[0] !== undefined &&
        isRequestUrl(parent.arguments[0])
      ) {
        return; // the base of `new URL(req.url, base)`, allowed by option
      }
      let before = '';
      for (const [index, part] of parts.entries()) {
        if (typeof part === 'string') {
          before += part;
          continue;
        }
        const staticText = getStaticString(context, part);
        if (staticText !== undefined) {
          before += staticText;
          continue;
        }
        if (isTainted(part)) {
          const inAuthority = /\/\/[^/?#]*$/.test(before);
          const next = parts[index + 1];
          const nextText =
            typeof next === 'string' ? next : next === undefined ? undefined : getStaticString(context, next);
          // `${ctx.origin}/reset`: a Host-derived origin used as the base of a URL.
          const isBase =
            before.length === 0 &&
            nextText !== undefined &&
            nextText.startsWith('/') &&
            !nextText.startsWith('//') &&
            isTainted(part, 0, true);
          if (inAuthority || isBase) {
            add(node, 'urlFromHost');
            return;
          }
        }
        before += '\u0000'; // a dynamic part: keeps `//` detection honest
      }
    }

    function flattenConcat(node: TSESTree.Node): TSESTree.Node[] {
      const unwrapped = unwrapExpression(node);
      if (unwrapped.type === AST_NODE_TYPES.BinaryExpression && unwrapped.operator === '+') {
        return [...flattenConcat(unwrapped.left), ...flattenConcat(unwrapped.right)];
      }
      return [unwrapped];
    }

    function firstTainted(nodes: readonly (TSESTree.Node | TSESTree.SpreadElement)[]): TSESTree.Node | undefined {
      return nodes.find((node) => node.type !== AST_NODE_TYPES.SpreadElement && isTainted(node));
    }

    /** Is the object an e-mail message: it has a recipient/subject, or it is passed to a mail function? */
    function isMailObject(object: TSESTree.ObjectExpression): boolean {
      for (const key of ['to', 'from', 'subject', 'cc', 'bcc']) {
        if (findProperty(context, object, key).found === true) return true;
      }
      const parent = object.parent;
      if (parent.type !== AST_NODE_TYPES.CallExpression || !parent.arguments.includes(object)) return false;
      return MAIL_FUNCTIONS.has(calleeName(parent) ?? '');
    }

    function calleeName(call: TSESTree.CallExpression): string | undefined {
      const callee = unwrapExpression(call.callee);
      if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
      return callee.type === AST_NODE_TYPES.MemberExpression ? memberName(callee) : undefined;
    }

    function checkCookieOptions(options: TSESTree.Node | undefined): void {
      if (options === undefined || options.type === AST_NODE_TYPES.SpreadElement) return;
      const domain = findProperty(context, options, 'domain');
      if (domain.found === true && isTainted(domain.value)) add(domain.value, 'cookieDomainFromHost');
    }

    function isRequestUrl(node: TSESTree.Node): boolean {
      const unwrapped = unwrapExpression(node);
      if (unwrapped.type !== AST_NODE_TYPES.MemberExpression) return false;
      const name = memberName(unwrapped);
      return (name === 'url' || name === 'originalUrl' || name === 'path') && isRequestReceiver(unwrapped.object);
    }

    return {
      NewExpression(node) {
        if (!isUrlConstructor(node)) return;
        const [input, base] = node.arguments;
        if (input === undefined || input.type === AST_NODE_TYPES.SpreadElement) return;
        if (isTainted(input)) {
          add(input, 'urlFromHost');
          return;
        }
        if (base === undefined || base.type === AST_NODE_TYPES.SpreadElement || !isTainted(base)) return;
        if (allowRequestUrlParsing && isRequestUrl(input)) return;
        add(base, 'urlFromHost');
      },
      TemplateLiteral(node) {
        if (node.parent.type === AST_NODE_TYPES.TaggedTemplateExpression) return;
        const parts: (TSESTree.Node | string)[] = [];
        node.quasis.forEach((quasi, index) => {
          parts.push(quasi.value.cooked ?? '');
          const expression = node.expressions[index];
          if (expression !== undefined) parts.push(expression);
        });
        checkUrlBuild(node, parts);
      },
      BinaryExpression(node) {
        if (node.operator === '+') {
          const parent = node.parent;
          if (parent.type === AST_NODE_TYPES.BinaryExpression && parent.operator === '+') return; // outermost only
          checkUrlBuild(node, flattenConcat(node));
          return;
        }
        if (!checkEquality || !['===', '==', '!==', '!='].includes(node.operator)) return;
        for (const [side, other] of [
          [node.left, node.right],
          [node.right, node.left],
        ] as const) {
          const value = getStaticString(context, other);
          if (value === undefined || value === '' || !isTainted(side)) continue;
          // A decision on X-Forwarded-Host is no-host-check-bypass's (recommended) finding.
          if (carriesForwardedHost(context, side)) return;
          add(node, 'hostEquality', { value });
          return;
        }
      },
      SwitchStatement(node) {
        if (!checkEquality || !isTainted(node.discriminant)) return;
        // Virtual-host routing: every host not listed falls into a default that rejects it.
        const fallback = node.cases.find((switchCase) => switchCase.test === null);
        if (fallback !== undefined && fallback.consequent.some((statement) => rejects(statement, false))) return;
        const value = node.cases
          .map((switchCase) => (switchCase.test === null ? undefined : literalString(switchCase.test)))
          .find((text) => text !== undefined);
        if (value !== undefined) add(node.discriminant, 'hostEquality', { value });
      },
      CallExpression(node) {
        const name = calleeName(node);
        if (name === undefined) return;
        const args = node.arguments;

        // Redirects.
        if (name === 'redirect' || name === 'location') {
          const target = firstTainted(args);
          if (target !== undefined) add(target, 'redirectFromHost');
          return;
        }
        // Cookies: res.cookie(n, v, opts), reply.setCookie(n, v, opts), ctx.cookies.set(n, v, opts), cookie.serialize(n, v, opts).
        const callee = unwrapExpression(node.callee);
        const isCookiesSet =
          name === 'set' &&
          callee.type === AST_NODE_TYPES.MemberExpression &&
          unwrapExpression(callee.object).type === AST_NODE_TYPES.MemberExpression &&
          memberName(unwrapExpression(callee.object) as TSESTree.MemberExpression) === 'cookies';
        if (
          name === 'cookie' ||
          name === 'setCookie' ||
          isCookiesSet ||
          matchesImport(resolveImport(context, callee), 'cookie', ['serialize'])
        ) {
          checkCookieOptions(args[2]);
          return;
        }

        if (HEADER_SETTERS.has(name) && args.length >= 2) {
          const [header, value] = args;
          if (header === undefined || value === undefined || value.type === AST_NODE_TYPES.SpreadElement) return;
          if (getStaticString(context, header)?.toLowerCase() === 'location' && isTainted(value))
            add(value, 'redirectFromHost');
          return;
        }
        if (name === 'writeHead') {
          for (const argument of args) {
            if (argument.type === AST_NODE_TYPES.SpreadElement) continue;
            const headers = resolveConstNode(context, argument) ?? argument;
            if (headers.type !== AST_NODE_TYPES.ObjectExpression) continue;
            for (const key of ['Location', 'location']) {
              const location = findProperty(context, headers, key);
              if (location.found === true && isTainted(location.value)) add(location.value, 'redirectFromHost');
            }
          }
          return;
        }

        // Mail functions called with a Host-derived value directly.
        if (MAIL_ONLY_FUNCTIONS.has(name)) {
          for (const argument of args) {
            if (argument.type === AST_NODE_TYPES.SpreadElement || argument.type === AST_NODE_TYPES.ObjectExpression)
              continue;
            if (isTainted(argument)) add(argument, 'emailFromHost');
          }
        }
      },
      ObjectExpression(node) {
        for (const key of ['html', 'text']) {
          const property = findProperty(context, node, key);
          if (property.found !== true || property.property.parent !== node || !isTainted(property.value)) continue;
          if (isMailObject(node)) add(property.value, 'emailFromHost');
        }
      },
      'Program:exit'() {
        // A URL built inside a redirect / e-mail / cookie / another URL report is covered by that report.
        const contains = (outer: Finding, inner: Finding): boolean =>
          outer !== inner &&
          outer.messageId !== 'hostEquality' &&
          outer.node.range[0] <= inner.node.range[0] &&
          inner.node.range[1] <= outer.node.range[1];
        const seen = new Set<TSESTree.Node>();
        for (const finding of findings) {
          if (seen.has(finding.node)) continue;
          seen.add(finding.node);
          if (isInHostValidator(finding.node)) continue;
          if (
            finding.messageId === 'urlFromHost' &&
            findings.some(
              (other) =>
                contains(other, finding) &&
                !(
                  other.messageId === 'urlFromHost' &&
                  other.node.range[0] === finding.node.range[0] &&
                  other.node.range[1] === finding.node.range[1]
                ),
            )
          ) {
            continue;
          }
          context.report(
            finding.data === undefined
              ? { node: finding.node, messageId: finding.messageId }
              : { node: finding.node, messageId: finding.messageId, data: finding.data },
          );
        }
      },
    } satisfies TSESLint.RuleListener;
  },
});
