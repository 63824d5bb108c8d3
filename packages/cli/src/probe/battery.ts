/**
 * The battery: which attack requests are sent for each route, each paired with a legitimate
 * control request that differs only in the attacked detail.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { ResultCode } from '@rebind-guard/core';
import type { RawRequest } from './http.js';
import { mintAlgNone, mintExpired, mintWrongAudience, type TokenSettings } from './tokens.js';
import type { Category, FindingClass, Severity } from './types.js';

/** A route to probe. */
export interface Route {
  readonly method: string;
  /** Request target (origin-form), e.g. `/protected`. */
  readonly target: string;
  /** Whether requests to this route need a Bearer token. */
  readonly requiresToken: boolean;
}

/** Everything the battery needs to know about the target. */
export interface BatteryContext {
  /** `http:` or `https:`. */
  readonly protocol: string;
  /** The legitimate Host value (the URL's host, with port when not the default). */
  readonly host: string;
  /** The URL's host name without port. */
  readonly hostname: string;
  /** The foreign Host a rebound browser sends, e.g. `rebind.test:8080`. */
  readonly foreignHost: string;
  /** Bare foreign name, e.g. `rebind.test`. */
  readonly foreignName: string;
  /** An origin the server trusts for unsafe requests (`--origin`, else the target's own origin). */
  readonly trustedOrigin: string;
  /** A valid token for the API, if known (`--token`, or minted with `--key`). */
  readonly token?: string | undefined;
  /** Token settings for minting (`--key`, `--audience`, …). */
  readonly tokens: TokenSettings;
  readonly userAgent: string;
  /** Request target of the WebSocket probe (`--ws-path`); default: the primary route's. */
  readonly websocketTarget?: string | undefined;
  /** `Sec-WebSocket-Protocol` to offer (`--ws-protocol`), e.g. `vite-hmr`. */
  readonly websocketProtocol?: string | undefined;
}

/** One probe before it is sent. */
export interface ProbeDefinition {
  readonly id: string;
  readonly title: string;
  readonly category: Category;
  readonly severity: Severity;
  readonly class: FindingClass;
  readonly code: ResultCode;
  /** What acceptance means, for the report, when {@link ProbeDefinition.unchecked} does not apply. */
  readonly impact: string;
  /**
   * When the probe with id `probe` on the same route was accepted too, the server has no check of
   * this kind at all, and `reason` says so instead of `impact` (which describes a flawed check).
   */
  readonly unchecked?: { readonly probe: string; readonly reason: string } | undefined;
  readonly route: Route;
  readonly attack: RawRequest;
  /** Same route, legitimate details; the attack only proves something when this one succeeds. */
  readonly control?: RawRequest | undefined;
  /** Accepted means 101 Switching Protocols rather than 2xx/3xx. */
  readonly upgrade?: boolean;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether `method` is one the probe sends without `--unsafe` (GET, HEAD, OPTIONS). */
export function isSafeMethod(method: string): boolean {
  return SAFE.has(method.toUpperCase());
}

interface Shape {
  host?: string | null;
  /** Send a second Host header after the first. */
  secondHost?: string;
  /** `null`: no Origin; `undefined`: the trusted origin for unsafe methods. */
  origin?: string | null;
  referer?: string;
  /** `null`: no Authorization; `undefined`: the valid token when the route needs one. */
  authorization?: string | null | readonly string[];
  extra?: readonly (readonly [string, string])[];
  target?: string;
  httpVersion?: '1.0' | '1.1';
  method?: string;
}

/** Builds one request for `route`, legitimate unless `shape` says otherwise. */
export function buildRequest(context: BatteryContext, route: Route, shape: Shape = {}): RawRequest {
  const method = shape.method ?? route.method;
  const unsafe = !SAFE.has(method);
  const httpVersion = shape.httpVersion ?? '1.1';
  const headers: [string, string][] = [];
  const host = shape.host === undefined ? context.host : shape.host;
  if (host !== null) headers.push(['Host', host]);
  if (shape.secondHost !== undefined) headers.push(['Host', shape.secondHost]);
  headers.push(['User-Agent', context.userAgent], ['Accept', '*/*']);
  const origin = shape.origin === undefined ? (unsafe ? context.trustedOrigin : null) : shape.origin;
  if (origin !== null) headers.push(['Origin', origin]);
  if (shape.referer !== undefined) headers.push(['Referer', shape.referer]);
  const authorization =
    shape.authorization === undefined
      ? route.requiresToken && context.token !== undefined
        ? `Bearer ${context.token}`
        : null
      : shape.authorization;
  if (typeof authorization === 'string') headers.push(['Authorization', authorization]);
  else if (authorization !== null) for (const value of authorization) headers.push(['Authorization', value]);
  for (const header of shape.extra ?? []) headers.push([header[0], header[1]]);
  let body: string | undefined;
  if (unsafe) {
    // A "simple" cross-site request: text/plain needs no CORS preflight.
    body = '{}';
    headers.push(['Content-Type', 'text/plain;charset=UTF-8'], ['Content-Length', String(body.length)]);
  }
  if (httpVersion === '1.1' && !(shape.extra ?? []).some(([name]) => name.toLowerCase() === 'connection'))
    headers.push(['Connection', 'close']);
  return { method, target: shape.target ?? route.target, httpVersion, headers, body };
}

const NO_HOST_CHECK = 'no Host check at all (a foreign name is accepted)';
const NO_ORIGIN_CHECK = 'no Origin check at all (a foreign origin is accepted)';
const hostUnchecked = { probe: 'host-foreign', reason: NO_HOST_CHECK } as const;
const originUnchecked = { probe: 'origin-foreign', reason: NO_ORIGIN_CHECK } as const;

/** What a probe's title, impact and attack are computed from: one route of one target. */
interface ProbeView {
  readonly context: BatteryContext;
  readonly route: Route;
  /** The route's method is state-changing (not GET, HEAD or OPTIONS). */
  readonly unsafe: boolean;
  /** The allowed name as a prefix of the foreign one, e.g. `localhost.rebind.test:3000`. */
  readonly lookalikeHost: string;
  /** The trusted origin as a prefix of a foreign one, e.g. `https://app.example.com.evil.test`. */
  readonly lookalikeOrigin: string;
}

function viewOf(context: BatteryContext, route: Route): ProbeView {
  const port = context.foreignHost.slice(context.foreignName.length);
  return {
    context,
    route,
    unsafe: !SAFE.has(route.method),
    lookalikeHost: `${context.hostname}.${context.foreignName}${port}`,
    lookalikeOrigin: `${context.trustedOrigin}.evil.test`,
  };
}

/** A fixed text, or one that names details of the target. */
type Text = string | ((view: ProbeView) => string);

/**
 * One row of the battery: a probe sent to a route as the route's legitimate request changed by
 * `attack`, next to the route's legitimate control.
 */
interface ProbeEntry {
  readonly id: string;
  readonly title: Text;
  readonly category: Category;
  readonly severity: Severity;
  readonly class: FindingClass;
  readonly code: ResultCode;
  readonly impact: Text;
  readonly unchecked?: ProbeDefinition['unchecked'];
  /** Sent only when this holds; default: always. */
  readonly when?: (view: ProbeView) => boolean;
  /** Whether the legitimate control is sent (and decides the verdict); default: always. */
  readonly withControl?: (view: ProbeView) => boolean;
  /** How the attack differs from the route's legitimate request. */
  readonly attack: (view: ProbeView) => Shape;
}

const text = (value: Text, view: ProbeView): string => (typeof value === 'string' ? value : value(view));

/** Builds the probes of `entries` that apply to `route`, in table order. */
function fromTable(entries: readonly ProbeEntry[], context: BatteryContext, route: Route): ProbeDefinition[] {
  const view = viewOf(context, route);
  const control = buildRequest(context, route);
  return entries
    .filter((entry) => entry.when?.(view) ?? true)
    .map((entry) => ({
      id: entry.id,
      title: text(entry.title, view),
      category: entry.category,
      severity: entry.severity,
      class: entry.class,
      code: entry.code,
      impact: text(entry.impact, view),
      unchecked: entry.unchecked,
      route,
      attack: buildRequest(context, route, entry.attack(view)),
      control: (entry.withControl?.(view) ?? true) ? control : undefined,
    }));
}

/** Host-level probes, sent once to the primary (safe) route. */
const HOST_PROBES: readonly ProbeEntry[] = [
  {
    id: 'host-lookalike',
    title: ({ lookalikeHost }) => `Host ${lookalikeHost} (allowed name as a prefix)`,
    category: 'rebinding',
    severity: 'high',
    class: 'browser-reachable',
    code: 'host_not_allowed',
    impact: ({ context, lookalikeHost }) =>
      `the Host check matches by prefix or suffix: ${context.foreignHost} is refused but ${lookalikeHost} is accepted, so an attacker who owns that domain can rebind it`,
    unchecked: hostUnchecked,
    attack: ({ lookalikeHost }) => ({ host: lookalikeHost }),
  },
  {
    id: 'host-userinfo',
    title: 'Host with userinfo trick (foreign@allowed)',
    category: 'host-parsing',
    severity: 'medium',
    class: 'hardening',
    code: 'host_malformed',
    impact:
      'the Host header is parsed leniently (as a URL authority): a foreign name is refused, but not when it is followed by @ and an allowed name',
    unchecked: hostUnchecked,
    attack: ({ context }) => ({ host: `${context.foreignName}@${context.host}` }),
  },
  {
    id: 'host-path',
    title: 'Host with path trick (allowed/foreign)',
    category: 'host-parsing',
    severity: 'medium',
    class: 'hardening',
    code: 'host_malformed',
    impact: 'the Host header is matched by prefix or parsed as a URL: an allowed name followed by a path is accepted',
    unchecked: hostUnchecked,
    // eslint-disable-next-line @rebind-guard/no-untrusted-host-header -- `context` is the probe's own target, not an incoming request (the rule matches receivers by name).
    attack: ({ context }) => ({ host: `${context.host}/${context.foreignName}` }),
  },
  {
    id: 'host-duplicate',
    title: 'Duplicate Host headers (allowed, then foreign)',
    category: 'host-parsing',
    severity: 'medium',
    class: 'hardening',
    code: 'host_duplicate',
    impact:
      'only the first of two Host headers is checked; a proxy in front of the server that uses the last one would route the foreign name here',
    unchecked: hostUnchecked,
    attack: ({ context }) => ({ secondHost: context.foreignHost }),
  },
  {
    id: 'host-absolute-form',
    title: 'Absolute-form request target naming a foreign host',
    category: 'host-parsing',
    severity: 'medium',
    class: 'hardening',
    code: 'host_mismatch',
    impact:
      'the request target names a foreign host, the Host header the allowed one, and the server does not notice the disagreement',
    unchecked: hostUnchecked,
    attack: ({ context, route }) => ({ target: `${context.protocol}//${context.foreignHost}${route.target}` }),
  },
  {
    id: 'host-missing',
    title: 'HTTP/1.0 request without Host',
    category: 'host-parsing',
    severity: 'medium',
    class: 'hardening',
    code: 'host_missing',
    impact: 'a request that names no host at all is served, so the Host check can be skipped by leaving the header out',
    unchecked: hostUnchecked,
    attack: () => ({ host: null, httpVersion: '1.0' }),
  },
  {
    id: 'forwarded-host-spoof',
    title: 'Foreign Host with a spoofed X-Forwarded-Host naming the allowed host',
    category: 'rebinding',
    severity: 'high',
    class: 'browser-reachable',
    code: 'forwarded_host_not_allowed',
    impact: ({ context }) =>
      `the server takes the host from X-Forwarded-Host: Host ${context.foreignHost} alone is refused, but accepted next to X-Forwarded-Host ${context.host}, a header a rebound page can set itself (same-origin requests need no CORS)`,
    unchecked: hostUnchecked,
    attack: ({ context }) => ({ host: context.foreignHost, extra: [['X-Forwarded-Host', context.host]] }),
  },
];

/** The cross-site WebSocket handshake; it has its own route (`websocketTarget`) and control. */
function websocketProbe(context: BatteryContext, route: Route): ProbeDefinition {
  const wsRoute: Route = { ...route, method: 'GET', target: context.websocketTarget ?? route.target };
  return {
    id: 'websocket-foreign-origin',
    title: 'WebSocket handshake with a foreign Origin',
    category: 'websocket',
    severity: 'high',
    class: 'browser-reachable',
    code: 'origin_not_allowed',
    impact:
      'the WebSocket endpoint accepts a handshake from https://evil.test: any web page can open it with the victim’s cookies (cross-site WebSocket hijacking; CORS does not apply to WebSockets)',
    route: wsRoute,
    upgrade: true,
    attack: buildRequest(context, wsRoute, { origin: 'https://evil.test', extra: websocketHeaders(context) }),
    control: buildRequest(context, wsRoute, { origin: context.trustedOrigin, extra: websocketHeaders(context) }),
  };
}

/** Host-level probes, run once against the primary (safe) route; the WebSocket probe uses `websocketTarget` when given. */
export function hostProbes(context: BatteryContext, route: Route): ProbeDefinition[] {
  return [...fromTable(HOST_PROBES, context, route), websocketProbe(context, route)];
}

/**
 * RFC 6455 §4.1 handshake headers with a fresh random 16-byte nonce (24 base64 characters) per
 * request, and the subprotocol when the server needs one.
 */
export function websocketHeaders(context: Pick<BatteryContext, 'websocketProtocol'>): [string, string][] {
  const headers: [string, string][] = [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
    ['Sec-WebSocket-Version', '13'],
  ];
  if (context.websocketProtocol !== undefined) headers.push(['Sec-WebSocket-Protocol', context.websocketProtocol]);
  return headers;
}

const csrf = { category: 'csrf', severity: 'medium', class: 'browser-reachable', code: 'origin_not_allowed' } as const;
const unsafeRoute = (view: ProbeView): boolean => view.unsafe;
const hasToken = ({ context }: ProbeView): boolean => context.token !== undefined;
const needsToken = ({ route }: ProbeView): boolean => route.requiresToken;
const canMint = ({ route, context }: ProbeView): boolean => route.requiresToken && context.tokens.key !== undefined;

/**
 * Probes sent to every route, in this order: rebinding, origin (unsafe methods) and auth
 * (token-protected routes; those that replay or mint a token only when there is one).
 */
const ROUTE_PROBES: readonly ProbeEntry[] = [
  {
    id: 'host-foreign',
    title: (view) =>
      `Foreign Host ${view.context.foreignHost} (DNS rebinding)${needsToken(view) && hasToken(view) ? ', valid token replayed' : ''}`,
    category: 'rebinding',
    severity: 'high',
    class: 'browser-reachable',
    code: 'host_not_allowed',
    impact: ({ unsafe }) =>
      `${NO_HOST_CHECK}: after a DNS rebind, any web page can ${unsafe ? 'change data through' : 'read'} this route from the victim’s browser`,
    // After a rebind the request is same-origin: unsafe methods carry Origin = the attacker's name.
    attack: ({ context, unsafe }) => ({
      host: context.foreignHost,
      origin: unsafe ? `${context.protocol}//${context.foreignHost}` : null,
    }),
  },
  {
    id: 'origin-foreign',
    title: ({ route }) => `${route.method} with a cross-site Origin`,
    ...csrf,
    impact: `${NO_ORIGIN_CHECK}: any web page can trigger this state change (CSRF)`,
    when: unsafeRoute,
    attack: () => ({ origin: 'https://evil.test' }),
  },
  {
    id: 'origin-null',
    title: ({ route }) => `${route.method} with Origin: null`,
    ...csrf,
    impact: 'the origin check accepts Origin: null, which sandboxed iframes and data: URLs on any site send',
    unchecked: originUnchecked,
    when: unsafeRoute,
    attack: () => ({ origin: 'null' }),
  },
  {
    id: 'origin-lookalike',
    title: ({ route, lookalikeOrigin }) => `${route.method} with lookalike Origin/Referer ${lookalikeOrigin}`,
    ...csrf,
    impact: ({ lookalikeOrigin }) =>
      `origins are compared by prefix (startsWith): https://evil.test is refused but ${lookalikeOrigin} passes, so an attacker who owns that domain can trigger this state change`,
    unchecked: originUnchecked,
    when: unsafeRoute,
    attack: ({ lookalikeOrigin }) => ({ origin: lookalikeOrigin, referer: `${lookalikeOrigin}/` }),
  },
  {
    id: 'auth-missing',
    title: 'No Authorization header',
    category: 'auth',
    severity: 'high',
    class: 'browser-reachable',
    code: 'token_missing',
    impact: 'the route answers without any credentials',
    when: needsToken,
    withControl: hasToken,
    attack: () => ({ authorization: null }),
  },
  {
    id: 'auth-wrong-scheme',
    title: 'Authorization with a non-Bearer scheme',
    category: 'auth',
    severity: 'medium',
    class: 'browser-reachable',
    code: 'token_malformed',
    impact: 'credentials of the wrong scheme are accepted',
    when: needsToken,
    withControl: hasToken,
    attack: () => ({ authorization: 'Basic cmViaW5kOmd1YXJk' }),
  },
  {
    id: 'auth-malformed',
    title: 'Bearer token followed by extra data',
    category: 'auth',
    severity: 'medium',
    class: 'hardening',
    code: 'token_malformed',
    impact: 'the header is split on spaces instead of parsed per RFC 6750, so malformed credentials pass',
    when: (view) => needsToken(view) && hasToken(view),
    withControl: hasToken,
    attack: ({ context }) => ({ authorization: `Bearer ${context.token ?? ''} rebind` }),
  },
  {
    id: 'auth-duplicate',
    title: 'Two Authorization headers (valid, then invalid)',
    category: 'auth',
    severity: 'medium',
    class: 'hardening',
    code: 'token_duplicate',
    impact: 'the server and any proxy in front of it may disagree about which credentials apply',
    when: (view) => needsToken(view) && hasToken(view),
    withControl: hasToken,
    attack: ({ context }) => ({ authorization: [`Bearer ${context.token ?? ''}`, 'Bearer rebind.invalid.token'] }),
  },
  {
    id: 'token-alg-none',
    title: 'Unsigned token (alg: none)',
    category: 'auth',
    severity: 'high',
    class: 'browser-reachable',
    code: 'token_algorithm_invalid',
    impact: 'anyone can forge tokens',
    when: needsToken,
    withControl: hasToken,
    attack: ({ context }) => ({ authorization: `Bearer ${mintAlgNone(context.tokens)}` }),
  },
  {
    id: 'token-wrong-audience',
    title: 'Token signed for another audience',
    category: 'auth',
    severity: 'high',
    class: 'browser-reachable',
    code: 'token_audience_invalid',
    impact: 'tokens issued for other APIs (or other hosts) are accepted here',
    when: canMint,
    attack: ({ context }) => ({ authorization: `Bearer ${mintWrongAudience(context.tokens)}` }),
  },
  {
    id: 'token-expired',
    title: 'Expired token',
    category: 'auth',
    severity: 'medium',
    class: 'browser-reachable',
    code: 'token_expired',
    impact: 'stolen tokens stay usable forever',
    when: canMint,
    attack: ({ context }) => ({ authorization: `Bearer ${mintExpired(context.tokens)}` }),
  },
];

/** Probes run against every route: rebinding, origin (unsafe methods) and auth (token-protected routes). */
export function routeProbes(context: BatteryContext, route: Route): ProbeDefinition[] {
  return fromTable(ROUTE_PROBES, context, route);
}
