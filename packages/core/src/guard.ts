/**
 * `createGuard`: one compiled policy that decides every request.
 *
 * @packageDocumentation
 */
import type { AuthMode } from './auth-mode.js';
import type { ResultCode, ResultStatus } from './errors.js';
import { compileGuardOptions, type GuardOptions, type GuardPolicy } from './guard-options.js';
import { isHostFailure, parseHost, type ParsedHost } from './host.js';
import type { AuthInfo, JwtClaims } from './jwt.js';
import type { GuardAnswer } from './resource-metadata.js';
import { meetsClaimRequirement, validateClaimRequirement, type ClaimRequirement } from './claims.js';
import { grantsScopes, validateScopes } from './scopes.js';
import { checkAuth, type AuthStep } from './internal/auth-check.js';
import { failure } from './internal/failure.js';
import { isWebSocketUpgrade, rawCounts, withLowerCaseHeaders } from './internal/headers.js';
import { checkHost, reportedHost, type HostStep } from './internal/host-check.js';
import { checkOrigin } from './internal/origin-check.js';
import { pathOf } from './internal/paths.js';

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
 * Per-call overrides of {@link Guard.check}.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: ['localhost'] });
 * const result = await guard.check({ method: 'GET', url: '/', headers: { host: 'localhost' } }, { authMode: 'off' });
 * ```
 */
export interface CheckOptions {
  /** How this check treats Bearer auth; default `'required'` (when `auth` is configured). */
  readonly authMode?: AuthMode;
  /** @deprecated The former name of `authMode`; `authMode` wins when both are given. */
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
 * import { createGuard } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: ['.example.com'] });
 * const result = await guard.check({ method: 'GET', url: '/', headers: { host: 'API.Example.com:8443' } });
 * if (result.ok) console.log(result.host); // { hostname: 'api.example.com', port: 8443 }
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
 * import { createGuard } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: ['api.example.com'] });
 * const result = await guard.check({ method: 'GET', url: '/', headers: { host: 'rebind.test:8080' } });
 * if (!result.ok) console.log(result.status, result.code, result.headers); // 403 'host_not_allowed' {}
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
 * import { createGuard, type GuardResult } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: ['api.example.com'] });
 * const result: GuardResult = await guard.check({
 *   method: 'POST',
 *   url: '/',
 *   headers: { host: 'api.example.com', origin: 'https://evil.example' },
 * });
 * if (!result.ok && result.code === 'origin_not_allowed') console.warn('cross-site request refused');
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

function isGuardRequest(input: unknown): input is GuardRequest {
  if (typeof input !== 'object' || input === null) return false;
  const { headers } = input as { headers?: unknown };
  return typeof headers === 'object' && headers !== null;
}

/** Warns once per guard, then refuses every internal failure as `guard_error` without a word. */
function internalErrorReporter(): (error: unknown) => GuardFailure {
  let reported = false;
  return (error) => {
    if (!reported) {
      reported = true;
      const what = error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : typeof error;
      process.emitWarning(`rebind-guard: a request could not be checked and was refused with guard_error (${what})`, {
        code: 'REBIND_GUARD_ERROR',
      });
    }
    return failure('guard_error');
  };
}

/** The result once the Bearer step is done. */
function withAuth<Claims>(host: ParsedHost, step: AuthStep<Claims>): GuardResult<Claims> {
  return step.ok ? { ok: true, host, auth: step.auth } : step;
}

/**
 * One request through the chain of steps: Host, metadata document, exclusions, Origin, Bearer.
 * Synchronous unless keys or a claims validator must be awaited (then a promise), so most requests
 * take no extra turn.
 */
function decide<Claims>(
  policy: GuardPolicy<Claims>,
  input: GuardRequest,
  checkOptions: CheckOptions,
): GuardResult<Claims> | Promise<GuardResult<Claims>> {
  if (!isGuardRequest(input)) return failure('host_missing');
  const request = withLowerCaseHeaders(input);
  const url = typeof request.url === 'string' ? request.url : '/';
  const path = pathOf(url);
  const excluded = policy.isExcluded(path);
  const counts = rawCounts(request);
  const hostStep: HostStep =
    excluded && policy.excludeHost
      ? { ok: true, host: reportedHost(request, url, counts) }
      : checkHost(policy.host, request, url, counts, checkOptions.servedHost);
  if (!hostStep.ok) return hostStep;
  const { host } = hostStep;
  if (policy.metadata?.paths.has(path) === true && (request.method === 'GET' || request.method === 'HEAD')) {
    return { ok: true, host, auth: undefined, answer: policy.metadata.answer };
  }
  // Upgrades always need an allowed Origin, excluded paths included: no CORS protects them.
  if (excluded && !isWebSocketUpgrade(request)) return { ok: true, host, auth: undefined };
  const originFailure = checkOrigin(policy.origin, request, host, counts);
  if (originFailure !== undefined) return originFailure;
  if (excluded) return { ok: true, host, auth: undefined };
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the former name still works
  const mode = checkOptions.authMode ?? checkOptions.auth ?? 'required';
  const authStep = checkAuth(policy.auth, request, host, mode, counts);
  return authStep instanceof Promise ? authStep.then((step) => withAuth(host, step)) : withAuth(host, authStep);
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
  const policy = compileGuardOptions(options);
  const { challenge } = policy.auth;
  const guardError = internalErrorReporter();

  // Defence in depth: a request must never crash the server, and an internal failure must fail
  // closed under its own name rather than pass for a bad token. Nothing in decide() is expected to throw.
  const decideSafely: Decision<Claims> = (request, checkOptions = {}) => {
    try {
      const result = decide(policy, request, checkOptions);
      return result instanceof Promise ? result.catch(guardError) : result;
    } catch (error) {
      return guardError(error);
    }
  };

  const guard: Guard<Claims> = {
    check: async (request, checkOptions) => decideSafely(request, checkOptions),
    hasAuth: policy.auth.verifier !== undefined,
    isAllowedOrigin: (origin) => policy.origin.origins?.has(origin) ?? false,
    isAllowedHost(value) {
      const host = parseHost(value);
      return !isHostFailure(host) && policy.host.hosts.allows(host);
    },
    checkScopes(auth, scopes) {
      validateScopes(scopes);
      if (auth === undefined) return failure('token_missing', challenge());
      if (grantsScopes(auth.claims, scopes)) return undefined;
      return failure('insufficient_scope', challenge('insufficient_scope', `, scope="${scopes.join(' ')}"`));
    },
    checkClaims(auth, requirement) {
      validateClaimRequirement(requirement);
      if (auth === undefined) return failure('token_missing', challenge());
      if (meetsClaimRequirement(auth.claims, requirement)) return undefined;
      return failure('token_claims_invalid', challenge('invalid_token'));
    },
  };
  Object.defineProperty(guard, DECISION, { value: decideSafely });
  return guard;
}

/** A guard's decision as it is made: a result at once, or a promise while keys or a claims validator are awaited. */
export type Decision<Claims> = (
  request: GuardRequest,
  options?: CheckOptions,
) => GuardResult<Claims> | Promise<GuardResult<Claims>>;

/** Where `createGuard` keeps a guard's {@link Decision} (not enumerable; not a registered symbol). */
const DECISION = Symbol('rebind-guard.decision');

/**
 * The decision behind `guard.check`, for adapters: it answers synchronously unless keys have to be
 * fetched or looked up (`jwksUri`, `discovery`, `getKey`) or a `claims` validator is awaited, so a
 * request takes no extra turn of the event loop in the common case — Host and Origin checks, and
 * Bearer tokens verified with a static `key`. A guard that `createGuard` did not build is asked
 * through its `check`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard, type GuardResult } from '@rebind-guard/core';
 * import { decisionOf, sendProblem, toGuardRequest } from '@rebind-guard/core/node';
 *
 * const decide = decisionOf(createGuard({ hosts: ['localhost'] }));
 * createServer((req, res) => {
 *   const finish = (result: GuardResult): void => {
 *     if (!result.ok) sendProblem(res, result);
 *     else res.end('hello');
 *   };
 *   const result = decide(toGuardRequest(req));
 *   if (result instanceof Promise) void result.then(finish);
 *   else finish(result); // no token to verify: answered in the same turn
 * }).listen(3000, '127.0.0.1');
 * ```
 */
export function decisionOf<Claims>(guard: Guard<Claims>): Decision<Claims> {
  const own = (guard as Guard<Claims> & { [DECISION]?: Decision<Claims> })[DECISION];
  return own ?? ((request, options) => guard.check(request, options));
}
