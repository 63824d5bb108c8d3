/**
 * OAuth scopes (RFC 6749 §3.3) on routes and in verified tokens.
 *
 * @packageDocumentation
 */

/** A scope token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Is `value` a single OAuth scope token (RFC 6749 §3.3)? */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/**
 * Checks a list of required OAuth scopes once, when a route is set up: each must be a non-empty
 * scope token (RFC 6749 §3.3: no spaces, quotes or backslashes). Throws `TypeError` otherwise.
 *
 * @example
 * ```ts
 * import { validateScopes } from '@rebind-guard/core/node';
 * validateScopes(['items:read', 'items:write']);
 * ```
 */
export function validateScopes(scopes: readonly unknown[]): readonly string[] {
  if (!Array.isArray(scopes) || !scopes.every(isScopeToken)) {
    throw new TypeError(
      'rebind-guard: scopes must be non-empty strings without spaces, quotes or backslashes, e.g. "items:write".',
    );
  }
  return scopes;
}

/** The scopes a token grants: its space-separated `scope` string and its `scp` array, merged. */
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

/** Does a token with these claims grant every one of `scopes`? */
export function grantsScopes(claims: unknown, scopes: readonly string[]): boolean {
  const granted = grantedScopes(claims);
  return scopes.every((scope) => granted.has(scope));
}
