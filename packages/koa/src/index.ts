/**
 * Koa 3 adapter for rebind-guard.
 *
 * @packageDocumentation
 */
import type { Context, Middleware, Next } from 'koa';
import {
  problemResponse,
  type AuthInfo,
  type ClaimRequirement,
  type GuardAnswer,
  type ProblemResponse,
  type Guard,
  type GuardFailure,
  type GuardResult,
  type JwtClaims,
} from '@rebind-guard/core';
import {
  claimsCheck,
  compileAdapterOptions,
  decisionOf,
  markGuarded,
  scopesCheck,
  toGuardRequest,
  withOptionalAuth,
  type AdapterOptions,
  type GuardMark,
  type TokenCheck,
} from '@rebind-guard/core/node';

export {
  guardRequests,
  guardUpgrades,
  type GuardedIncomingMessage,
  type RequestGuardOptions,
  type UpgradeGuardOptions,
} from '@rebind-guard/core/node';

/**
 * The claims type of `ctx.state.auth` when `rebindGuard()` is called without a claims type.
 * Augment it to type your claims everywhere:
 *
 * @example
 * ```ts
 * declare module '@rebind-guard/koa' {
 *   interface RebindGuardClaims { sub: string; scope: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RebindGuardClaims extends JwtClaims {}

/**
 * The state rebind-guard adds: `ctx.state.auth`, the verified token with claims of type `Claims`
 * (by default {@link RebindGuardClaims}).
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { rebindGuard } from '@rebind-guard/koa';
 * const app = new Koa().use(rebindGuard<{ sub: string }>({ hosts: ['localhost'], auth }));
 * app.use((ctx) => { ctx.body = ctx.state.auth?.claims.sub; });
 * ```
 */
export interface RebindGuardState<Claims = RebindGuardClaims> {
  auth?: AuthInfo<Claims> | undefined;
}

/**
 * Options of {@link rebindGuard}: every core option, `authMode`, and `onReject`.
 *
 * @example
 * ```ts
 * import type { KoaGuardOptions } from '@rebind-guard/koa';
 * const options: KoaGuardOptions = { hosts: ['localhost'], onReject: (result, ctx) => { ctx.status = result.status; ctx.body = { error: result.code }; } };
 * ```
 */
export interface KoaGuardOptions<Claims = RebindGuardClaims> extends AdapterOptions<Claims> {
  /** Replaces the default `application/problem+json` rejection; set `ctx.status`/`ctx.body`. */
  readonly onReject?: (result: GuardFailure, ctx: Context) => void | Promise<void>;
}

/**
 * The middleware returned by {@link rebindGuard}, with the compiled guard and per-route helpers.
 *
 * @example
 * ```ts
 * import { rebindGuard } from '@rebind-guard/koa';
 * const guard = rebindGuard({ hosts: ['localhost'], auth });
 * app.use(guard);
 * router.post('/items', guard.requireScopes('items:write'), handler);
 * ```
 */
export interface RebindGuardMiddleware<Claims = RebindGuardClaims> extends Middleware<RebindGuardState<Claims>> {
  /** The compiled core guard. */
  readonly guard: Guard<Claims>;
  /** Middleware requiring that the verified token grants all `scopes` (none: a token must be present). */
  requireScopes(...scopes: string[]): Middleware<RebindGuardState<Claims>>;
  /** Middleware requiring that the verified token's claims meet `requirement` (`equals`, `includes`). */
  requireClaims(requirement: ClaimRequirement<Claims>): Middleware<RebindGuardState<Claims>>;
}

type OnReject = KoaGuardOptions<never>['onReject'];

async function respond(failure: GuardFailure, ctx: Context, onReject: OnReject): Promise<void> {
  if (onReject !== undefined) {
    await onReject(failure, ctx);
    return;
  }
  setResponse(ctx, problemResponse(failure));
}

/** Answers with a response core built (a problem, or the resource metadata document). */
function setResponse(ctx: Context, response: GuardAnswer | ProblemResponse): void {
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body;
  const type = response.headers['content-type'];
  if (type !== undefined) ctx.type = type;
}

/** Koa middleware around a route check on the verified token (scopes, claims). */
function tokenCheckMiddleware(check: TokenCheck<OnReject>): Middleware<RebindGuardState> {
  // A throw (the check runs before any rebindGuard()) rejects the middleware's promise.
  return async function rebindGuardTokenCheck(ctx, next) {
    const rejected = check(ctx.state, ctx.state.auth);
    if (rejected === undefined) await next();
    else await respond(rejected.failure, ctx, rejected.onReject);
  };
}

/**
 * Koa middleware that rejects requests whose Host is not allowed, whose Origin is not trusted for
 * an unsafe method, and (with `auth`) whose Bearer token is missing or invalid. Sets
 * `ctx.state.auth`. Options are validated now; bad options throw `TypeError`.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { rebindGuard } from '@rebind-guard/koa';
 * import { LOOPBACK_HOSTS } from '@rebind-guard/core';
 *
 * const app = new Koa();
 * app.use(rebindGuard({ hosts: ['api.example.com', ...LOOPBACK_HOSTS] }));
 * app.use((ctx) => { ctx.body = { ok: true }; });
 * ```
 */
export function rebindGuard<Claims = RebindGuardClaims>(
  options: KoaGuardOptions<Claims>,
): RebindGuardMiddleware<Claims> {
  const { guard, authMode } = compileAdapterOptions(options);
  const onReject = options.onReject;
  // The guard that let the request through, and its onReject: standalone requireScopes() answers like it.
  const mark: GuardMark<OnReject> = { guard, onReject };
  const decide = decisionOf(guard);
  /** Acts on the guard's result: reject, answer, or set ctx.state.auth and go on. */
  function proceed(result: GuardResult<Claims>, ctx: Context & { state: RebindGuardState<Claims> }, next: Next) {
    if (!result.ok) return respond(result, ctx, onReject);
    if (result.answer !== undefined) {
      setResponse(ctx, result.answer);
      return Promise.resolve();
    }
    markGuarded(ctx.state, mark);
    ctx.state.auth = result.auth;
    return next();
  }
  // Not an async function: synchronous until next() unless keys or a claims validator are awaited, so a request
  // takes no promise or turn of the event loop of its own (koa-compose turns a throw into a rejection).
  const middleware = function rebindGuardMiddleware(
    ctx: Context & { state: RebindGuardState<Claims> },
    next: Next,
  ): Promise<void> {
    const decided = decide(toGuardRequest(ctx.req, ctx.originalUrl), { authMode, servedHost: () => ctx.hostname });
    return decided instanceof Promise
      ? decided.then((result) => proceed(result, ctx, next))
      : proceed(decided, ctx, next);
  };
  return Object.assign(middleware as Middleware<RebindGuardState<Claims>>, {
    guard,
    requireScopes: (...scopes: string[]) =>
      tokenCheckMiddleware(scopesCheck(scopes, mark)) as Middleware<RebindGuardState<Claims>>,
    requireClaims: (requirement: ClaimRequirement<Claims>) =>
      tokenCheckMiddleware(claimsCheck(requirement as ClaimRequirement<never>, mark)) as Middleware<
        RebindGuardState<Claims>
      >,
  });
}

/**
 * Shorthand for `rebindGuard({ ...options, authMode: 'optional' })`.
 *
 * @example
 * ```ts
 * import { rebindGuard } from '@rebind-guard/koa';
 * app.use(rebindGuard.optional({ hosts: ['localhost'], auth }));
 * app.use((ctx) => { ctx.body = { user: ctx.state.auth?.claims.sub ?? 'anonymous' }; });
 * ```
 */
rebindGuard.optional = function optional<Claims = RebindGuardClaims>(
  options: KoaGuardOptions<Claims>,
): RebindGuardMiddleware<Claims> {
  return rebindGuard<Claims>(withOptionalAuth(options));
};

/**
 * Middleware requiring that the token verified by an earlier `rebindGuard()` grants every scope.
 *
 * @example
 * ```ts
 * import { requireScopes } from '@rebind-guard/koa';
 * router.post('/admin', requireScopes('admin'), handler);
 * ```
 */
export function requireScopes(...scopes: string[]): Middleware<RebindGuardState> {
  return tokenCheckMiddleware(scopesCheck(scopes));
}

/**
 * Middleware requiring that the token verified by an earlier `rebindGuard()` meets a claim
 * requirement: `equals` (each claim exactly that value) and `includes` (each claim, an array or a
 * space-separated string, holds every listed value). 401 `token_missing` without a token, 401
 * `token_claims_invalid` (`error="invalid_token"`) otherwise.
 *
 * @example
 * ```ts
 * import { requireClaims } from '@rebind-guard/koa';
 * router.delete('/orgs/acme', requireClaims<{ org: string }>({ equals: { org: 'acme' } }), handler);
 * ```
 */
export function requireClaims<Claims = RebindGuardClaims>(
  requirement: ClaimRequirement<Claims>,
): Middleware<RebindGuardState<Claims>> {
  return tokenCheckMiddleware(claimsCheck(requirement as ClaimRequirement<never>)) as Middleware<
    RebindGuardState<Claims>
  >;
}

export default rebindGuard;
