/**
 * How one request treats Bearer auth.
 *
 * @packageDocumentation
 */

/**
 * How a single check treats Bearer auth: `'required'` (default when `auth` is configured),
 * `'optional'` (a missing token passes, a bad one fails) or `'off'`.
 *
 * @example
 * ```ts
 * import { createGuard, type AuthMode } from '@rebind-guard/core';
 * const guard = createGuard({ hosts: ['localhost'] });
 * const authMode: AuthMode = 'optional';
 * await guard.check({ method: 'GET', url: '/', headers: { host: 'localhost' } }, { authMode });
 * ```
 */
export type AuthMode = 'required' | 'optional' | 'off';

const AUTH_MODES: ReadonlySet<unknown> = new Set<AuthMode>(['required', 'optional', 'off']);

/**
 * Is `value` an {@link AuthMode}? For validating configuration (adapter options, route config).
 *
 * @example
 * ```ts
 * import { isAuthMode } from '@rebind-guard/core/node';
 * const configured: unknown = 'optional';
 * if (!isAuthMode(configured)) throw new TypeError('authMode must be "required", "optional" or "off"');
 * ```
 */
export function isAuthMode(value: unknown): value is AuthMode {
  return AUTH_MODES.has(value);
}
