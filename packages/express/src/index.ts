/**
 * Express 5 adapter for rebind-guard.
 *
 * @packageDocumentation
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthInfo, ClaimRequirement, Guard, GuardFailure, GuardResult, JwtClaims } from '@rebind-guard/core';
import {
  claimsCheck,
  compileAdapterOptions,
  decisionOf,
  markGuarded,
  scopesCheck,
  sendAnswer,
  sendProblem,
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
 * The claims type of `req.auth`. Augment it to type your claims everywhere:
 *
 * @example
 * ```ts
 * declare module '@rebind-guard/express' {
 *   interface RebindGuardClaims { sub: string; scope: string }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RebindGuardClaims extends JwtClaims {}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified Bearer token, set by rebind-guard; `undefined` when auth is off, optional and absent, or not configured. */
      auth?: AuthInfo<RebindGuardClaims> | undefined;
    }
  }
}

/**
 * A request whose `auth` carries claims of type `Claims` (for handlers behind a guard created
 * with `rebindGuard<Claims>()`).
 *
 * @example
 * ```ts
 * import type { GuardedRequest } from '@rebind-guard/express';
 * app.get('/me', (req, res) => { const { auth } = req as GuardedRequest<MyClaims>; res.json(auth?.claims); });
 * ```
 */
export type GuardedRequest<Claims = RebindGuardClaims> = Omit<Request, 'auth'> & {
  auth?: AuthInfo<Claims> | undefined;
};

/**
 * Options of {@link rebindGuard}: every core option, `authMode`, and `onReject`.
 *
 * @example
 * ```ts
 * import type { ExpressGuardOptions } from '@rebind-guard/express';
 * const options: ExpressGuardOptions = { hosts: ['api.example.com'], onReject: (result, req, res) => res.status(result.status).json({ error: result.code }) };
 * ```
 */
export interface ExpressGuardOptions<Claims = RebindGuardClaims> extends AdapterOptions<Claims> {
  /** Replaces the default `application/problem+json` rejection. Must send a response (or call `next(err)`). */
  readonly onReject?: (result: GuardFailure, req: Request, res: Response, next: NextFunction) => void;
}

/**
 * The middleware returned by {@link rebindGuard}, with the compiled guard and per-route helpers.
 *
 * @example
 * ```ts
 * import { rebindGuard } from '@rebind-guard/express';
 * const guard = rebindGuard({ hosts: ['api.example.com'], auth });
 * app.use(guard);
 * app.delete('/items/:id', guard.requireScopes('items:write'), handler);
 * ```
 */
export interface RebindGuardMiddleware<Claims = RebindGuardClaims> extends RequestHandler {
  /** The compiled core guard (e.g. `guard.guard.isAllowedOrigin` for CORS). */
  readonly guard: Guard<Claims>;
  /** Route middleware: the verified token must grant all `scopes` (none: a token must be present). */
  requireScopes(...scopes: string[]): RequestHandler;
  /** Route middleware: the verified token's claims must meet `requirement` (`equals`, `includes`). */
  requireClaims(requirement: ClaimRequirement<Claims>): RequestHandler;
}

type OnReject = ExpressGuardOptions<never>['onReject'];

function respond(failure: GuardFailure, req: Request, res: Response, next: NextFunction, onReject: OnReject): void {
  if (onReject === undefined) sendProblem(res, failure);
  else onReject(failure, req, res, next);
}

/** Express middleware around a route check on the verified token (scopes, claims). */
function tokenCheckMiddleware(check: TokenCheck<OnReject>): RequestHandler {
  // A throw (the check runs before any rebindGuard()) goes to next(err): Express 4 and 5 catch it.
  return function rebindGuardTokenCheck(req, res, next) {
    const rejected = check(req, req.auth);
    if (rejected === undefined) next();
    else respond(rejected.failure, req, res, next, rejected.onReject);
  };
}

/**
 * Express middleware that rejects requests whose Host is not allowed, whose Origin is not trusted
 * for an unsafe method, and (with `auth`) whose Bearer token is missing or invalid. Sets
 * `req.auth`. Options are validated now; bad options throw `TypeError`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { rebindGuard } from '@rebind-guard/express';
 * import { LOOPBACK_HOSTS } from '@rebind-guard/core';
 *
 * const app = express();
 * app.use(rebindGuard({ hosts: ['api.example.com', ...LOOPBACK_HOSTS], origins: ['https://app.example.com'] }));
 * app.get('/', (req, res) => { res.json({ ok: true }); });
 * ```
 */
export function rebindGuard<Claims = RebindGuardClaims>(
  options: ExpressGuardOptions<Claims>,
): RebindGuardMiddleware<Claims> {
  const { guard, authMode } = compileAdapterOptions(options);
  const onReject = options.onReject;
  const mark: GuardMark<OnReject> = { guard, onReject };

  const decide = decisionOf(guard);

  function finish(result: GuardResult<Claims>, req: Request, res: Response, next: NextFunction): void {
    try {
      if (!result.ok) respond(result, req, res, next, onReject);
      else if (result.answer !== undefined) sendAnswer(res, result.answer);
      else {
        markGuarded(req, mark);
        req.auth = result.auth as AuthInfo<unknown> as AuthInfo<RebindGuardClaims>;
        next();
      }
    } catch (error) {
      // A throwing onReject (or anything else above) goes to Express's error path, never unhandled.
      next(error);
    }
  }
  // Synchronous unless keys or a claims validator are awaited; returns nothing (Express 5 would chain a handler onto
  // a returned promise on every request).
  const middleware = function rebindGuardMiddleware(req: Request, res: Response, next: NextFunction): void {
    let result: GuardResult<Claims> | Promise<GuardResult<Claims>>;
    try {
      result = decide(toGuardRequest(req, req.originalUrl), { authMode, servedHost: () => req.hostname });
    } catch (error) {
      next(error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (settled) => {
          finish(settled, req, res, next);
        },
        (error: unknown) => {
          next(error);
        },
      );
    } else finish(result, req, res, next);
  };
  return Object.assign(middleware, {
    guard,
    requireScopes: (...scopes: string[]) => tokenCheckMiddleware(scopesCheck(scopes, mark)),
    requireClaims: (requirement: ClaimRequirement<Claims>) =>
      tokenCheckMiddleware(claimsCheck(requirement as ClaimRequirement<never>, mark)),
  });
}

/**
 * Shorthand for `rebindGuard({ ...options, authMode: 'optional' })`: a missing token passes
 * (`req.auth` is `undefined`), a bad one is still rejected.
 *
 * @example
 * ```ts
 * import { rebindGuard } from '@rebind-guard/express';
 * app.use(rebindGuard.optional({ hosts: ['api.example.com'], auth }));
 * app.get('/feed', (req, res) => {
 *   res.json({ feed: req.auth === undefined ? 'public' : `for ${req.auth.claims.sub ?? 'you'}` });
 * });
 * ```
 */
rebindGuard.optional = function optional<Claims = RebindGuardClaims>(
  options: ExpressGuardOptions<Claims>,
): RebindGuardMiddleware<Claims> {
  return rebindGuard<Claims>(withOptionalAuth(options));
};

/**
 * Route middleware requiring that the token verified by an earlier `rebindGuard()` grants every
 * scope (from `scope` or `scp`); 401 `token_missing` without a token, 403 `insufficient_scope`
 * with the RFC 6750 challenge otherwise.
 *
 * @example
 * ```ts
 * import { rebindGuard, requireScopes } from '@rebind-guard/express';
 * app.use(rebindGuard.optional({ hosts: ['api.example.com'], auth }));
 * app.post('/admin', requireScopes('admin'), handler);
 * ```
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  return tokenCheckMiddleware(scopesCheck(scopes));
}

/**
 * Route middleware requiring that the token verified by an earlier `rebindGuard()` meets a claim
 * requirement: `equals` (each claim exactly that value) and `includes` (each claim, an array or a
 * space-separated string, holds every listed value). 401 `token_missing` without a token, 401
 * `token_claims_invalid` (`error="invalid_token"`) otherwise — as express-oauth2-jwt-bearer's
 * `claimEquals` / `claimIncludes`.
 *
 * @example
 * ```ts
 * import { rebindGuard, requireClaims } from '@rebind-guard/express';
 * app.use(rebindGuard({ hosts: ['api.example.com'], auth }));
 * app.delete('/orgs/acme', requireClaims<{ org: string; roles: string[] }>({ equals: { org: 'acme' }, includes: { roles: ['admin'] } }), handler);
 * ```
 */
export function requireClaims<Claims = RebindGuardClaims>(requirement: ClaimRequirement<Claims>): RequestHandler {
  return tokenCheckMiddleware(claimsCheck(requirement as ClaimRequirement<never>));
}

export default rebindGuard;
