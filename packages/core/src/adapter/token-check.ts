/**
 * The framework-neutral half of the per-route helpers of the Express and Koa adapters
 * (`requireScopes`, `requireClaims`, `rebindGuard.optional`): the mark a guard leaves on a request
 * it let through, and the route checks on the verified token that answer like that guard. Each
 * adapter only wraps these in its own middleware signature.
 */
import type { ClaimRequirement } from '../claims.js';
import { validateClaimRequirement } from '../claims.js';
import type { AuthMode } from '../auth-mode.js';
import type { Guard, GuardFailure } from '../guard.js';
import { validateScopes } from '../scopes.js';
import type { AuthInfo } from '../jwt.js';

/**
 * What an adapter's `rebindGuard()` records on a request it let through: its compiled guard and
 * its `onReject`, so that a standalone `requireScopes()` further down answers like that guard.
 * `OnReject` is the adapter's own `onReject` signature. See {@link markGuarded}.
 */
export interface GuardMark<OnReject> {
  /** The compiled guard that let the request through. */
  readonly guard: Guard<unknown>;
  /** That guard's custom rejection, if it has one. */
  readonly onReject: OnReject | undefined;
}

/**
 * The key of the mark. A symbol-keyed property (not a WeakMap, which costs GC work per request);
 * not registered with `Symbol.for`, so no other code can forge a mark.
 */
const MARK = Symbol('rebind-guard');

type Markable = object & { [MARK]?: GuardMark<unknown> };

/**
 * Marks `target` (Express: the request; Koa: `ctx.state`) as let through by the guard of `mark`.
 * Pass one `GuardMark` object per guard, built once: marking allocates nothing.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard } from '@rebind-guard/core';
 * import { markGuarded, toGuardRequest, type GuardMark } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'] });
 * const mark: GuardMark<undefined> = { guard, onReject: undefined }; // built once per guard
 * createServer((req, res) => {
 *   void guard.check(toGuardRequest(req)).then((result) => {
 *     if (result.ok) markGuarded(req, mark); // once the guard let the request through
 *     res.end();
 *   });
 * });
 * ```
 */
export function markGuarded<OnReject>(target: object, mark: GuardMark<OnReject>): void {
  (target as Markable)[MARK] = mark;
}

/**
 * The mark {@link markGuarded} left on `target`, or `undefined` when no guard let it through.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * import { guardMarkOf, markGuarded } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'] });
 * const state = {};
 * guardMarkOf(state); // undefined
 * markGuarded(state, { guard, onReject: undefined });
 * guardMarkOf(state)?.guard === guard; // true
 * ```
 */
export function guardMarkOf<OnReject>(target: object): GuardMark<OnReject> | undefined {
  return (target as Markable)[MARK] as GuardMark<OnReject> | undefined;
}

/**
 * A failed route check: the failure, and the `onReject` to answer it with (`undefined`: the
 * default problem+json answer). See {@link scopesCheck}.
 */
export interface TokenCheckFailure<OnReject> {
  readonly failure: GuardFailure;
  readonly onReject: OnReject | undefined;
}

/**
 * A route check on the verified token of a request (scopes, claims), built by
 * {@link scopesCheck} or {@link claimsCheck}. Give it what {@link markGuarded} marked and the
 * request's verified token; it returns `undefined` when the request may go on, else the failure
 * and how to answer it. It throws an `Error` when no guard is known (neither marked nor the
 * guard the check was created from): the helper runs before `rebindGuard()`, a wiring mistake.
 * See {@link scopesCheck}.
 */
export type TokenCheck<OnReject> = (
  marked: object,
  auth: AuthInfo<unknown> | undefined,
) => TokenCheckFailure<OnReject> | undefined;

/** The decision of a token check given the guard that applies. */
type Decide = (guard: Guard<unknown>, auth: AuthInfo<unknown> | undefined) => GuardFailure | undefined;

/**
 * Which guard and `onReject` apply: the marking guard's, else the owner's (the guard whose
 * `requireScopes()` built the check). An owner's own `onReject` wins over the mark's.
 */
function tokenCheck<OnReject>(
  name: string,
  decide: Decide,
  owner: GuardMark<OnReject> | undefined,
): TokenCheck<OnReject> {
  // Scopes and claims are read from the verified token: without `auth`, every request would get a 401.
  if (owner !== undefined && !owner.guard.hasAuth)
    throw new TypeError(
      `rebind-guard: ${name}() on a guard without \`auth\` would refuse every request with 401, as no token is ever verified. Configure auth (key, algorithms, audience, issuer) on that guard, or remove ${name}().`,
    );
  return function rebindGuardTokenCheck(marked, auth) {
    const mark = guardMarkOf<OnReject>(marked);
    const guard = mark?.guard ?? owner?.guard;
    if (guard === undefined)
      throw new Error(`rebind-guard: ${name}() runs before rebindGuard(); register rebindGuard(options) first.`);
    const failure = decide(guard, auth);
    return failure === undefined ? undefined : { failure, onReject: owner?.onReject ?? mark?.onReject };
  };
}

/**
 * Builds the check behind `requireScopes(...scopes)`: the verified token must grant every scope
 * (none: a token must be present) — 401 `token_missing`, 403 `insufficient_scope`. `owner` is the
 * guard (and its `onReject`) whose `guard.requireScopes()` is being built; leave it out for the
 * standalone helper. Bad scopes throw `TypeError` now.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGuard } from '@rebind-guard/core';
 * import { markGuarded, scopesCheck, sendProblem, toGuardRequest } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'], auth });
 * const mark = { guard, onReject: undefined };
 * const adminOnly = scopesCheck(['admin']); // answers like the guard that marked the request
 * createServer((req, res) => {
 *   void guard.check(toGuardRequest(req)).then((result) => {
 *     if (!result.ok) return sendProblem(res, result);
 *     markGuarded(req, mark);
 *     const rejected = adminOnly(req, result.auth);
 *     if (rejected !== undefined) return sendProblem(res, rejected.failure);
 *     res.end('welcome, admin');
 *   });
 * });
 * ```
 */
export function scopesCheck<OnReject>(scopes: readonly string[], owner?: GuardMark<OnReject>): TokenCheck<OnReject> {
  validateScopes(scopes);
  return tokenCheck('requireScopes', (guard, auth) => guard.checkScopes(auth, scopes), owner);
}

/**
 * Builds the check behind `requireClaims(requirement)`: the verified token's claims must meet
 * `equals` / `includes` — 401 `token_missing`, 401 `token_claims_invalid`. `owner` as for
 * {@link scopesCheck}. A bad requirement throws `TypeError` now.
 *
 * @example
 * ```ts
 * import { createGuard } from '@rebind-guard/core';
 * import { claimsCheck, markGuarded } from '@rebind-guard/core/node';
 *
 * const guard = createGuard({ hosts: ['localhost'], auth });
 * const acmeOnly = claimsCheck({ equals: { org: 'acme' } });
 * const request = {};
 * markGuarded(request, { guard, onReject: undefined });
 * acmeOnly(request, undefined)?.failure.code; // 'token_missing'
 * ```
 */
export function claimsCheck<OnReject>(
  requirement: ClaimRequirement<never>,
  owner?: GuardMark<OnReject>,
): TokenCheck<OnReject> {
  validateClaimRequirement(requirement);
  return tokenCheck('requireClaims', (guard, auth) => guard.checkClaims(auth, requirement), owner);
}

/**
 * The options of an adapter's `rebindGuard.optional(options)`: the same options with
 * `authMode: 'optional'` (a missing token passes, a bad one is still rejected).
 *
 * @example
 * ```ts
 * import { withOptionalAuth } from '@rebind-guard/core/node';
 * withOptionalAuth({ hosts: ['localhost'], auth }); // { hosts: ['localhost'], auth, authMode: 'optional' }
 * ```
 */
export function withOptionalAuth<Options extends object>(options: Options): Options & { readonly authMode: AuthMode } {
  return { ...options, authMode: 'optional' };
}
