/**
 * The one behaviour table every adapter must satisfy, byte for byte on the wire (issue #4).
 *
 * Each case is an exact HTTP/1.x request (built here, written verbatim by a raw `node:net`
 * client), the app options variant it runs against, and the expected status, problem+json `code`,
 * and `www-authenticate`. `content-type` is derived: `application/problem+json` whenever a
 * `code` is expected, `application/json; charset=utf-8` for successful JSON routes.
 */
import { LOOPBACK_HOSTS } from '@rebind-guard/core';
import {
  HOUR,
  mintToken,
  nowSeconds as now,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_SECRET,
  unsignedToken,
  type SignSpec,
  type TestClaims,
} from '../helpers/tokens.js';
import type { AppOptions } from './servers.js';

export const API_HOST = 'api.example.com';
export const APP_ORIGIN = 'https://app.example.com';

/** A token for this API, valid for an hour, with the scopes the table's routes need unless `claims` say otherwise. */
const sign = (claims: TestClaims = {}, spec: SignSpec = {}): string =>
  mintToken({ scope: 'items:read items:write', ...claims }, spec);

export const TOKENS = {
  valid: sign(),
  admin: sign({ sub: 'root', scope: 'admin items:read' }),
  expired: sign({ exp: now() - 10 * HOUR }),
  notYetValid: sign({ nbf: now() + 10 * HOUR, exp: now() + 20 * HOUR }),
  wrongAudience: sign({ aud: 'https://staging.example.com' }),
  wrongIssuer: sign({ iss: 'https://evil-idp.example' }),
  wrongSecret: sign({}, { key: 'some other secret that is also long enough' }),
  wrongAlgorithm: sign({}, { algorithm: 'HS384' }),
  unsigned: unsignedToken({ sub: 'mallory', aud: TEST_AUDIENCE, iss: TEST_ISSUER, exp: now() + HOUR }),
} as const;

const AUTH = { key: TEST_SECRET, algorithms: ['HS256'], audience: TEST_AUDIENCE, issuer: TEST_ISSUER } as const;

/** The app options variants cases run against. */
export const VARIANTS = {
  /** Host + Origin + required Bearer auth; /healthz excluded. */
  default: {
    hosts: [API_HOST, '.example.net', ...LOOPBACK_HOSTS],
    origins: [APP_ORIGIN],
    auth: AUTH,
    exclude: ['/healthz'],
  },
  /** Same, trusting X-Forwarded-Host / Forwarded (every value must be allowed). */
  trustProxy: {
    hosts: [API_HOST, '.example.net', ...LOOPBACK_HOSTS],
    origins: [APP_ORIGIN],
    auth: AUTH,
    exclude: ['/healthz'],
    trustProxy: true,
  },
  /** Host + Origin only (no auth configured). */
  noAuth: {
    hosts: [API_HOST, ...LOOPBACK_HOSTS],
    origins: [APP_ORIGIN],
  },
} as const satisfies Record<string, AppOptions>;

export type Variant = keyof typeof VARIANTS;

// ---------------------------------------------------------------------------------------------
// Request bytes
// ---------------------------------------------------------------------------------------------

export interface RequestSpec {
  readonly method?: string;
  readonly target?: string;
  readonly version?: '1.0' | '1.1';
  /** Host header value(s): one line per value; `null` omits Host. Default `api.example.com`. */
  readonly host?: string | readonly string[] | null;
  /** Bearer token; `null` sends no Authorization. Default: a valid token. */
  readonly token?: string | null;
  /** Extra header lines, written in order after Host and Authorization. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  /** Send `Connection: close` (default true; WebSocket handshakes send their own Connection). */
  readonly close?: boolean;
}

/** Builds the exact request bytes. Nothing is normalised. */
export function buildRequest(spec: RequestSpec = {}): string {
  const method = spec.method ?? 'GET';
  const lines = [`${method} ${spec.target ?? '/'} HTTP/${spec.version ?? '1.1'}`];
  const hosts =
    spec.host === undefined
      ? [API_HOST]
      : spec.host === null
        ? []
        : typeof spec.host === 'string'
          ? [spec.host]
          : spec.host;
  for (const host of hosts) lines.push(`Host: ${host}`);
  const token = spec.token === undefined ? TOKENS.valid : spec.token;
  if (token !== null) lines.push(`Authorization: Bearer ${token}`);
  for (const [name, value] of spec.headers ?? []) lines.push(`${name}: ${value}`);
  const body = spec.body ?? (method === 'GET' ? undefined : '');
  if (body !== undefined) {
    if (body !== '') lines.push('Content-Type: application/json');
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  if (spec.close ?? true) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/** A WebSocket opening handshake to /ws (RFC 6455 §4.1). */
export function wsHandshake(
  spec: Omit<RequestSpec, 'method' | 'body' | 'close'> & { readonly origin?: string | null } = {},
): string {
  const origin = spec.origin === undefined ? APP_ORIGIN : spec.origin;
  return buildRequest({
    ...spec,
    target: spec.target ?? '/ws',
    close: false,
    headers: [
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Sec-WebSocket-Version', '13'],
      ...(origin === null ? [] : [['Origin', origin] as const]),
      ...(spec.headers ?? []),
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

export interface Expected {
  readonly status: number;
  /** problem+json `code`; null for successful answers. */
  readonly code: string | null;
  /** Exact `www-authenticate`, or null when it must be absent. Default null. */
  readonly wwwAuthenticate?: string | null;
  /** Exact `content-type`, when it differs from {@link expectedContentType}'s default. */
  readonly contentType?: string | null;
  /** For successes: the JSON body `{ route, sub }`. */
  readonly body?: { readonly route: string; readonly sub: string | null };
}

export interface Case {
  readonly name: string;
  readonly variant: Variant;
  /** Builds the exact request bytes. */
  readonly request: () => string;
  readonly expect: Expected;
}

const CHALLENGE = 'Bearer realm="api"';
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token"';
const INVALID_REQUEST = 'Bearer realm="api", error="invalid_request"';

const ok = (route: string, sub: string | null = 'alice'): Expected => ({
  status: 200,
  code: null,
  body: { route, sub },
});
const fail = (status: number, code: string, wwwAuthenticate: string | null = null): Expected => ({
  status,
  code,
  wwwAuthenticate,
});

function c(name: string, request: RequestSpec | (() => string), expect: Expected, variant: Variant = 'default'): Case {
  return { name, variant, request: typeof request === 'function' ? request : () => buildRequest(request), expect };
}

export const CASES: readonly Case[] = [
  // --- Host: allowed ---------------------------------------------------------------------------
  c('allowed host', {}, ok('GET /')),
  c('allowed host with a port', { host: 'api.example.com:8443' }, ok('GET /')),
  c('allowed host, upper case and trailing dot', { host: 'API.Example.COM.' }, ok('GET /')),
  c('subdomain of a ".example.net" entry', { host: 'deep.sub.example.net' }, ok('GET /')),
  c('apex of a ".example.net" entry', { host: 'example.net' }, ok('GET /')),
  c('localhost with a port', { host: 'localhost:3000' }, ok('GET /')),
  c('127.0.0.1', { host: '127.0.0.1:8080' }, ok('GET /')),
  c('[::1]', { host: '[::1]:8080' }, ok('GET /')),
  c('IPv6 loopback in a non-canonical form', { host: '[0:0:0:0:0:0:0:1]' }, ok('GET /')),
  c('dev.localhost (.localhost entry)', { host: 'dev.localhost' }, ok('GET /')),

  // --- Host: rebinding names ---------------------------------------------------------------------
  c('rebinding: attacker name in Host', { host: 'rebind.test:8080' }, fail(403, 'host_not_allowed')),
  c(
    'rebinding: allowed name as a prefix of the attacker name',
    { host: 'api.example.com.evil.test' },
    fail(403, 'host_not_allowed'),
  ),
  c('rebinding: lookalike suffix (evilexample.net)', { host: 'evilexample.net' }, fail(403, 'host_not_allowed')),
  c('0.0.0.0 is never implied', { host: '0.0.0.0' }, fail(403, 'host_not_allowed')),
  c('a public IP literal', { host: '93.184.216.34' }, fail(403, 'host_not_allowed')),
  c(
    'rebinding on an excluded path still checks Host',
    { host: 'rebind.test', target: '/healthz', token: null },
    fail(403, 'host_not_allowed'),
  ),
  c(
    'rebinding on the optional-auth route still checks Host',
    { host: 'rebind.test', target: '/feed', token: null },
    fail(403, 'host_not_allowed'),
  ),

  // --- Host: tricks ------------------------------------------------------------------------------
  c('userinfo trick (evil@api)', { host: 'evil.test@api.example.com' }, fail(400, 'host_malformed')),
  c('userinfo trick (api@evil)', { host: 'api.example.com@evil.test' }, fail(400, 'host_malformed')),
  c('path trick', { host: 'api.example.com/evil' }, fail(400, 'host_malformed')),
  c('query trick', { host: 'api.example.com?evil.test' }, fail(400, 'host_malformed')),
  c('fragment trick', { host: 'api.example.com#evil.test' }, fail(400, 'host_malformed')),
  c('backslash trick', { host: 'evil.test\\api.example.com' }, fail(400, 'host_malformed')),
  c('percent-encoded dot', { host: 'api%2eexample.com' }, fail(400, 'host_malformed')),
  c('space inside Host', { host: 'api.example.com evil.test' }, fail(400, 'host_malformed')),
  c('non-canonical IPv4 (127.1)', { host: '127.1' }, fail(400, 'host_malformed')),
  c('hex IPv4 (0x7f.0.0.1)', { host: '0x7f.0.0.1' }, fail(400, 'host_malformed')),
  c('port 0', { host: 'api.example.com:0' }, fail(400, 'host_malformed')),
  c('port out of range', { host: 'api.example.com:65536' }, fail(400, 'host_malformed')),
  c('empty label', { host: 'api..example.com' }, fail(400, 'host_malformed')),
  c('IPv6 zone id', { host: '[fe80::1%25eth0]' }, fail(400, 'host_malformed')),
  c('duplicate Host (allowed first)', { host: ['api.example.com', 'rebind.test'] }, fail(400, 'host_duplicate')),
  c('duplicate Host (same value twice)', { host: ['api.example.com', 'api.example.com'] }, fail(400, 'host_duplicate')),
  c(
    'duplicate Host, lower-case second line',
    () => buildRequest({ host: 'api.example.com', headers: [['host', 'rebind.test']] }),
    fail(400, 'host_duplicate'),
  ),
  c('HTTP/1.0 without Host', { version: '1.0', host: null }, fail(400, 'host_missing')),
  c('HTTP/1.0 with an allowed Host', { version: '1.0' }, ok('GET /')),
  c('empty Host', { host: '' }, fail(400, 'host_missing')),
  c('non-ASCII Host (UTF-8 bytes)', { host: '\u00e4pi.example.com' }, fail(400, 'host_malformed')),
  // Node's own parser (requireHostHeader, on by default) answers a bare 400 before any framework
  // or guard runs: identical on all three, but without a problem+json body.
  c('HTTP/1.1 without Host (rejected by Node itself)', { host: null }, { status: 400, code: null, contentType: null }),

  // --- absolute-form targets ---------------------------------------------------------------------
  c('absolute-form target matching Host', { target: 'http://api.example.com/' }, ok('GET /')),
  c('absolute-form target naming another host', { target: 'http://rebind.test/' }, fail(400, 'host_mismatch')),
  c(
    'absolute-form target naming an allowed but different host',
    { target: 'http://localhost/' },
    fail(400, 'host_mismatch'),
  ),
  c('absolute-form target with another port', { target: 'http://api.example.com:8080/' }, fail(400, 'host_mismatch')),
  c('absolute-form with userinfo', { target: 'http://api.example.com@rebind.test/' }, fail(400, 'host_mismatch')),

  // --- X-Forwarded-Host / Forwarded --------------------------------------------------------------
  c('X-Forwarded-Host is ignored without trustProxy', { headers: [['X-Forwarded-Host', 'rebind.test']] }, ok('GET /')),
  c('Forwarded is ignored without trustProxy', { headers: [['Forwarded', 'host=rebind.test']] }, ok('GET /')),
  c(
    'trustProxy: allowed X-Forwarded-Host behind a loopback proxy',
    { host: 'localhost:8080', headers: [['X-Forwarded-Host', 'api.example.com']] },
    ok('GET /'),
    'trustProxy',
  ),
  c(
    'trustProxy: allowed Host and X-Forwarded-Host',
    { headers: [['X-Forwarded-Host', 'www.example.net']] },
    ok('GET /'),
    'trustProxy',
  ),
  c(
    'trustProxy: foreign X-Forwarded-Host',
    { headers: [['X-Forwarded-Host', 'rebind.test']] },
    fail(403, 'forwarded_host_not_allowed'),
    'trustProxy',
  ),
  c(
    'trustProxy: one foreign value in an X-Forwarded-Host list',
    { headers: [['X-Forwarded-Host', 'api.example.com, rebind.test']] },
    fail(403, 'forwarded_host_not_allowed'),
    'trustProxy',
  ),
  c(
    'trustProxy: repeated X-Forwarded-Host, second foreign',
    {
      headers: [
        ['X-Forwarded-Host', 'api.example.com'],
        ['X-Forwarded-Host', 'rebind.test'],
      ],
    },
    fail(403, 'forwarded_host_not_allowed'),
    'trustProxy',
  ),
  c(
    'trustProxy: malformed X-Forwarded-Host',
    { headers: [['X-Forwarded-Host', 'api.example.com@evil.test']] },
    fail(403, 'forwarded_host_not_allowed'),
    'trustProxy',
  ),
  c(
    'trustProxy: allowed Forwarded host=',
    { headers: [['Forwarded', 'for=10.0.0.1;host=api.example.com;proto=https']] },
    ok('GET /'),
    'trustProxy',
  ),
  c(
    'trustProxy: foreign Forwarded host=',
    { headers: [['Forwarded', 'for=10.0.0.1;host=rebind.test']] },
    fail(403, 'forwarded_host_not_allowed'),
    'trustProxy',
  ),
  c(
    'trustProxy: Host is still checked',
    { host: 'rebind.test', headers: [['X-Forwarded-Host', 'api.example.com']] },
    fail(403, 'host_not_allowed'),
    'trustProxy',
  ),

  // --- Origin / Referer on unsafe methods ---------------------------------------------------------
  c(
    'POST from the allowed origin',
    { method: 'POST', target: '/items', headers: [['Origin', APP_ORIGIN]] },
    ok('POST /items'),
  ),
  c(
    'PUT from the allowed origin',
    { method: 'PUT', target: '/items', headers: [['Origin', APP_ORIGIN]], body: '{"name":"x"}' },
    ok('PUT /items'),
  ),
  c(
    'DELETE from the allowed origin',
    { method: 'DELETE', target: '/items', headers: [['Origin', APP_ORIGIN]] },
    ok('DELETE /items'),
  ),
  c(
    'allowed origin with an explicit default port',
    { method: 'POST', target: '/items', headers: [['Origin', 'https://app.example.com:443']] },
    ok('POST /items'),
  ),
  c(
    'same-origin POST (Origin = Host)',
    { method: 'POST', target: '/items', headers: [['Origin', 'http://api.example.com']] },
    ok('POST /items'),
  ),
  c('POST without Origin or Referer (API client)', { method: 'POST', target: '/items' }, ok('POST /items')),
  c(
    'POST from a foreign origin',
    { method: 'POST', target: '/items', headers: [['Origin', 'https://evil.test']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'PUT from a foreign origin',
    { method: 'PUT', target: '/items', headers: [['Origin', 'https://evil.test']], body: '{"name":"x"}' },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'DELETE from a foreign origin',
    { method: 'DELETE', target: '/items', headers: [['Origin', 'https://evil.test']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'POST from a lookalike origin (prefix trick)',
    { method: 'POST', target: '/items', headers: [['Origin', 'https://app.example.com.evil.net']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'POST from the allowed host over another scheme',
    { method: 'POST', target: '/items', headers: [['Origin', 'http://app.example.com']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'POST with Origin: null',
    { method: 'POST', target: '/items', headers: [['Origin', 'null']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'DELETE with Origin: null',
    { method: 'DELETE', target: '/items', headers: [['Origin', 'null']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'POST with a malformed Origin',
    { method: 'POST', target: '/items', headers: [['Origin', 'https://app.example.com/path']] },
    fail(403, 'origin_malformed'),
  ),
  c(
    'POST with two Origin headers',
    {
      method: 'POST',
      target: '/items',
      headers: [
        ['Origin', APP_ORIGIN],
        ['Origin', 'https://evil.test'],
      ],
    },
    fail(403, 'origin_malformed'),
  ),
  c(
    'rebinding: same-origin POST under the attacker name',
    { method: 'POST', target: '/items', host: 'rebind.test:8080', headers: [['Origin', 'http://rebind.test:8080']] },
    fail(403, 'host_not_allowed'),
  ),
  c('GET from a foreign origin is not origin-checked', { headers: [['Origin', 'https://evil.test']] }, ok('GET /')),
  c(
    'Referer fallback: allowed',
    { method: 'POST', target: '/items', headers: [['Referer', 'https://app.example.com/page?x=1']] },
    ok('POST /items'),
  ),
  c(
    'Referer fallback: foreign',
    { method: 'POST', target: '/items', headers: [['Referer', 'https://evil.test/page']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'Referer fallback: lookalike',
    { method: 'DELETE', target: '/items', headers: [['Referer', 'https://app.example.com.evil.net/']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'Origin wins over an allowed Referer',
    {
      method: 'POST',
      target: '/items',
      headers: [
        ['Origin', 'https://evil.test'],
        ['Referer', 'https://app.example.com/'],
      ],
    },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'Sec-Fetch-Site: cross-site without Origin',
    { method: 'POST', target: '/items', headers: [['Sec-Fetch-Site', 'cross-site']] },
    fail(403, 'cross_site_request'),
  ),
  c(
    'origin checked before auth (foreign origin, no token)',
    { method: 'POST', target: '/items', token: null, headers: [['Origin', 'https://evil.test']] },
    fail(403, 'origin_not_allowed'),
  ),
  c(
    'noAuth: POST from the allowed origin',
    { method: 'POST', target: '/items', token: null, headers: [['Origin', APP_ORIGIN]] },
    ok('POST /items', null),
    'noAuth',
  ),
  c(
    'noAuth: POST from a foreign origin',
    { method: 'POST', target: '/items', token: null, headers: [['Origin', 'https://evil.test']] },
    fail(403, 'origin_not_allowed'),
    'noAuth',
  ),
  c('noAuth: rebinding still blocked', { host: 'rebind.test', token: null }, fail(403, 'host_not_allowed'), 'noAuth'),

  // --- Bearer tokens -----------------------------------------------------------------------------
  c('missing token', { token: null }, fail(401, 'token_missing', CHALLENGE)),
  c('empty Authorization', { token: null, headers: [['Authorization', '']] }, fail(401, 'token_missing', CHALLENGE)),
  // RFC 6750 §3.1: another scheme is no Bearer credentials (401, bare challenge); a malformed or
  // repeated Authorization header is invalid_request (400); a well-formed non-JWT is invalid_token.
  c(
    'Basic instead of Bearer',
    { token: null, headers: [['Authorization', 'Basic dXNlcjpwYXNz']] },
    fail(401, 'token_missing', CHALLENGE),
  ),
  c(
    'two tokens in one header',
    { token: null, headers: [['Authorization', `Bearer ${TOKENS.valid} ${TOKENS.valid}`]] },
    fail(400, 'token_malformed', INVALID_REQUEST),
  ),
  c(
    'token with a quote',
    { token: null, headers: [['Authorization', 'Bearer "abc"']] },
    fail(400, 'token_malformed', INVALID_REQUEST),
  ),
  c(
    'not a JWT (well-formed header, so invalid_token)',
    { token: 'not-a-jwt' },
    fail(401, 'token_invalid', INVALID_TOKEN),
  ),
  c(
    'duplicate Authorization headers',
    { headers: [['Authorization', `Bearer ${TOKENS.valid}`]] },
    fail(400, 'token_duplicate', INVALID_REQUEST),
  ),
  c('lower-case bearer scheme', { token: null, headers: [['Authorization', `bearer ${TOKENS.valid}`]] }, ok('GET /')),
  c(
    'token in the query string is ignored',
    { token: null, target: `/?access_token=${TOKENS.valid}` },
    fail(401, 'token_missing', CHALLENGE),
  ),
  c('expired token', { token: TOKENS.expired }, fail(401, 'token_expired', INVALID_TOKEN)),
  c('token not yet valid', { token: TOKENS.notYetValid }, fail(401, 'token_not_active', INVALID_TOKEN)),
  c('wrong audience', { token: TOKENS.wrongAudience }, fail(401, 'token_audience_invalid', INVALID_TOKEN)),
  c('wrong issuer', { token: TOKENS.wrongIssuer }, fail(401, 'token_issuer_invalid', INVALID_TOKEN)),
  c('wrong signature', { token: TOKENS.wrongSecret }, fail(401, 'token_invalid', INVALID_TOKEN)),
  c(
    'algorithm not allowed (HS384)',
    { token: TOKENS.wrongAlgorithm },
    fail(401, 'token_algorithm_invalid', INVALID_TOKEN),
  ),
  c('alg: none', { token: TOKENS.unsigned }, fail(401, 'token_algorithm_invalid', INVALID_TOKEN)),
  c(
    'POST with a valid token and allowed origin sees the subject',
    { method: 'POST', target: '/items', token: TOKENS.admin, headers: [['Origin', APP_ORIGIN]] },
    ok('POST /items', 'root'),
  ),
  c(
    'POST with an expired token',
    { method: 'POST', target: '/items', token: TOKENS.expired, headers: [['Origin', APP_ORIGIN]] },
    fail(401, 'token_expired', INVALID_TOKEN),
  ),

  // --- optional auth (/feed) ---------------------------------------------------------------------
  c('optional auth: no token passes anonymously', { target: '/feed', token: null }, ok('GET /feed', null)),
  c('optional auth: valid token is verified', { target: '/feed' }, ok('GET /feed', 'alice')),
  c(
    'optional auth: expired token fails',
    { target: '/feed', token: TOKENS.expired },
    fail(401, 'token_expired', INVALID_TOKEN),
  ),
  c(
    'optional auth: malformed Bearer header fails',
    { target: '/feed', token: null, headers: [['Authorization', 'Bearer "abc"']] },
    fail(400, 'token_malformed', INVALID_REQUEST),
  ),
  c(
    'optional auth: another scheme (Basic) is no token',
    { target: '/feed', token: null, headers: [['Authorization', 'Basic dXNlcjpwYXNz']] },
    ok('GET /feed', null),
  ),
  c(
    'optional auth: wrong audience fails',
    { target: '/feed', token: TOKENS.wrongAudience },
    fail(401, 'token_audience_invalid', INVALID_TOKEN),
  ),

  // --- scopes (/admin) ---------------------------------------------------------------------------
  c('scopes: token with admin scope', { target: '/admin', token: TOKENS.admin }, ok('GET /admin', 'root')),
  c(
    'scopes: token without admin scope',
    { target: '/admin' },
    fail(403, 'insufficient_scope', 'Bearer realm="api", error="insufficient_scope", scope="admin"'),
  ),
  c('scopes: no token', { target: '/admin', token: null }, fail(401, 'token_missing', CHALLENGE)),
  c(
    'scopes: expired admin token',
    { target: '/admin', token: sign({ scope: 'admin', exp: now() - HOUR }) },
    fail(401, 'token_expired', INVALID_TOKEN),
  ),

  // --- excluded paths (/healthz) -----------------------------------------------------------------
  c('excluded: no token needed', { target: '/healthz', token: null }, ok('GET /healthz', null)),
  c(
    'excluded: a bad token is not even looked at',
    { target: '/healthz', token: TOKENS.wrongSecret },
    ok('GET /healthz', null),
  ),
  c(
    'excluded: query string does not defeat the match',
    { target: '/healthz?probe=1', token: null },
    ok('GET /healthz', null),
  ),
  c(
    'excluded: malformed Host still rejected',
    { target: '/healthz', token: null, host: 'api.example.com@evil.test' },
    fail(400, 'host_malformed'),
  ),
  c(
    'excluded: dot segments do not match the exclusion',
    { target: '/healthz/../admin', token: null },
    fail(401, 'token_missing', CHALLENGE),
  ),

  // --- WebSocket upgrades ------------------------------------------------------------------------
  {
    name: 'websocket: allowed host, origin and token',
    variant: 'default',
    request: () => wsHandshake(),
    expect: { status: 101, code: null },
  },
  {
    name: 'websocket: foreign Host',
    variant: 'default',
    request: () => wsHandshake({ host: 'rebind.test' }),
    expect: fail(403, 'host_not_allowed'),
  },
  {
    name: 'websocket: no Origin',
    variant: 'default',
    request: () => wsHandshake({ origin: null }),
    expect: fail(403, 'origin_missing'),
  },
  {
    name: 'websocket: foreign Origin',
    variant: 'default',
    request: () => wsHandshake({ origin: 'https://evil.test' }),
    expect: fail(403, 'origin_not_allowed'),
  },
  {
    name: 'websocket: lookalike Origin',
    variant: 'default',
    request: () => wsHandshake({ origin: 'https://app.example.com.evil.net' }),
    expect: fail(403, 'origin_not_allowed'),
  },
  {
    name: 'websocket: Origin null',
    variant: 'default',
    request: () => wsHandshake({ origin: 'null' }),
    expect: fail(403, 'origin_not_allowed'),
  },
  {
    name: 'websocket: missing token',
    variant: 'default',
    request: () => wsHandshake({ token: null }),
    expect: fail(401, 'token_missing', CHALLENGE),
  },
  {
    name: 'websocket: expired token',
    variant: 'default',
    request: () => wsHandshake({ token: TOKENS.expired }),
    expect: fail(401, 'token_expired', INVALID_TOKEN),
  },
  {
    name: 'websocket: duplicate Host',
    variant: 'default',
    request: () => wsHandshake({ host: ['api.example.com', 'rebind.test'] }),
    expect: fail(400, 'host_duplicate'),
  },
  {
    name: 'websocket: rebinding same-origin handshake',
    variant: 'default',
    request: () => wsHandshake({ host: 'rebind.test:8080', origin: 'http://rebind.test:8080' }),
    expect: fail(403, 'host_not_allowed'),
  },
  {
    name: 'websocket: noAuth, allowed origin',
    variant: 'noAuth',
    request: () => wsHandshake({ token: null }),
    expect: { status: 101, code: null },
  },
];

/** The content-type every framework must send for `expected`. */
export function expectedContentType(expected: Expected): string | null {
  if (expected.contentType !== undefined) return expected.contentType;
  if (expected.code !== null) return 'application/problem+json';
  if (expected.status === 101) return null;
  return 'application/json; charset=utf-8';
}
