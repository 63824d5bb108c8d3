/**
 * The battery: which attack requests are sent for each route, each paired with a legitimate
 * control request that differs only in the attacked detail.
 *
 * @packageDocumentation
 */
import type { ResultCode } from '@rebind-guard/core';
import type { RawRequest } from './http.js';
import { mintAlgNone, mintExpired, mintWrongAudience, type TokenSettings } from './tokens.js';
import type { Category, Severity } from './types.js';

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
}

/** One probe before it is sent. */
export interface ProbeDefinition {
  readonly id: string;
  readonly title: string;
  readonly category: Category;
  readonly severity: Severity;
  readonly code: ResultCode;
  /** What acceptance means, for the report. */
  readonly impact: string;
  readonly route: Route;
  readonly attack: RawRequest;
  /** Same route, legitimate details; the attack only proves something when this one succeeds. */
  readonly control?: RawRequest | undefined;
  /** Accepted means 101 Switching Protocols rather than 2xx/3xx. */
  readonly upgrade?: boolean;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const WS_KEY = 'cmViaW5kLWd1YXJkLXByb2Jl';

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
    shape.authorization === undefined ? (route.requiresToken && context.token !== undefined ? `Bearer ${context.token}` : null) : shape.authorization;
  if (typeof authorization === 'string') headers.push(['Authorization', authorization]);
  else if (authorization !== null) for (const value of authorization) headers.push(['Authorization', value]);
  for (const header of shape.extra ?? []) headers.push([header[0], header[1]]);
  let body: string | undefined;
  if (unsafe) {
    // A "simple" cross-site request: text/plain needs no CORS preflight.
    body = '{}';
    headers.push(['Content-Type', 'text/plain;charset=UTF-8'], ['Content-Length', String(body.length)]);
  }
  if (httpVersion === '1.1') headers.push(['Connection', 'close']);
  return { method, target: shape.target ?? route.target, httpVersion, headers, body };
}

/** Host-level probes, run once against the primary (safe) route. */
export function hostProbes(context: BatteryContext, route: Route): ProbeDefinition[] {
  const control = buildRequest(context, route);
  const probe = (
    id: string,
    title: string,
    category: Category,
    severity: Severity,
    code: ResultCode,
    impact: string,
    attack: RawRequest,
  ): ProbeDefinition => ({ id, title, category, severity, code, impact, route, attack, control });
  const port = context.foreignHost.slice(context.foreignName.length);
  return [
    probe(
      'host-lookalike',
      `Host ${context.hostname}.${context.foreignName} (allowed name as a prefix)`,
      'rebinding',
      'high',
      'host_not_allowed',
      'the Host check matches by prefix; an attacker who owns the lookalike domain can rebind it',
      buildRequest(context, route, { host: `${context.hostname}.${context.foreignName}${port}` }),
    ),
    probe(
      'host-userinfo',
      'Host with userinfo trick (foreign@allowed)',
      'host-parsing',
      'medium',
      'host_malformed',
      'the Host header is parsed leniently (as a URL authority) instead of strictly',
      buildRequest(context, route, { host: `${context.foreignName}@${context.host}` }),
    ),
    probe(
      'host-path',
      'Host with path trick (allowed/foreign)',
      'host-parsing',
      'medium',
      'host_malformed',
      'the Host header is matched by prefix or parsed as a URL',
      // eslint-disable-next-line @rebind-guard/no-untrusted-host-header -- `context` is the probe's own target, not an incoming request (the rule matches receivers by name).
      buildRequest(context, route, { host: `${context.host}/${context.foreignName}` }),
    ),
    probe(
      'host-duplicate',
      'Duplicate Host headers (allowed, then foreign)',
      'host-parsing',
      'medium',
      'host_duplicate',
      'the server and any proxy in front of it may disagree about which Host applies',
      buildRequest(context, route, { secondHost: context.foreignHost }),
    ),
    probe(
      'host-absolute-form',
      'Absolute-form request target naming a foreign host',
      'host-parsing',
      'medium',
      'host_mismatch',
      'the request target and the Host header disagree and the server does not notice',
      buildRequest(context, route, { target: `${context.protocol}//${context.foreignHost}${route.target}` }),
    ),
    probe(
      'host-missing',
      'HTTP/1.0 request without Host',
      'host-parsing',
      'medium',
      'host_missing',
      'requests that name no host at all are served, so the host check can be skipped',
      buildRequest(context, route, { host: null, httpVersion: '1.0' }),
    ),
    probe(
      'forwarded-host-spoof',
      'Foreign Host with a spoofed X-Forwarded-Host naming the allowed host',
      'rebinding',
      'high',
      'forwarded_host_not_allowed',
      'a rebound page can set X-Forwarded-Host itself (same-origin requests need no CORS), and the server trusts it over Host',
      buildRequest(context, route, { host: context.foreignHost, extra: [['X-Forwarded-Host', context.host]] }),
    ),
    {
      id: 'websocket-foreign-origin',
      title: 'WebSocket upgrade with a foreign Origin',
      category: 'websocket',
      severity: 'high',
      code: 'origin_not_allowed',
      impact: 'any web page can open a WebSocket to this server (cross-site WebSocket hijacking); CORS does not apply to WebSockets',
      route: { ...route, method: 'GET' },
      upgrade: true,
      attack: buildRequest(context, route, { method: 'GET', origin: `https://evil.test`, extra: websocketHeaders() }),
      control: buildRequest(context, route, { method: 'GET', origin: context.trustedOrigin, extra: websocketHeaders() }),
    },
  ];
}

function websocketHeaders(): [string, string][] {
  return [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', `${WS_KEY}==`],
    ['Sec-WebSocket-Version', '13'],
  ];
}

/** Probes run against every route: rebinding, origin (unsafe methods) and auth (token-protected routes). */
export function routeProbes(context: BatteryContext, route: Route): ProbeDefinition[] {
  const control = buildRequest(context, route);
  const unsafe = !SAFE.has(route.method);
  const probes: ProbeDefinition[] = [];
  const add = (id: string, title: string, category: Category, severity: Severity, code: ResultCode, impact: string, attack: RawRequest, withControl = true): void => {
    probes.push({ id, title, category, severity, code, impact, route, attack, control: withControl ? control : undefined });
  };
  const foreignOrigin = `${context.protocol}//${context.foreignHost}`;
  const replayed = route.requiresToken && context.token !== undefined;
  add(
    'host-foreign',
    `Foreign Host ${context.foreignHost} (DNS rebinding)${replayed ? ', valid token replayed' : ''}`,
    'rebinding',
    'high',
    'host_not_allowed',
    'after a DNS rebind, any web page can read and change this route from the victim’s browser',
    // After a rebind the request is same-origin: unsafe methods carry Origin = the attacker's name.
    buildRequest(context, route, { host: context.foreignHost, origin: unsafe ? foreignOrigin : null }),
  );
  if (unsafe) {
    const lookalike = `${context.trustedOrigin}.evil.test`;
    add('origin-foreign', `${route.method} with a cross-site Origin`, 'csrf', 'medium', 'origin_not_allowed', 'any web page can trigger this state change (CSRF)', buildRequest(context, route, { origin: 'https://evil.test' }));
    add('origin-null', `${route.method} with Origin: null`, 'csrf', 'medium', 'origin_not_allowed', 'sandboxed iframes and data: URLs (Origin: null) can trigger this state change', buildRequest(context, route, { origin: 'null' }));
    add(
      'origin-lookalike',
      `${route.method} with lookalike Origin/Referer ${lookalike}`,
      'csrf',
      'medium',
      'origin_not_allowed',
      'origins are compared by prefix (startsWith), so a lookalike domain passes',
      buildRequest(context, route, { origin: lookalike, referer: `${lookalike}/` }),
    );
  }
  if (!route.requiresToken) return probes;
  const withToken = context.token !== undefined;
  add('auth-missing', 'No Authorization header', 'auth', 'high', 'token_missing', 'the route answers without any credentials', buildRequest(context, route, { authorization: null }), withToken);
  add('auth-wrong-scheme', 'Authorization with a non-Bearer scheme', 'auth', 'medium', 'token_malformed', 'credentials of the wrong scheme are accepted', buildRequest(context, route, { authorization: 'Basic cmViaW5kOmd1YXJk' }), withToken);
  if (context.token !== undefined) {
    add(
      'auth-malformed',
      'Bearer token followed by extra data',
      'auth',
      'medium',
      'token_malformed',
      'the header is split on spaces instead of parsed per RFC 6750, so malformed credentials pass',
      buildRequest(context, route, { authorization: `Bearer ${context.token} rebind` }),
    );
    add(
      'auth-duplicate',
      'Two Authorization headers (valid, then invalid)',
      'auth',
      'medium',
      'token_duplicate',
      'the server and any proxy in front of it may disagree about which credentials apply',
      buildRequest(context, route, { authorization: [`Bearer ${context.token}`, 'Bearer rebind.invalid.token'] }),
    );
  }
  add('token-alg-none', 'Unsigned token (alg: none)', 'auth', 'high', 'token_algorithm_invalid', 'anyone can forge tokens', buildRequest(context, route, { authorization: `Bearer ${mintAlgNone(context.tokens)}` }), withToken);
  if (context.tokens.key !== undefined) {
    add(
      'token-wrong-audience',
      'Token signed for another audience',
      'auth',
      'high',
      'token_audience_invalid',
      'tokens issued for other APIs (or other hosts) are accepted here',
      buildRequest(context, route, { authorization: `Bearer ${mintWrongAudience(context.tokens)}` }),
    );
    add('token-expired', 'Expired token', 'auth', 'medium', 'token_expired', 'stolen tokens stay usable forever', buildRequest(context, route, { authorization: `Bearer ${mintExpired(context.tokens)}` }));
  }
  return probes;
}
