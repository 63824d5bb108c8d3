/**
 * Per-route claim requirements on a verified token: equality and inclusion, as
 * express-oauth2-jwt-bearer's `claimEquals` / `claimIncludes` do them.
 *
 * @packageDocumentation
 */
import { isPlainObject } from './internal/objects.js';

/** Claim values a {@link ClaimRequirement} compares: strings, finite numbers and booleans. */
export type ClaimValue = string | number | boolean;

/**
 * What a route requires of a verified token's claims. `equals`: each claim must be exactly that
 * value. `includes`: each claim must contain every listed value — as an array, or as a
 * space-separated string (like `scope`). A token that fails is `token_claims_invalid` (401,
 * `error="invalid_token"`); no token is `token_missing`. Express and Koa take it in `requireClaims()`,
 * Fastify in the route option `config.rebindGuard.claims`.
 */
export interface ClaimRequirement<Claims = Record<string, unknown>> {
  readonly equals?: { readonly [Name in keyof Claims & string]?: ClaimValue };
  readonly includes?: { readonly [Name in keyof Claims & string]?: readonly ClaimValue[] };
}

function requirementError(message: string): TypeError {
  return new TypeError(`rebind-guard: claim requirement ${message}`);
}

const isClaimValue = (value: unknown): value is ClaimValue =>
  typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/**
 * Checks a claim requirement once, when a route is set up; throws `TypeError` naming the fix.
 *
 * @example
 * ```ts
 * import { validateClaimRequirement } from '@rebind-guard/core/node';
 * validateClaimRequirement({ equals: { org: 'acme' } });
 * ```
 */
export function validateClaimRequirement(requirement: unknown): void {
  if (!isPlainObject(requirement))
    throw requirementError('must be an object such as { equals: { org: "acme" }, includes: { roles: ["admin"] } }.');
  const { equals, includes, ...rest } = requirement;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0)
    throw requirementError(`has unknown keys ${unknownKeys.join(', ')}; use equals and includes.`);
  if (equals === undefined && includes === undefined) throw requirementError('is empty: give equals and/or includes.');
  if (equals !== undefined) {
    if (!isPlainObject(equals) || Object.keys(equals).length === 0)
      throw requirementError('equals must map claim names to values, e.g. { org: "acme" }.');
    for (const [name, value] of Object.entries(equals)) {
      if (!isClaimValue(value))
        throw requirementError(`equals.${name} must be a string, a finite number or a boolean.`);
    }
  }
  if (includes !== undefined) {
    if (!isPlainObject(includes) || Object.keys(includes).length === 0)
      throw requirementError('includes must map claim names to lists, e.g. { roles: ["admin"] }.');
    for (const [name, values] of Object.entries(includes)) {
      if (!Array.isArray(values) || values.length === 0 || !values.every(isClaimValue)) {
        throw requirementError(`includes.${name} must be a non-empty list of strings, numbers or booleans.`);
      }
    }
  }
}

/** Does a claim value contain `expected`? Arrays by element, strings by space-separated item. */
function contains(claim: unknown, expected: ClaimValue): boolean {
  if (Array.isArray(claim)) return claim.includes(expected);
  return typeof claim === 'string' && typeof expected === 'string' && claim.split(' ').includes(expected);
}

/** Does `claims` meet `requirement`? (The requirement was validated when the route was set up.) */
export function meetsClaimRequirement(claims: unknown, requirement: ClaimRequirement<unknown>): boolean {
  if (!isPlainObject(claims)) return false;
  const equals = (requirement.equals ?? {}) as Readonly<Record<string, ClaimValue | undefined>>;
  for (const [name, value] of Object.entries(equals)) {
    if (!Object.hasOwn(claims, name) || claims[name] !== value) return false;
  }
  const includes = (requirement.includes ?? {}) as Readonly<Record<string, readonly ClaimValue[] | undefined>>;
  for (const [name, values] of Object.entries(includes)) {
    if (!Object.hasOwn(claims, name) || !(values ?? []).every((value) => contains(claims[name], value))) return false;
  }
  return true;
}
