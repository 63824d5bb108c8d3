/**
 * `createGuard`: one compiled policy that decides every request.
 *
 * @packageDocumentation
 */
import { describeCode, type ResultCode, type ResultStatus } from './errors.js';
import { parseBearer } from './bearer.js';
import { forwardedHosts } from './internal/forwarded.js';
import { HostAllowlist, isHostFailure, parseHost, type HostEntry, type ParsedHost } from './host.js';
import { DEFAULT_REALM, JwtVerifier, type AuthInfo, type AuthOptions, type JwtClaims } from './jwt.js';
import { DEFAULT_PORTS, OriginAllowlist, parseOrigin, refererOrigin, type ParsedOrigin } from './origin.js';
import { compileResourceMetadata, type GuardAnswer, type ResourceMetadataOptions } from './resource-metadata.js';
import { meetsClaimRequirement, validateClaimRequirement, type ClaimRequirement } from './claims.js';

/**
 * The framework-neutral request every adapter builds from its framework's request.
 *
 * @example
 * ```ts
 * import type { GuardRequest } from '@rebind-guard/core';
 * import type { IncomingMessage } from 'node:http';
 * const toGuardRequest = (req: IncomingMessage): GuardRequest => ({
 *   method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers,
 *   rawHeaders: req.rawHeaders, httpVersion: req.httpVersion,
 * });
 * ```
 */
export interface GuardRequest {
  /** Request method, e.g. `'POST'`. Methods are case-sensitive; only exact safe methods are safe. */
  readonly method: string;
  /** The request target as received: origin-form (`/path?q`) or absolute-form (`http://host/path`). */
  readonly url: string;
  /** Headers with lower-case names, as Node's `req.headers`. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Node's `req.rawHeaders`: lets the guard see repeated Host, Origin and Authorization lines. */
  readonly rawHeaders?: readonly string[];
  /** `'1.0'`, `'1.1'` or `'2.0'`. */
  readonly httpVersion?: string;
  /** HTTP/2 `:authority` pseudo-header, if any. */
  readonly authority?: string;
}

/**
 * Options of {@link createGuard}. Validated once; bad options throw `TypeError`.
 *
 * @example
 * ```ts
 * import type { GuardOptions } from '@rebind-guard/core';
 * const options: GuardOptions = { hosts: ['api.example.com'], origins: ['https://app.example.com'] };
 * ```
 */
export interface GuardOptions<Claims = JwtClaims> {
  /** Host allowlist; required and non-empty. See {@link HostEntry}. */
  readonly hosts: readonly HostEntry[];
  /**
   * Exact origins allowed to send unsafe (state-changing) requests. Same-origin requests (an
   * Origin whose host and port equal the validated Host) are always allowed. Default: none besides
   * same-origin.
   */
  readonly origins?: readonly string[];
  /** Reject unsafe requests that carry neither `Origin` nor `Referer`. Default `false` (API clients send neither). */
  readonly requireOrigin?: boolean;
  /** Methods exempt from origin checks. Default `['GET', 'HEAD', 'OPTIONS']`. */
  readonly safeMethods?: readonly string[];
  /** Also validate `X-Forwarded-Host` and `Forwarded: host=` (every value). Default `false`: they are ignored. */
  readonly trustProxy?: boolean;
  /** Bearer JWT verification; omit for Host/Origin checks only. */
  readonly auth?: AuthOptions<Claims>;
  /**
   * Paths that skip the auth and origin checks (health checks): exact paths (`'/healthz'`) or
   * prefixes ending in `/*` (`'/public/*'`), or RegExps matched against the whole path.
   */
  readonly exclude?: readonly (string | RegExp)[];
  /** Also skip the Host check on `exclude` paths (e.g. probes that send a pod IP). Default `false`. */
  readonly excludeHost?: boolean;
  /**
   * OAuth 2.0 Protected Resource Metadata (RFC 9728), for MCP servers and other OAuth resource
   * servers: the adapters serve the document at `/.well-known/oauth-protected-resource` (and the
   * path-suffixed form for a `resource` with a path), every Bearer challenge carries
   * `resource_metadata="…"`, and `resource` is the token audience unless `auth.audience` is set.
   */
  readonly resourceMetadata?: ResourceMetadataOptions;
}

/**
 * How a single check treats Bearer auth: `'required'` (default when `auth` is configured),
 * `'optional'` (a missing token passes, a bad one fails) or `'off'`.
 *
 * @example
 * ```ts
 * await guard.check(request, { auth: 'optional' });
 * ```
 */
export type AuthMode = 'required' | 'optional' | 'off';

const AUTH_MODES: ReadonlySet<unknown> = new Set<AuthMode>(['required', 'optional', 'off']);

/**
 * Is `value` an {@link AuthMode}? For validating configuration (adapter options, route config).
 *
 * @example
 * ```ts
 * import { isAuthMode } from '@rebind-guard/core';
 * if (!isAuthMode(config.auth)) throw new TypeError('auth must be "required", "optional" or "off"');
 * ```
 */
export function isAuthMode(value: unknown): value is AuthMode {
  return AUTH_MODES.has(value);
}

/**
 * Per-call overrides of {@link Guard.check}.
 *
 * @example
 * ```ts
 * const result = await guard.check(request, { auth: 'off' });
 * ```
 */
export interface CheckOptions {
  readonly auth?: AuthMode;
  /**
   * The host the framework will serve this request as (Express `req.hostname`, Koa `ctx.hostname`,
   * Fastify `request.hostname`), read only when the request carries `X-Forwarded-Host` or
   * `Forwarded`. When it names another host than the one the guard validated (and bound the
   * audience to) — a framework that trusts a proxy the guard does not, or the reverse — the request
   * is rejected as `forwarded_host_not_allowed`.
   */
  readonly servedHost?: () => string | undefined;
}

/**
 * A request the guard let through.
 *
 * @example
 * ```ts
 * const result = await guard.check(request);
 * if (result.ok) console.log(result.host.hostname, result.auth?.claims.sub);
 * ```
 */
export interface GuardSuccess<Claims = JwtClaims> {
  readonly ok: true;
  /** The validated host the client addressed (the first forwarded host when `trustProxy` applies). */
  readonly host: ParsedHost;
  /** The verified token, or `undefined` when auth is not configured, off, or optional and absent. */
  readonly auth: AuthInfo<Claims> | undefined;
  /**
   * Set when core answers the request itself (a `GET` of the RFC 9728 metadata document): send it
   * as is and do not call the next handler.
   */
  readonly answer?: GuardAnswer;
}

/**
 * A rejected request: a stable `code`, the HTTP `status`, a client-safe `message` and the
 * response `headers` to send (lower-case names, e.g. `www-authenticate`).
 *
 * @example
 * ```ts
 * const result = await guard.check(request);
 * if (!result.ok) res.writeHead(result.status, result.headers).end(result.message);
 * ```
 */
export interface GuardFailure {
  readonly ok: false;
  readonly code: ResultCode;
  readonly status: ResultStatus;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The outcome of {@link Guard.check}; switch on `ok`, then on `code`.
 *
 * @example
 * ```ts
 * const result = await guard.check(request);
 * if (!result.ok && result.code === 'host_not_allowed') metrics.increment('rebind.blocked');
 * ```
 */
export type GuardResult<Claims = JwtClaims> = GuardSuccess<Claims> | GuardFailure;

/**
 * A compiled guard.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: ['api.example.com'] });
 * const result = await guard.check({ method: 'GET', url: '/', headers: { host: 'rebind.test' } });
 * result.ok; // false — host_not_allowed
 * ```
 */
export interface Guard<Claims = JwtClaims> {
  /** Decides one request. Never throws and never rejects. */
  check(request: GuardRequest, options?: CheckOptions): Promise<GuardResult<Claims>>;
  /** Is this origin in the configured `origins` list? For reuse in CORS configuration. */
  isAllowedOrigin(origin: string): boolean;
  /** Is this Host value allowed? (Parses it strictly first.) */
  isAllowedHost(host: string): boolean;
  /**
   * Does a verified token grant every one of `scopes` (from its `scope` string or `scp` array)?
   * Returns `undefined` when it does, else an `insufficient_scope` (403) or `token_missing` (401) failure.
   */
  checkScopes(auth: AuthInfo<Claims> | undefined, scopes: readonly string[]): GuardFailure | undefined;
  /**
   * Does a verified token meet a claim requirement (`equals`, `includes`)? Returns `undefined`
   * when it does, else `token_claims_invalid` (401, `error="invalid_token"`) or `token_missing`.
   */
  checkClaims(auth: AuthInfo<Claims> | undefined, requirement: ClaimRequirement<Claims>): GuardFailure | undefined;
  /** Whether `auth` is configured. */
  readonly hasAuth: boolean;
}

/**
 * The name of every option of {@link GuardOptions}, derived from the type: an option added to the
 * interface does not compile until it is listed here, so validation and docs cannot drift from it.
 *
 * @example
 * ```ts
 * import { GUARD_OPTION_KEYS } from '@rebind-guard/core';
 * GUARD_OPTION_KEYS.includes('trustProxy'); // true
 * ```
 */
export const GUARD_OPTION_KEYS: readonly (keyof GuardOptions)[] = Object.freeze(
  Object.keys({
    hosts: true,
    origins: true,
    requireOrigin: true,
    safeMethods: true,
    trustProxy: true,
    auth: true,
    exclude: true,
    excludeHost: true,
    resourceMetadata: true,
  } satisfies Record<keyof GuardOptions, true>) as (keyof GuardOptions)[],
);
const OPTION_KEYS: ReadonlySet<string> = new Set(GUARD_OPTION_KEYS);
const DEFAULT_SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function failure(code: ResultCode, headers: Record<string, string> = {}): GuardFailure {
  const info = describeCode(code);
  return { ok: false, code, status: info.status, message: info.message, headers };
}

/** Reads a header by its lower-case name (see {@link withLowerCaseHeaders}). */
function header(request: GuardRequest, name: string): string | readonly string[] | undefined {
  return request.headers[name];
}

const UPPER = /[A-Z]/;

/**
 * Node already lower-cases `req.headers` names, so this is one cheap scan that returns the request
 * as is; a hand-built request with `Host` or `Authorization` gets a lower-cased copy. Repeated
 * names that differ only in case are merged, so duplicates stay visible.
 */
function withLowerCaseHeaders(request: GuardRequest): GuardRequest {
  const names = Object.keys(request.headers);
  if (!names.some((name) => UPPER.test(name))) return request;
  const headers: Record<string, string | readonly string[] | undefined> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const existing = headers[lower];
    headers[lower] = existing === undefined ? value : [existing, value].flat();
  }
  return { ...request, headers };
}

/** Header names that must not be repeated, and whose repeats Node's `req.headers` may hide. */
type Counted = 'host' | 'authorization' | 'origin' | 'referer';

/** How often each of the watched header names occurs in `rawHeaders`. */
function rawCounts(request: GuardRequest): Record<Counted, number> {
  const counts = { host: 0, authorization: 0, origin: 0, referer: 0 };
  const raw: readonly unknown[] = Array.isArray(request.rawHeaders) ? request.rawHeaders : [];
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index];
    if (typeof name !== 'string' || name.length < 4 || name.length > 13) continue;
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'authorization' || lower === 'origin' || lower === 'referer') counts[lower]++;
  }
  return counts;
}

/** Is this an HTTP/1.1 WebSocket upgrade (`Upgrade: websocket`)? */
function isWebSocketUpgrade(request: GuardRequest): boolean {
  const upgrade = single(header(request, 'upgrade'));
  return (
    typeof upgrade === 'string' &&
    upgrade
      .toLowerCase()
      .split(',')
      .some((item) => item.trim() === 'websocket')
  );
}

/** A single header value: `undefined` if absent, `null` if repeated. */
function single(value: string | readonly string[] | undefined): string | null | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (value.length === 0) return undefined;
  return value.length === 1 ? (value[0] ?? undefined) : null;
}

/**
 * Does the framework serve the request as the host the guard validated? Only forwarded headers can
 * make them differ, so without them the framework is not asked. Ports are compared only when the
 * framework's value has one (Express and Koa report the name alone).
 */
function servesValidatedHost(request: GuardRequest, host: ParsedHost, servedHost: () => string | undefined): boolean {
  if (header(request, 'x-forwarded-host') === undefined && header(request, 'forwarded') === undefined) return true;
  const served = parseHost(servedHost());
  if (isHostFailure(served)) return false;
  return served.hostname === host.hostname && (served.port === undefined || served.port === host.port);
}

function samePlace(a: ParsedHost, b: ParsedHost, scheme?: string): boolean {
  const fallback = scheme === undefined ? undefined : DEFAULT_PORTS[scheme];
  return a.hostname === b.hostname && (a.port ?? fallback) === (b.port ?? fallback);
}

/** An absolute-form request target's scheme (1) and authority (2). */
const ABSOLUTE_FORM = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;

/** The path of a request target, without query; for absolute-form, the path after the authority. */
function pathOf(url: string): string {
  let path = url;
  const scheme = ABSOLUTE_FORM.exec(path);
  if (scheme !== null) path = path.slice(scheme[0].length) || '/';
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/** Paths no real `exclude` pattern matches: one that does excludes (nearly) everything. */
const EXCLUDE_PROBES = ['/api/v1/admin/users/42', '/rebind-guard-exclude-probe/7f3a9'];

/** Compiles `exclude` into a predicate; paths with dot segments or encoded dots/slashes never match. */
function compileExclude(entries: unknown): (path: string) => boolean {
  if (entries === undefined) return () => false;
  if (!Array.isArray(entries))
    throw new TypeError('rebind-guard: `exclude` must be an array of paths such as ["/healthz"].');
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    if (entry instanceof RegExp) {
      const pattern = new RegExp(`^(?:${entry.source})$`, entry.flags.replace(/[gy]/g, ''));
      if (EXCLUDE_PROBES.some((probe) => pattern.test(probe))) {
        throw new TypeError(
          `rebind-guard: exclude entry ${String(entry)} matches unrelated paths such as "/api/v1/admin/users/42", which switches the auth and origin checks off. Anchor it to the paths you mean, e.g. /\\/healthz(\\/live|\\/ready)?/.`,
        );
      }
      patterns.push(pattern);
    } else if (typeof entry === 'string' && entry.startsWith('/') && !entry.includes('?')) {
      if (entry === '/*')
        throw new TypeError(
          'rebind-guard: exclude entry "/*" excludes every path, which switches the auth and origin checks off. List the public paths, e.g. ["/healthz", "/public/*"].',
        );
      if (entry.endsWith('/*')) prefixes.push(entry.slice(0, -1));
      else if (entry.includes('*'))
        throw new TypeError(
          `rebind-guard: exclude entry ${JSON.stringify(entry)}: "*" is only allowed as a final "/*".`,
        );
      else exact.add(entry);
    } else {
      throw new TypeError(
        `rebind-guard: exclude entry ${JSON.stringify(entry)} must be a path starting with "/" (e.g. "/healthz" or "/public/*") or a RegExp.`,
      );
    }
  }
  return (path) => {
    if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c|\\/i.test(path)) return false;
    return (
      exact.has(path) ||
      prefixes.some((prefix) => path.startsWith(prefix)) ||
      patterns.some((pattern) => pattern.test(path))
    );
  };
}

/**
 * Checks a list of required OAuth scopes once, when a route is set up: each must be a non-empty
 * scope token (RFC 6749 §3.3: no spaces, quotes or backslashes). Throws `TypeError` otherwise.
 *
 * @example
 * ```ts
 * import { validateScopes } from '@rebind-guard/core';
 * validateScopes(['items:read', 'items:write']);
 * ```
 */
export function validateScopes(scopes: readonly unknown[]): readonly string[] {
  if (!Array.isArray(scopes) || scopes.some((scope) => typeof scope !== 'string' || !SCOPE_TOKEN.test(scope))) {
    throw new TypeError(
      'rebind-guard: scopes must be non-empty strings without spaces, quotes or backslashes, e.g. "items:write".',
    );
  }
  return scopes as readonly string[];
}

function grantedScopes(claims: unknown): Set<string> {
  const granted = new Set<string>();
  if (typeof claims !== 'object' || claims === null) return granted;
  const { scope, scp } = claims as { scope?: unknown; scp?: unknown };
  for (const source of [scope, scp]) {
    if (typeof source === 'string') for (const item of source.split(' ')) if (item !== '') granted.add(item);
    if (Array.isArray(source)) for (const item of source) if (typeof item === 'string') granted.add(item);
  }
  return granted;
}

/**
 * Creates a guard from options, validating them once. Throws `TypeError` on bad options, with a
 * message that says what to write instead; at request time it never throws.
 *
 * @example
 * ```ts
 * import { createGuard, LOOPBACK_HOSTS } from '@rebind-guard/core';
 *
 * interface MyClaims { sub: string; scope: string }
 * const guard = createGuard<MyClaims>({
 *   hosts: ['api.example.com', ...LOOPBACK_HOSTS],
 *   origins: ['https://app.example.com'],
 *   auth: { key: process.env.JWT_SECRET ?? '', algorithms: ['HS256'], audience: 'https://api.example.com', issuer: 'https://idp.example.com' },
 * });
 * const result = await guard.check({ method: 'GET', url: '/', headers: { host: 'api.example.com' } });
 * if (result.ok) result.auth?.claims.sub;
 * else console.log(result.code, result.status);
 * ```
 */
export function createGuard<Claims = JwtClaims>(options: GuardOptions<Claims>): Guard<Claims> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(
      'rebind-guard: createGuard needs an options object, e.g. createGuard({ hosts: ["api.example.com"] }).',
    );
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_KEYS.has(name)) {
      throw new TypeError(
        `rebind-guard: ${JSON.stringify(name)} is not an option; valid options are ${[...OPTION_KEYS].join(', ')}.`,
      );
    }
  }
  for (const name of ['requireOrigin', 'trustProxy', 'excludeHost'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean')
      throw new TypeError(`rebind-guard: \`${name}\` must be true or false.`);
  }
  const hosts = new HostAllowlist(options.hosts);
  const origins = options.origins === undefined ? undefined : new OriginAllowlist(options.origins);
  const safeMethods = new Set(options.safeMethods ?? DEFAULT_SAFE_METHODS);
  if (
    options.safeMethods !== undefined &&
    (!Array.isArray(options.safeMethods) || options.safeMethods.some((m) => typeof m !== 'string'))
  ) {
    throw new TypeError(
      'rebind-guard: `safeMethods` must be an array of method names such as ["GET", "HEAD", "OPTIONS"].',
    );
  }
  const requireOrigin = options.requireOrigin ?? false;
  const trustProxy = options.trustProxy ?? false;
  const excludeHost = options.excludeHost ?? false;
  const isExcluded = compileExclude(options.exclude);
  const metadata = compileResourceMetadata(options.resourceMetadata);
  // RFC 8707: with a resource identifier, tokens must be issued for this resource unless told otherwise.
  const verifier =
    options.auth === undefined
      ? undefined
      : new JwtVerifier<Claims>(
          options.auth.audience === undefined && metadata !== undefined
            ? { ...options.auth, audience: metadata.resource }
            : options.auth,
        );
  const realm = verifier?.realm ?? DEFAULT_REALM;
  const metadataParameter = metadata?.challengeParameter ?? '';
  let reportedInternalError = false;

  const challenge = (error?: string, extra = ''): Record<string, string> => ({
    'www-authenticate': `Bearer realm="${realm}"${error === undefined ? '' : `, error="${error}"`}${extra}${metadataParameter}`,
  });

  const originAllowed = (origin: ParsedOrigin, host: ParsedHost): boolean =>
    samePlace(origin.host, host, origin.scheme) || (origins?.has(origin) ?? false);

  /** Host, :authority and absolute-form checks; returns the Host header's host or a failure. */
  function checkHost(request: GuardRequest, url: string, counts: Record<Counted, number>): ParsedHost | GuardFailure {
    if (counts.host > 1) return failure('host_duplicate');
    const hostValue = single(header(request, 'host'));
    if (hostValue === null) return failure('host_duplicate');
    const authorityValue = request.authority ?? single(header(request, ':authority'));
    if (authorityValue === null) return failure('host_duplicate');
    const value = hostValue ?? authorityValue;
    if (value === undefined || value === '') return failure('host_missing');
    const host = parseHost(value);
    if (isHostFailure(host)) return failure(host.code);
    if (hostValue !== undefined && authorityValue !== undefined) {
      // HTTP/2: `:authority api.example.com:80` and `host: api.example.com` over http name one place.
      const scheme = single(header(request, ':scheme'));
      const authority = parseHost(authorityValue);
      if (
        isHostFailure(authority) ||
        !samePlace(authority, host, typeof scheme === 'string' ? scheme.toLowerCase() : undefined)
      ) {
        return failure('host_mismatch');
      }
    }
    const absolute = ABSOLUTE_FORM.exec(url);
    if (absolute !== null) {
      const target = parseHost(absolute[2]);
      if (isHostFailure(target) || !samePlace(target, host, absolute[1]?.toLowerCase()))
        return failure('host_mismatch');
    }
    return host;
  }

  /**
   * With trustProxy: every forwarded host must be allowed and all of them must name one host, so
   * whichever value a framework picks (Express and Koa the first, Fastify the last) is the host the
   * guard validated and bound the audience to. Returns that host, if any.
   */
  function checkForwarded(request: GuardRequest): ParsedHost | GuardFailure | undefined {
    const values: string[] = [];
    const xfh = header(request, 'x-forwarded-host');
    for (const line of typeof xfh === 'string' ? [xfh] : (xfh ?? [])) {
      for (const item of line.split(',')) values.push(item.trim());
    }
    const forwarded = header(request, 'forwarded');
    for (const line of typeof forwarded === 'string' ? [forwarded] : (forwarded ?? [])) {
      const hostsInLine = forwardedHosts(line);
      if (hostsInLine === undefined) return failure('forwarded_host_not_allowed');
      values.push(...hostsInLine);
    }
    let first: ParsedHost | undefined;
    for (const value of values) {
      const parsed = parseHost(value);
      if (isHostFailure(parsed) || !hosts.allows(parsed)) return failure('forwarded_host_not_allowed');
      if (first !== undefined && !samePlace(first, parsed)) return failure('forwarded_host_not_allowed');
      first ??= parsed;
    }
    return first;
  }

  function checkOrigin(
    request: GuardRequest,
    host: ParsedHost,
    counts: Record<Counted, number>,
  ): GuardFailure | undefined {
    const isWebSocket = isWebSocketUpgrade(request);
    if (!isWebSocket && safeMethods.has(request.method)) return undefined;
    if (counts.origin > 1 || counts.referer > 1) return failure('origin_malformed');
    const originValue = single(header(request, 'origin'));
    if (originValue === null) return failure('origin_malformed');
    if (originValue !== undefined) {
      if (originValue === 'null') return failure('origin_not_allowed');
      const origin = parseOrigin(originValue);
      if (!origin.ok) return failure('origin_malformed');
      return originAllowed(origin, host) ? undefined : failure('origin_not_allowed');
    }
    if (isWebSocket) return failure('origin_missing');
    const refererValue = single(header(request, 'referer'));
    if (refererValue === null) return failure('origin_malformed');
    if (refererValue !== undefined) {
      const origin = refererOrigin(refererValue);
      if (!origin.ok) return failure('origin_malformed');
      return originAllowed(origin, host) ? undefined : failure('origin_not_allowed');
    }
    if (single(header(request, 'sec-fetch-site'))?.toLowerCase() === 'cross-site') return failure('cross_site_request');
    return requireOrigin ? failure('origin_missing') : undefined;
  }

  async function checkAuth(
    request: GuardRequest,
    host: ParsedHost,
    mode: AuthMode,
    counts: Record<Counted, number>,
  ): Promise<GuardResult<Claims>> {
    if (verifier === undefined || mode === 'off') return { ok: true, host, auth: undefined };
    // RFC 6750 §3.1: a repeated or malformed Authorization header is invalid_request (400); no
    // Bearer credentials at all (absent, or another scheme such as Basic) get a bare challenge.
    if (counts.authorization > 1) return failure('token_duplicate', challenge('invalid_request'));
    const bearer = parseBearer(header(request, 'authorization'), { maxLength: verifier.maxTokenLength });
    if (!bearer.ok) {
      if (bearer.code === 'token_missing')
        return mode === 'optional' ? { ok: true, host, auth: undefined } : failure('token_missing', challenge());
      return failure(bearer.code, challenge('invalid_request'));
    }
    const outcome = await verifier.verify(bearer.token, host);
    // The header was well-formed; whatever is wrong is the token itself (RFC 6750 §3.1: invalid_token).
    // The IdP's keys could not be fetched: not the client's fault, so no challenge; retry later.
    if (!outcome.ok && outcome.code === 'key_unavailable')
      return failure('key_unavailable', { 'retry-after': String(outcome.retryAfter) });
    if (!outcome.ok) return failure(outcome.code, challenge('invalid_token'));
    return { ok: true, host, auth: outcome.auth };
  }

  async function check(input: GuardRequest, checkOptions: CheckOptions = {}): Promise<GuardResult<Claims>> {
    try {
      if (
        typeof input !== 'object' ||
        (input as unknown) === null ||
        typeof input.headers !== 'object' ||
        (input.headers as unknown) === null
      ) {
        return failure('host_missing');
      }
      const request = withLowerCaseHeaders(input);
      const url = typeof request.url === 'string' ? request.url : '/';
      const excluded = isExcluded(pathOf(url));
      const counts = rawCounts(request);
      const checked = checkHost(request, url, counts);
      let host: ParsedHost;
      if ('code' in checked) {
        if (!(excluded && excludeHost)) return checked;
        host = { hostname: '', port: undefined };
      } else if (!hosts.allows(checked)) {
        if (!(excluded && excludeHost)) return failure('host_not_allowed');
        host = checked;
      } else host = checked;
      if (!(excluded && excludeHost)) {
        if (trustProxy) {
          const forwarded = checkForwarded(request);
          if (forwarded !== undefined && 'code' in forwarded) return forwarded;
          if (forwarded !== undefined) host = forwarded;
        }
        if (checkOptions.servedHost !== undefined && !servesValidatedHost(request, host, checkOptions.servedHost)) {
          return failure('forwarded_host_not_allowed');
        }
      }
      if (
        metadata !== undefined &&
        (request.method === 'GET' || request.method === 'HEAD') &&
        metadata.paths.has(pathOf(url))
      ) {
        return { ok: true, host, auth: undefined, answer: metadata.answer };
      }
      // Upgrades always need an allowed Origin, excluded paths included: no CORS protects them.
      if (excluded && !isWebSocketUpgrade(request)) return { ok: true, host, auth: undefined };
      const originFailure = checkOrigin(request, host, counts);
      if (originFailure !== undefined) return originFailure;
      if (excluded) return { ok: true, host, auth: undefined };
      const mode = checkOptions.auth ?? 'required';
      return await checkAuth(request, host, mode, counts);
    } catch (error) {
      // Defence in depth: a request must never crash the server, and an internal failure must fail
      // closed under its own name rather than pass for a bad token. Nothing above is expected to throw.
      if (!reportedInternalError) {
        reportedInternalError = true;
        const what = error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : typeof error;
        process.emitWarning(`rebind-guard: a request could not be checked and was refused with guard_error (${what})`, {
          code: 'REBIND_GUARD_ERROR',
        });
      }
      return failure('guard_error');
    }
  }

  return {
    check,
    hasAuth: verifier !== undefined,
    isAllowedOrigin: (origin) => origins?.has(origin) ?? false,
    isAllowedHost(value) {
      const host = parseHost(value);
      return !isHostFailure(host) && hosts.allows(host);
    },
    checkScopes(auth, scopes) {
      validateScopes(scopes);
      if (auth === undefined) return failure('token_missing', challenge());
      const granted = grantedScopes(auth.claims);
      if (scopes.every((scope) => granted.has(scope))) return undefined;
      return failure('insufficient_scope', challenge('insufficient_scope', `, scope="${scopes.join(' ')}"`));
    },
    checkClaims(auth, requirement) {
      validateClaimRequirement(requirement);
      if (auth === undefined) return failure('token_missing', challenge());
      return meetsClaimRequirement(auth.claims, requirement)
        ? undefined
        : failure('token_claims_invalid', challenge('invalid_token'));
    },
  };
}
