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

/** Host-level probes, run once against the primary (safe) route; the WebSocket probe uses `websocketTarget` when given. */
export function hostProbes(context: BatteryContext, route: Route): ProbeDefinition[] {
  const control = buildRequest(context, route);
  const probe = (
    id: string,
    title: string,
    findingClass: FindingClass,
    severity: Severity,
    code: ResultCode,
    impact: string,
    attack: RawRequest,
  ): ProbeDefinition => ({
    id,
    title,
    category: findingClass === 'hardening' ? 'host-parsing' : 'rebinding',
    severity,
    class: findingClass,
    code,
    impact,
    unchecked: hostUnchecked,
    route,
    attack,
    control,
  });
  const port = context.foreignHost.slice(context.foreignName.length);
  const lookalike = `${context.hostname}.${context.foreignName}${port}`;
  const wsRoute: Route = { ...route, method: 'GET', target: context.websocketTarget ?? route.target };
  return [
    probe(
      'host-lookalike',
      `Host ${lookalike} (allowed name as a prefix)`,
      'browser-reachable',
      'high',
      'host_not_allowed',
      `the Host check matches by prefix or suffix: ${context.foreignHost} is refused but ${lookalike} is accepted, so an attacker who owns that domain can rebind it`,
      buildRequest(context, route, { host: lookalike }),
    ),
    probe(
      'host-userinfo',
      'Host with userinfo trick (foreign@allowed)',
      'hardening',
      'medium',
      'host_malformed',
      'the Host header is parsed leniently (as a URL authority): a foreign name is refused, but not when it is followed by @ and an allowed name',
      buildRequest(context, route, { host: `${context.foreignName}@${context.host}` }),
    ),
    probe(
      'host-path',
      'Host with path trick (allowed/foreign)',
      'hardening',
      'medium',
      'host_malformed',
      'the Host header is matched by prefix or parsed as a URL: an allowed name followed by a path is accepted',
      // eslint-disable-next-line @rebind-guard/no-untrusted-host-header -- `context` is the probe's own target, not an incoming request (the rule matches receivers by name).
      buildRequest(context, route, { host: `${context.host}/${context.foreignName}` }),
    ),
    probe(
      'host-duplicate',
      'Duplicate Host headers (allowed, then foreign)',
      'hardening',
      'medium',
      'host_duplicate',
      'only the first of two Host headers is checked; a proxy in front of the server that uses the last one would route the foreign name here',
      buildRequest(context, route, { secondHost: context.foreignHost }),
    ),
    probe(
      'host-absolute-form',
      'Absolute-form request target naming a foreign host',
      'hardening',
      'medium',
      'host_mismatch',
      'the request target names a foreign host, the Host header the allowed one, and the server does not notice the disagreement',
      buildRequest(context, route, { target: `${context.protocol}//${context.foreignHost}${route.target}` }),
    ),
    probe(
      'host-missing',
      'HTTP/1.0 request without Host',
      'hardening',
      'medium',
      'host_missing',
      'a request that names no host at all is served, so the Host check can be skipped by leaving the header out',
      buildRequest(context, route, { host: null, httpVersion: '1.0' }),
    ),
    probe(
      'forwarded-host-spoof',
      'Foreign Host with a spoofed X-Forwarded-Host naming the allowed host',
      'browser-reachable',
      'high',
      'forwarded_host_not_allowed',
      `the server takes the host from X-Forwarded-Host: Host ${context.foreignHost} alone is refused, but accepted next to X-Forwarded-Host ${context.host}, a header a rebound page can set itself (same-origin requests need no CORS)`,
      buildRequest(context, route, { host: context.foreignHost, extra: [['X-Forwarded-Host', context.host]] }),
    ),
    {
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
    },
  ];
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

/** Probes run against every route: rebinding, origin (unsafe methods) and auth (token-protected routes). */
export function routeProbes(context: BatteryContext, route: Route): ProbeDefinition[] {
  const control = buildRequest(context, route);
  const unsafe = !SAFE.has(route.method);
  const probes: ProbeDefinition[] = [];
  interface Spec {
    readonly category: Category;
    readonly severity: Severity;
    readonly class: FindingClass;
    readonly code: ResultCode;
    readonly impact: string;
    readonly unchecked?: ProbeDefinition['unchecked'];
    readonly withControl?: boolean;
  }
  const add = (id: string, title: string, spec: Spec, attack: RawRequest): void => {
    const { withControl = true, ...rest } = spec;
    probes.push({ id, title, ...rest, route, attack, control: withControl ? control : undefined });
  };
  const foreignOrigin = `${context.protocol}//${context.foreignHost}`;
  const replayed = route.requiresToken && context.token !== undefined;
  add(
    'host-foreign',
    `Foreign Host ${context.foreignHost} (DNS rebinding)${replayed ? ', valid token replayed' : ''}`,
    {
      category: 'rebinding',
      severity: 'high',
      class: 'browser-reachable',
      code: 'host_not_allowed',
      impact: `${NO_HOST_CHECK}: after a DNS rebind, any web page can ${unsafe ? 'change data through' : 'read'} this route from the victim’s browser`,
    },
    // After a rebind the request is same-origin: unsafe methods carry Origin = the attacker's name.
    buildRequest(context, route, { host: context.foreignHost, origin: unsafe ? foreignOrigin : null }),
  );
  if (unsafe) {
    const lookalike = `${context.trustedOrigin}.evil.test`;
    const csrf = {
      category: 'csrf',
      severity: 'medium',
      class: 'browser-reachable',
      code: 'origin_not_allowed',
    } as const;
    add(
      'origin-foreign',
      `${route.method} with a cross-site Origin`,
      { ...csrf, impact: `${NO_ORIGIN_CHECK}: any web page can trigger this state change (CSRF)` },
      buildRequest(context, route, { origin: 'https://evil.test' }),
    );
    add(
      'origin-null',
      `${route.method} with Origin: null`,
      {
        ...csrf,
        unchecked: originUnchecked,
        impact: 'the origin check accepts Origin: null, which sandboxed iframes and data: URLs on any site send',
      },
      buildRequest(context, route, { origin: 'null' }),
    );
    add(
      'origin-lookalike',
      `${route.method} with lookalike Origin/Referer ${lookalike}`,
      {
        ...csrf,
        unchecked: originUnchecked,
        impact: `origins are compared by prefix (startsWith): https://evil.test is refused but ${lookalike} passes, so an attacker who owns that domain can trigger this state change`,
      },
      buildRequest(context, route, { origin: lookalike, referer: `${lookalike}/` }),
    );
  }
  if (!route.requiresToken) return probes;
  const withControl = context.token !== undefined;
  const auth = (
    severity: Severity,
    findingClass: FindingClass,
    code: ResultCode,
    impact: string,
    control = withControl,
  ): Spec => ({ category: 'auth', severity, class: findingClass, code, impact, withControl: control });
  add(
    'auth-missing',
    'No Authorization header',
    auth('high', 'browser-reachable', 'token_missing', 'the route answers without any credentials'),
    buildRequest(context, route, { authorization: null }),
  );
  add(
    'auth-wrong-scheme',
    'Authorization with a non-Bearer scheme',
    auth('medium', 'browser-reachable', 'token_malformed', 'credentials of the wrong scheme are accepted'),
    buildRequest(context, route, { authorization: 'Basic cmViaW5kOmd1YXJk' }),
  );
  if (context.token !== undefined) {
    add(
      'auth-malformed',
      'Bearer token followed by extra data',
      auth(
        'medium',
        'hardening',
        'token_malformed',
        'the header is split on spaces instead of parsed per RFC 6750, so malformed credentials pass',
      ),
      buildRequest(context, route, { authorization: `Bearer ${context.token} rebind` }),
    );
    add(
      'auth-duplicate',
      'Two Authorization headers (valid, then invalid)',
      auth(
        'medium',
        'hardening',
        'token_duplicate',
        'the server and any proxy in front of it may disagree about which credentials apply',
      ),
      buildRequest(context, route, { authorization: [`Bearer ${context.token}`, 'Bearer rebind.invalid.token'] }),
    );
  }
  add(
    'token-alg-none',
    'Unsigned token (alg: none)',
    auth('high', 'browser-reachable', 'token_algorithm_invalid', 'anyone can forge tokens'),
    buildRequest(context, route, { authorization: `Bearer ${mintAlgNone(context.tokens)}` }),
  );
  if (context.tokens.key !== undefined) {
    add(
      'token-wrong-audience',
      'Token signed for another audience',
      auth(
        'high',
        'browser-reachable',
        'token_audience_invalid',
        'tokens issued for other APIs (or other hosts) are accepted here',
        true,
      ),
      buildRequest(context, route, { authorization: `Bearer ${mintWrongAudience(context.tokens)}` }),
    );
    add(
      'token-expired',
      'Expired token',
      auth('medium', 'browser-reachable', 'token_expired', 'stolen tokens stay usable forever', true),
      buildRequest(context, route, { authorization: `Bearer ${mintExpired(context.tokens)}` }),
    );
  }
  return probes;
}
